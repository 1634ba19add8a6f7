"""Where a page's time goes: each key page profiled in-process with pyinstrument, the time
sorted into kinds of work (issue 20; bench/README.md, "Where the time goes").

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=postgres://.../msc_bench \\
        .venv/bin/python -m bench.profile [--repeat 30] [--pages home,case_list]

It runs against the synthetic city of `seed_scale` (bench/README.md), as the benchmark does,
through Django's test client signed in as each page's first role, after one request to warm
the caches. Every sample of the profile goes to the innermost frame that belongs to one of
the KINDS below (so a query a template runs counts as the database's, not the template's);
samples in no kind are "other". The figures are milliseconds of wall time per request in one
process, with the database on the same machine: read the shares, not the absolute times, when
the machine is busy with anything else. Needs the `bench` extra (pyinstrument).
"""

import argparse
import os
import sys
from collections import defaultdict

# (kind, path fragment, function names or None for any): first match from the innermost frame.
KINDS: list[tuple[str, str, tuple[str, ...] | None]] = [
    ("database: waiting for the server", "django/db/backends/utils.py", ("_execute",)),
    ("database: waiting for the server", "psycopg2", None),
    ("database: waiting for the server", "sqlite3", None),
    ("ORM: building rows", "django/db/models/query.py", ("__iter__",)),
    ("ORM: building rows", "django/db/models/base.py", ("from_db", "__init__")),
    ("ORM: compiling SQL", "django/db/models/sql/", None),
    ("ORM: compiling SQL", "django/db/models/expressions.py", None),
    ("ORM: compiling SQL", "django/db/models/lookups.py", None),
    ("ORM: building querysets", "django/db/models/", None),
    ("audit: read rows and seal", "/audit/", None),
    ("auditlog", "auditlog/", None),
    ("policy (access/policy.py)", "access/policy.py", None),
    ("forms and widgets", "django/forms/", None),
    ("forms and widgets", "/widgets.py", None),
    ("templates", "django/template/", None),
    ("templates", "/templatetags/", None),
    ("i18n", "django/utils/translation/", None),
    ("i18n", "modeltranslation/", None),
    ("sessions and sign-in", "django/contrib/sessions/", None),
    ("sessions and sign-in", "django/contrib/auth/", None),
    ("sessions and sign-in", "django_otp", None),
    ("sessions and sign-in", "accounts/", None),
    ("middleware", "middleware", None),
    ("URL resolving", "django/urls/", None),
    ("the page's view and selectors", "/views.py", None),
    ("the page's view and selectors", "/selectors.py", None),
]


def kind_of(frame) -> str | None:
    path = frame.file_path or ""
    for kind, fragment, functions in KINDS:
        if fragment in path and (functions is None or frame.function in functions):
            return kind
    return None


def breakdown(root) -> dict[str, float]:
    """Seconds per kind: each frame's own time goes to the innermost kind on its stack."""
    seconds: dict[str, float] = defaultdict(float)

    def walk(frame, inherited: str) -> None:
        kind = kind_of(frame) or inherited
        # Self time: what the frame spent outside the frames it called.
        own = frame.time - sum(child.time for child in frame.children)
        seconds[kind] += max(own, 0.0)
        for child in frame.children:
            walk(child, kind)

    walk(root, "other (Python, WSGI, the test client)")
    return dict(seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="requests per page (30)")
    parser.add_argument("--pages", default="", help="comma-separated page names (all)")
    parser.add_argument("--html", default="", help="also write one HTML profile per page here")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.test import Client
    from pyinstrument import Profiler

    from bench.pages import bench_users, key_pages

    users = bench_users()
    wanted = set(filter(None, args.pages.split(",")))
    table: dict[str, dict[str, float]] = {}
    for page in key_pages(detail_samples=args.repeat):
        if wanted and page.name not in wanted:
            continue
        role, urls = next(iter(page.urls.items()))
        client = Client()
        client.force_login(users[role])
        client.get(urls[0])
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for i in range(args.repeat):
            response = client.get(urls[i % len(urls)])
            assert response.status_code == 200, (page.name, response.status_code)
        profiler.stop()
        session = profiler.last_session
        root = session.root_frame()
        per_request = {k: v * 1000 / args.repeat for k, v in breakdown(root).items()}
        table[f"{page.name} ({role})"] = per_request
        if args.html:
            os.makedirs(args.html, exist_ok=True)
            with open(os.path.join(args.html, f"{page.name}.html"), "w") as out:
                out.write(profiler.output_html())
        print(f"{page.name}: {sum(per_request.values()):.1f} ms per request", file=sys.stderr)
    print(markdown(table))
    return 0


def markdown(table: dict[str, dict[str, float]]) -> str:
    kinds = sorted(
        {kind for row in table.values() for kind in row},
        key=lambda kind: -sum(row.get(kind, 0) for row in table.values()),
    )
    lines = [
        "| page | ms/request | " + " | ".join(kinds) + " |",
        "|---|---:|" + "---:|" * len(kinds),
    ]
    for page, row in table.items():
        total = sum(row.values())
        cells = [f"{row.get(k, 0):.1f} ({100 * row.get(k, 0) / total:.0f} %)" for k in kinds]
        lines.append(f"| {page} | {total:.1f} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
