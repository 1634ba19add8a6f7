"""The load benchmark, in one command (bench/README.md):

    .venv/bin/python -m bench.run                 # default size, 8 users, results in bench/results/

It makes sure the database exists, is migrated and holds the synthetic city of the requested
scale (`manage.py seed_scale`; reused when it is already there), starts the application under
gunicorn on loopback, signs one session in per simulated user and role through the sign-in page,
then drives each key page in turn with N concurrent users (closed loop, no think time) for a fixed
time. It also serves the bare view the same way, counts each page's queries through Django's test
client, and times the visible-case filter against django-guardian's get_objects_for_user.
"""

import argparse
import asyncio
import json
import math
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PASSWORD_FILE = ROOT / "bench" / ".bench-password"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/msc_bench"

# Budgets of issue 20, at the default size, 8 users, 2 cores: every key page at half the bare
# view's throughput or better, p95 under 100 ms on a machine with no other load, at most 10
# queries of the page's own (the read audit's statements apart: bench.pages.QueryCount.own).
# The Celery worker started beside gunicorn when the benchmark has a Redis (--redis-url), as
# production runs one: it seals the read audit's rows (audit.chain.seal_after_commit).
WORKER_NAME = "bench-worker@localhost"
DEFAULT_REDIS = "redis://127.0.0.1:6379/13"
P95_BUDGET_MS = 100
RATIO_BUDGET = 0.50
QUERY_BUDGET = 10


# --- Set-up ------------------------------------------------------------------------------------


def _env(args) -> dict[str, str]:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    env["DATABASE_URL"] = args.database_url
    env.setdefault("SECRET_KEY", "bench-" + secrets.token_urlsafe(40))
    env.pop("DEBUG", None)
    if not env.get("BENCH_PASSWORD"):
        if not PASSWORD_FILE.exists():
            PASSWORD_FILE.write_text("bench-" + secrets.token_urlsafe(12) + "\n")
        env["BENCH_PASSWORD"] = PASSWORD_FILE.read_text().strip()
    return env


def _manage(env, *argv: str) -> None:
    subprocess.run(  # noqa: S603 (our own manage.py)
        [str(VENV_BIN / "python"), "manage.py", *argv], cwd=ROOT, env=env, check=True
    )


def ensure_database(url: str) -> None:
    """Create the (PostgreSQL) database when it does not exist yet."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg2
    from psycopg2 import sql

    name = parts.path.lstrip("/")
    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            print(f"Creating database {name}")
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def seeded_scale() -> float | None:
    """The scale the data in the database was built at, if it holds a synthetic city."""
    from django.contrib.auth import get_user_model

    from bench.synthetic import BENCH_USERNAMES, SIZES
    from cases.models import Case

    users = get_user_model().objects.filter(username__in=BENCH_USERNAMES.values()).count()
    if users != len(BENCH_USERNAMES):
        return None
    return round(Case.objects.count() / SIZES["cases"], 4)


# --- Measuring ---------------------------------------------------------------------------------


def _cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _pids(predicate) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if predicate(comm, cmdline):
            found.append(int(entry.name))
    return found


def app_pids() -> list[int]:
    """gunicorn's processes and the benchmark's Celery worker (which seals the read audit)."""
    return _pids(
        lambda _comm, cmd: ("gunicorn" in cmd and "bench.wsgi" in cmd) or WORKER_NAME in cmd
    )


def db_pids(name: str) -> list[int]:
    """The PostgreSQL backends serving the benchmark's database."""
    return _pids(lambda comm, cmd: comm.startswith("postgres") and f" {name} " in cmd)


