# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo password is made once per checkout and kept in .demo-password (not in git).
DEMO_PASSWORD ?= $(shell test -s .demo-password || $(PYTHON) -c "import secrets; print('demo-' + secrets.token_urlsafe(9))" > .demo-password; cat .demo-password)

.PHONY: run test test-e2e install lint clean bench vendor

$(VENV)/.installed: pyproject.toml
	@echo "Installing the application and its libraries into .venv (about a minute the first time)"
	@$(PYTHON) -m venv $(VENV)
	@( $(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip \
		&& $(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]" ) \
		> $(VENV)/pip.log 2>&1 || (cat $(VENV)/pip.log; exit 1)
	@touch $@

# The translation catalogues (locale/*/LC_MESSAGES/*.po) are compiled to .mo at every install,
# in pure Python: no GNU gettext needed.
install: $(VENV)/.installed
	@DEBUG=1 $(PY) manage.py compile_translations

# Every step runs with DEBUG on, so settings use the checkout's development key
# (.dev-secret-key, made on first use): the audit chain sealed while seeding verifies later.
# E-mails go to files under sent-emails/. A db.sqlite3 built by an older checkout, whose
# migrations this code no longer has, is removed first and the demo city built afresh.
run: install
	@echo "Preparing the database (db.sqlite3)"
	@DEBUG=1 $(PY) manage.py check_demo_database
	@DEBUG=1 $(PY) manage.py migrate --noinput -v0
	@DEBUG=1 DEMO_PASSWORD='$(DEMO_PASSWORD)' $(PY) manage.py seed_demo
	@DEBUG=1 DEMO_PASSWORD='$(DEMO_PASSWORD)' $(PY) manage.py run_demo $(HOST):$(PORT)

# SECRET_KEY only matters for the test run itself; DATABASE_URL and REDIS_URL pass through.
# The suite runs on every core (pytest-xdist, a test database per worker); TEST_JOBS=0 runs it
# in one process. (Not xdist's "worksteal": a worker that has run its transactional tests, which
# pytest-django puts last, would then take the other's plain ones, on a database those emptied.)
TEST_JOBS ?= auto
test: install
	SECRET_KEY=$${SECRET_KEY:-insecure-test-only-key} $(PY) -m pytest -m "not e2e" -n $(TEST_JOBS) $(ARGS)

# The browser suite (tests/e2e): the system's Chromium (Debian package `chromium`, never
# downloaded) driven by Playwright against the live server; axe-core is fetched once with npm.
# Two workers (pytest-xdist), each with its own live server, test database and browser: the walk
# of every page runs one language per test, so they share out. E2E_JOBS=0 runs it in one
# process. Screenshots go to test-artifacts/e2e/, with the time each walk took (walk/*/timing.txt).
E2E_JOBS ?= 2
test-e2e: install
	SECRET_KEY=$${SECRET_KEY:-insecure-test-only-key} $(PY) -m pytest -m e2e -n $(E2E_JOBS) tests/e2e $(ARGS)

# The load benchmark (bench/README.md): seeds PostgreSQL (msc_bench) once, then drives the key
# pages under gunicorn and writes bench/results/. Pass options with ARGS="--scale 0.1".
bench: install
	$(PY) -m pip install --quiet -e ".[bench]"
	$(PY) -m bench.run $(ARGS)

# The design system (GOV.UK Frontend), htmx and our stylesheet (static/scss), built from the
# versions locked in package-lock.json into static/vendor/ with its MANIFEST.json. Needs Node
# and npm; the built files are committed, so `make run` does not.
vendor:
	npm ci --no-audit --no-fund
	npm run --silent vendor

# mypy's Django plugin loads the settings, which want a SECRET_KEY (any will do for reading).
lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	PYTHONPATH=$(CURDIR) $(VENV)/bin/lint-imports --no-cache
	SECRET_KEY=$${SECRET_KEY:-insecure-lint-only-key} $(PY) -m mypy

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache sent-emails
