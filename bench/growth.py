"""How each page's cost grows with the city: two runs of the benchmark side by side (issue 20).

    .venv/bin/python -m bench.growth bench/results/scale-1.json bench/results/scale-10.json

Prints a Markdown table, page by page: CPU per request (application and database, the steadier
figure on a shared machine), p95 and throughput at each size, and the growth of the CPU per
request, with the budget (no page more than 1.5 times for ten times the data) said to hold or
not. The two runs must have the same pages; each is a JSON file that bench/run.py wrote.
"""

import argparse
import json
from pathlib import Path

GROWTH_BUDGET = 1.5


def cpu(page: dict) -> float:
    return page["app_cpu_ms"] + page["db_cpu_ms"]


def growth_table(small: dict, large: dict) -> tuple[list[str], list[str]]:
    """The table's lines and the pages over the budget."""
    before = {p["page"]: p for p in small["pages"]}
    lines = [
        f"| page | CPU ms/req at {small['meta']['cases']:,} cases | at {large['meta']['cases']:,}"
        " | growth | p95 ms | req/s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    over = []
    for page in large["pages"]:
        name = page["page"]
        if name not in before:
            continue
        growth = cpu(page) / cpu(before[name])
        if growth > GROWTH_BUDGET:
            over.append(name)
        lines.append(
            f"| {name} | {cpu(before[name]):.1f} | {cpu(page):.1f} | **{growth:.2f}×** | "
            f"{before[name]['p95_ms']:.0f} → {page['p95_ms']:.0f} | "
            f"{before[name]['rps']:.1f} → {page['rps']:.1f} |"
        )
    return lines, over


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("small", type=Path)
    parser.add_argument("large", type=Path)
    args = parser.parse_args()
    small, large = (json.loads(path.read_text()) for path in (args.small, args.large))
    lines, over = growth_table(small, large)
    print("\n".join(lines))
    verdict = (
        f"holds (every page within {GROWTH_BUDGET}×)"
        if not over
        else f"DOES NOT HOLD ({', '.join(over)})"
    )
    print(f"\nNo page more than {GROWTH_BUDGET}× for ten times the data: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
