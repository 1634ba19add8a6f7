"""bench/growth.py: the growth table of two benchmark runs, and its budget (issue 20)."""

from bench.growth import growth_table


def run(cases: int, bare: float = 4.0, **cpu: tuple[float, float]) -> dict:
    return {
        "meta": {"cases": cases},
        "bare": {"app_cpu_ms": bare, "db_cpu_ms": 1.0, "p95_ms": 20.0, "rps": 400.0},
        "pages": [
            {"page": name, "app_cpu_ms": app, "db_cpu_ms": db, "p95_ms": 100.0, "rps": 50.0}
            for name, (app, db) in cpu.items()
        ],
    }


def test_the_growth_is_the_cpu_per_request_at_ten_times_over_the_small_city():
    # The bare view took 5 ms then 6 ms: a machine 1.2 times slower during the second run.
    small = run(100_000, bare=4.0, home=(20.0, 5.0), dashboard=(20.0, 20.0))
    large = run(1_000_000, bare=5.0, home=(21.0, 9.0), dashboard=(20.0, 44.0))
    lines, over, over_bare = growth_table(small, large)
    assert "| bare view | 5.0 | 6.0 | 1.20× | 1 |" in lines[2]
    assert "| home | 25.0 | 30.0 | **1.20×** | 1.00× |" in lines[3]
    assert "| dashboard | 40.0 | 64.0 | **1.60×** | 1.33× |" in lines[4]
    assert over == ["dashboard"]  # 1.6 > 1.5; home's 1.2 holds
    assert over_bare == []  # 1.6 / 1.2 = 1.33
    assert "100,000 cases" in lines[0] and "1,000,000" in lines[0]


def test_a_page_missing_from_the_small_run_is_left_out():
    lines, over, _ = growth_table(run(1, home=(1.0, 1.0)), run(10, live_item=(9.0, 9.0)))
    assert len(lines) == 3 and over == []