def machine_busy_seconds() -> float:
    """CPU time the whole machine spent busy (every core), from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    rank = max(0, math.ceil(q / 100 * len(sorted_values)) - 1)
    return sorted_values[rank]


@dataclass
class Result:
    page: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    rps: float
    app_cpu_ms: float  # gunicorn and the Celery worker: CPU per request
    db_cpu_ms: float  # PostgreSQL CPU per request
    client_cpu_ms: float  # this driver's CPU per request
    other_cpu: float  # share of the machine's cores busy with anything else meanwhile
    roles: list[str] = field(default_factory=list)
    ratio: float | None = None
    queries: dict[str, int] = field(default_factory=dict)
    error_statuses: dict[str, int] = field(default_factory=dict)


class Driver:
    def __init__(
        self, base: str, password: str, users: dict[str, str], concurrency: int, database: str
    ):
        self.database = database
        self.base = base
        self.password = password
        self.usernames = users  # role -> username
        self.concurrency = concurrency
        self.sessions: dict[tuple[int, str], object] = {}

    async def session_for(self, vu: int, role: str):
        import aiohttp

        key = (vu, role)
        if key not in self.sessions:
            session = aiohttp.ClientSession(
                cookie_jar=aiohttp.CookieJar(unsafe=True),
                connector=aiohttp.TCPConnector(limit=1, force_close=True),
            )
            await self._sign_in(session, self.usernames[role])
            self.sessions[key] = session
        return self.sessions[key]

    async def _sign_in(self, session, username: str) -> None:
        url = f"{self.base}/accounts/login/"
        async with session.get(url) as response:
            html = await response.text()
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if match is None:
            raise RuntimeError("no CSRF token on the sign-in page")
        form = {
            "csrfmiddlewaretoken": match.group(1),
            "username": username,
            "password": self.password,
            "next": "/",
        }
        async with session.post(url, data=form, allow_redirects=False) as response:
            if response.status != 302:
                raise RuntimeError(f"{username} could not sign in (HTTP {response.status})")

    async def close(self) -> None:
        for session in self.sessions.values():
            await session.close()

    async def phase(
        self, name: str, urls: dict[str, list[str]], warmup: float, duration: float
    ) -> Result:
        roles = list(urls)
        assignments = [roles[vu % len(roles)] for vu in range(self.concurrency)]
        sessions = await asyncio.gather(
            *(self.session_for(vu, role) for vu, role in enumerate(assignments))
        )
        latencies: list[float] = []
        errors: dict[str, int] = {}
        measure_from = time.monotonic() + warmup
        stop = measure_from + duration
        counters = {}

        async def user(vu: int, session, role: str) -> None:
            own = urls[role]
            k = vu
            while True:
                now = time.monotonic()
                if now >= stop:
                    return
                url = self.base + own[k % len(own)]
                k += 1
                t0 = time.perf_counter()
                async with session.get(url, allow_redirects=False) as response:
                    await response.read()
                    status = response.status
                elapsed = time.perf_counter() - t0
                if now < measure_from:  # started during the warm-up
                    continue
                if status == 200:
                    latencies.append(elapsed)
                else:
                    errors[str(status)] = errors.get(str(status), 0) + 1

        async def snapshot_at_start():
            await asyncio.sleep(max(0.0, measure_from - time.monotonic()))
            counters["app"] = _cpu_seconds(app_pids())
            counters["db"] = _cpu_seconds(db_pids(self.database))
            counters["client"] = time.process_time()
            counters["machine"] = machine_busy_seconds()
            counters["t"] = time.monotonic()

        await asyncio.gather(
            snapshot_at_start(),
            *(user(vu, s, r) for vu, (s, r) in enumerate(zip(sessions, assignments, strict=True))),
        )
        seconds = time.monotonic() - counters["t"]
        done = len(latencies) + sum(errors.values())
        per = 1000 / max(1, done)
        app_s = _cpu_seconds(app_pids()) - counters["app"]
        db_s = _cpu_seconds(db_pids(self.database)) - counters["db"]
        client_s = time.process_time() - counters["client"]
        machine_s = machine_busy_seconds() - counters["machine"]
        other = max(0.0, machine_s - app_s - db_s - client_s) / (seconds * (os.cpu_count() or 1))
        app, db, client = app_s * per, db_s * per, client_s * per
        latencies.sort()
        return Result(
            page=name,
            requests=len(latencies),
            errors=sum(errors.values()),
            seconds=round(seconds, 2),
            p50_ms=round(percentile(latencies, 50) * 1000, 1),
            p95_ms=round(percentile(latencies, 95) * 1000, 1),
            p99_ms=round(percentile(latencies, 99) * 1000, 1),
            rps=round(len(latencies) / seconds, 1),
            app_cpu_ms=round(app, 2),
            db_cpu_ms=round(db, 2),
            client_cpu_ms=round(client, 2),
            other_cpu=round(other, 3),
            roles=[str(r) for r in roles],
            error_statuses=errors,
        )


# --- The visible-case filter against django-guardian -------------------------------------------


def visibility_comparison(repeats: int) -> list[dict]:
    """For each case worker: count, first page and page 40 of the visible cases, through the
    policy's filter and through guardian's get_objects_for_user (median of `repeats` runs)."""
    from guardian.shortcuts import get_objects_for_user

    from access import policy
    from accounts.models import Role
    from bench.pages import bench_users
    from cases.models import Case

    def timed(fn) -> float:
        runs = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - t0)
        return round(statistics.median(runs) * 1000, 2)

    order = ("-opened_at", "-pk")
    rows = []
    users = bench_users()
    for role in (Role.SOCIAL_WORKER, Role.POLICE, Role.COORDINATOR):
        user = users[role]
        ours = Case.objects.filter(policy.case_filter(user))
        theirs = get_objects_for_user(
            user, "cases.view_case", klass=Case, accept_global_perms=False, with_superuser=False
        )
        rows.append(
            {
                "role": str(role),
                "visible_policy": ours.count(),
                "visible_guardian": theirs.count(),
                "policy_count_ms": timed(ours.count),
                "guardian_count_ms": timed(theirs.count),
                "policy_page1_ms": timed(lambda q=ours: list(q.order_by(*order)[:25])),
                "guardian_page1_ms": timed(lambda q=theirs: list(q.order_by(*order)[:25])),
                "policy_page40_ms": timed(lambda q=ours: list(q.order_by(*order)[975:1000])),
                "guardian_page40_ms": timed(lambda q=theirs: list(q.order_by(*order)[975:1000])),
            }
        )
    return rows


# --- Reporting ---------------------------------------------------------------------------------


def markdown(report: dict) -> str:
    meta = report["meta"]
    lines = [
        f"Scale {meta['scale']} ({meta['cases']:,} cases, {meta['entries']:,} chronology "
        f"entries), {meta['concurrency']} concurrent users, {meta['duration']:.0f} s per page, "
        f"gunicorn {meta['workers']} {meta['worker_class']} workers"
        f"{' and ' + meta['worker'] if meta.get('worker') else ''}, {meta['cpus']} CPU cores, "
        f"{meta['started']}.",
        "",
        "| page | roles | p50 ms | p95 ms | p99 ms | req/s | × bare | own queries | app CPU ms/req "
        "| db CPU ms/req | client CPU ms/req | other load | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in [report["bare"], *report["pages"]]:
        queries = max(row["queries"].values()) if row["queries"] else "-"
        ratio = f"{row['ratio']:.2f}" if row["ratio"] is not None else "1.00"
        lines.append(
            f"| {row['page']} | {', '.join(r.replace('_', ' ') for r in row['roles'])} "
            f"| {row['p50_ms']} | {row['p95_ms']} | {row['p99_ms']} | {row['rps']} | {ratio} "
            f"| {queries} | {row['app_cpu_ms']} | {row['db_cpu_ms']} | {row['client_cpu_ms']} "
            f"| {row['other_cpu']:.0%} | {row['errors']} |"
        )
    lines += [
        "",
        "Visible-case filter (access.policy.case_filter) against guardian's "
        "get_objects_for_user, median ms:",
        "",
        "| role | visible (policy / guardian) | count | page 1 | page 40 | count + page 1 "
        "| count + page 40 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]

    def pair(a: float, b: float) -> str:
        return f"{a:.1f} / {b:.1f}"

    for row in report["visibility"]:
        ours, theirs = row["policy_count_ms"], row["guardian_count_ms"]
        p1, g1 = row["policy_page1_ms"], row["guardian_page1_ms"]
        p40, g40 = row["policy_page40_ms"], row["guardian_page40_ms"]
        lines.append(
            f"| {row['role'].replace('_', ' ')} | {row['visible_policy']:,} / "
            f"{row['visible_guardian']:,} | {pair(ours, theirs)} | {pair(p1, g1)} "
            f"| {pair(p40, g40)} | {pair(ours + p1, theirs + g1)} "
            f"| {pair(ours + p40, theirs + g40)} |"
        )
    lines += ["", "Budgets:", ""]
    for budget in report["budgets"]:
        mark = "holds" if budget["ok"] else "DOES NOT HOLD"
        lines.append(f"- {budget['budget']}: {mark} ({budget['detail']})")
    return "\n".join(lines) + "\n"


def budgets(report: dict) -> list[dict]:
    pages = report["pages"]
    out = []
    worst = max(pages, key=lambda r: r["p95_ms"])
    out.append(
        {
            "budget": f"every page p95 under {P95_BUDGET_MS} ms",
            "ok": all(r["p95_ms"] < P95_BUDGET_MS for r in pages),
            "detail": f"worst {worst['page']} {worst['p95_ms']} ms",
        }
    )
    ratios = {r["page"]: r["ratio"] for r in pages}
    out.append(
        {
            "budget": f"every key page at least {RATIO_BUDGET:.0%} of the bare view's throughput",
            "ok": all(v is not None and v >= RATIO_BUDGET for v in ratios.values()),
            "detail": ", ".join(f"{k} {v:.2f}" for k, v in ratios.items()),
        }
    )
    over = {r["page"]: max(r["queries"].values()) for r in pages if r["queries"]}
    out.append(
        {
            "budget": f"no page over {QUERY_BUDGET} queries of its own",
            "ok": all(v <= QUERY_BUDGET for v in over.values()),
            "detail": ", ".join(f"{k} {v}" for k, v in over.items() if v > QUERY_BUDGET)
            or f"most {max(over.values())}",
        }
    )
    # A list page runs the filter twice: the count and the page.
    slower = [
        f"{r['role']} ({page})"
        for r in report["visibility"]
        for page in ("page1", "page40")
        if r["policy_count_ms"] + r[f"policy_{page}_ms"]
        > (r["guardian_count_ms"] + r[f"guardian_{page}_ms"]) * 1.05
    ]
    out.append(
        {
            "budget": "visible-case filter at least as fast as guardian's get_objects_for_user "
            "(count + page, as a list page runs them)",
            "ok": not slower,
            "detail": "slower for " + ", ".join(slower) if slower else "every role, page 1 and 40",
        }
    )
    if any(r["errors"] for r in [report["bare"], *pages]):
        out.append({"budget": "no failed request", "ok": False, "detail": "see errors column"})
    return out


# --- Main --------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    )
    parser.add_argument("--users", type=int, default=8, help="concurrent simulated users")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds measured per page")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds before measuring")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--pages", default="", help="comma-separated subset of the key pages")
    parser.add_argument("--reseed", action="store_true", help="rebuild the data even if present")
    parser.add_argument("--label", default="", help="name of the result files")
    parser.add_argument("--repeats", type=int, default=15, help="runs per visibility timing")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS),
        help="Celery's broker, and a worker beside gunicorn, as in production ('' for none: "
        "tasks inline in the request)",
    )
    args = parser.parse_args()

    env = _env(args)
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")})
    os.environ.update({k: env[k] for k in ("SECRET_KEY", "BENCH_PASSWORD")})
    sys.path.insert(0, str(ROOT))
    ensure_database(args.database_url)
    _manage(env, "migrate", "--noinput", "-v0")

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    have = seeded_scale()
    bench = get_user_model().objects.filter(username="bench-social").first()
    if (
        args.reseed
        or have is None
        or abs(have - args.scale) > 0.001
        or not (bench and bench.check_password(env["BENCH_PASSWORD"]))
    ):
        connection.close()
        _manage(env, "seed_scale", "--scale", str(args.scale), "--i-know-this-wipes")
    else:
        print(f"Reusing the synthetic city at scale {have} in {args.database_url}")
    _manage(env, "collectstatic", "--noinput", "-v0")

    from bench.pages import count_queries, key_pages
    from cases.models import Case, ChronologyEntry

    pages = key_pages()
    if args.pages:
        wanted = set(args.pages.split(","))
        pages = [p for p in pages if p.name in wanted]
    print("Counting queries per page (Django test client) ...")
    queries: dict[str, dict[str, int]] = {}
    for count in count_queries(pages):
        if count.status != 200:
            raise SystemExit(f"{count.page} as {count.role}: HTTP {count.status}")
        queries.setdefault(count.page, {})[count.role] = len(count.own)
    print("Timing the visible-case filter against guardian ...")
    visibility = visibility_comparison(args.repeats)
    meta = {
        "scale": args.scale,
        "cases": Case.objects.count(),
        "entries": ChronologyEntry.objects.count(),
        "concurrency": args.users,
        "duration": args.duration,
        "warmup": args.warmup,
        "workers": args.workers,
        "worker_class": args.worker_class
        + (f" ({args.threads} threads)" if args.worker_class == "gthread" else ""),
        "cpus": os.cpu_count(),
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "database": connection.vendor,
        "server_version": connection.pg_version if connection.vendor == "postgresql" else None,
    }
    connection.close()

    base = f"http://127.0.0.1:{args.port}"
    worker = None
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
        meta["worker"] = "a Celery worker (solo pool)"
        worker = subprocess.Popen(  # noqa: S603 (our own virtualenv's celery)
            [
                *[str(VENV_BIN / "celery"), "-A", "config", "worker", "--pool", "solo"],
                *["-n", WORKER_NAME, "--loglevel", "warning"],
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
    server = subprocess.Popen(  # noqa: S603 (our own virtualenv's gunicorn)
        [
            str(VENV_BIN / "gunicorn"),
            "bench.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--threads",
            str(args.threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        _wait_for(base + "/healthz")
        report = asyncio.run(_drive(args, base, env["BENCH_PASSWORD"], pages, queries))
    finally:
        for process in filter(None, (server, worker)):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    report["meta"] = meta
    report["visibility"] = visibility
    report["budgets"] = budgets(report)
    label = args.label or f"scale-{args.scale:g}"
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"{label}.json").write_text(json.dumps(report, indent=2) + "\n")
    table = markdown(report)
    (out / f"{label}.md").write_text(table)
    print()
    print(table)
    print(f"Written: bench/results/{label}.json and .md")
    return 0


def _wait_for(url: str, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer on {url}")


async def _drive(args, base: str, password: str, pages, queries) -> dict:
    """The bare view first, then each page right after a short bare phase of its own: a page's
    ratio is to the bare view measured next to it, so that a change in the machine's other
    load during the run does not skew it."""
    from bench.synthetic import BENCH_USERNAMES

    database = urlsplit(args.database_url).path.lstrip("/")
    users = {str(k): v for k, v in BENCH_USERNAMES.items()}
    driver = Driver(base, password, users, args.users, database)
    bare_seconds = max(3.0, args.duration / 3)
    try:
        print(f"Driving {len(pages)} pages with {args.users} users, {args.duration:.0f} s each ...")
        every_role = sorted({str(role) for page in pages for role in page.urls})
        bare_urls = {role: ["/bench/bare/"] for role in every_role}
        first_bare = await driver.phase("bare", bare_urls, args.warmup, args.duration)
        print(f"  bare: {first_bare.rps} req/s, p95 {first_bare.p95_ms} ms")
        results, bares = [], []
        for page in pages:
            bare = await driver.phase("bare", bare_urls, 1.0, bare_seconds)
            urls = {str(role): list(u) for role, u in page.urls.items()}
            result = await driver.phase(page.name, urls, args.warmup, args.duration)
            result.queries = queries.get(page.name, {})
            result.ratio = round(result.rps / bare.rps, 3) if bare.rps else None
            results.append(result)
            bares.append(bare.rps)
            print(
                f"  {page.name}: {result.rps} req/s (bare next to it {bare.rps}), "
                f"p95 {result.p95_ms} ms, {result.errors} errors"
            )
    finally:
        await driver.close()
    row = asdict(first_bare)
    row["bare_next_to_each_page"] = bares
    return {"bare": row, "pages": [asdict(r) for r in results]}


if __name__ == "__main__":
    raise SystemExit(main())
