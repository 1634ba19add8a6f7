"""How each page's cost grows with the city: two runs of the benchmark side by side (issue 20).

    .venv/bin/python -m bench.growth bench/results/scale-1.json bench/results/scale-10.json

Prints a Markdown table, page by page: CPU per request (application and database, the steadier
figure on a shared machine), p95 and throughput at each size, and the growth of the CPU per
request, with the budget (no page more than 1.5 times for ten times the data) said to hold or
not. The growth is given twice: as measured, and over the bare view's CPU per request in the
same run, which takes out a machine that was slower during one run than during the other (a
shared virtual machine: its neighbours' load is not seen by the benchmark's "other load").
Each run is a JSON file that bench/run.py wrote.
"""

import argparse
import json
from pathlib import Path

GROWTH_BUDGET = 1.5


def cpu(page: dict) -> float:
    return page["app_cpu_ms"] + page["db_cpu_ms"]


def growth_table(small: dict, large: dict) -> tuple[list[str], list[str], list[str]]:
    """The table's lines, the pages over the budget as measured, and those over it once each
    run's CPU is taken over its own bare view's."""
    before = {p["page"]: p for p in small["pages"]}
    machine = cpu(large["bare"]) / cpu(small["bare"])
    lines = [
        f"| page | CPU ms/req at {small['meta']['cases']:,} cases | at {large['meta']['cases']:,}"
        " | growth | over the bare view's | p95 ms | req/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| bare view | {cpu(small['bare']):.1f} | {cpu(large['bare']):.1f} | {machine:.2f}× | 1 | "
        f"{small['bare']['p95_ms']:.0f} → {large['bare']['p95_ms']:.0f} | "
        f"{small['bare']['rps']:.1f} → {large['bare']['rps']:.1f} |",
    ]
    over, over_bare = [], []
    for page in large["pages"]:
        name = page["page"]
        if name not in before:
            continue
        growth = cpu(page) / cpu(before[name])
        relative = growth / machine
        if growth > GROWTH_BUDGET:
            over.append(name)
        if relative > GROWTH_BUDGET:
            over_bare.append(name)
        lines.append(
            f"| {name} | {cpu(before[name]):.1f} | {cpu(page):.1f} | **{growth:.2f}×** | "
            f"{relative:.2f}× | {before[name]['p95_ms']:.0f} → {page['p95_ms']:.0f} | "
            f"{before[name]['rps']:.1f} → {page['rps']:.1f} |"
        )
    return lines, over, over_bare


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("small", type=Path)
    parser.add_argument("large", type=Path)
    args = parser.parse_args()
    small, large = (json.loads(path.read_text()) for path in (args.small, args.large))
    lines, over, over_bare = growth_table(small, large)
    print("\n".join(lines))
    for how, pages in (("as measured", over), ("over the bare view's CPU", over_bare)):
        verdict = "holds" if not pages else f"DOES NOT HOLD ({', '.join(pages)})"
        print(f"\nNo page more than {GROWTH_BUDGET}× for ten times the data, {how}: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
