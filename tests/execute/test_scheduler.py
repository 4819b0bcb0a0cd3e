from __future__ import annotations

import threading
import time

from stackengine.execute.scheduler import chain_lengths, run_dag


def test_starts_as_soon_as_dependencies_are_done_not_by_level():
    # A(slow) → C ; B(fast) → D : D must not wait for A.
    started: dict[str, float] = {}
    t0 = time.monotonic()

    def work(n: str) -> bool:
        started[n] = time.monotonic() - t0
        time.sleep(0.15 if n == "A" else 0.01)
        return True

    result = run_dag(["A", "B", "C", "D"], {"C": ["A"], "D": ["B"]}, work, max_parallel=4)
    assert result.ok and sorted(result.done) == ["A", "B", "C", "D"]
    assert started["D"] < 0.1 < started["C"]


def test_bounded_and_failure_stops_new_work():
    active, peak, lock = [0], [0], threading.Lock()

    def work(n: str) -> bool:
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.01)
        with lock:
            active[0] -= 1
        return n != "F"

    nodes = ["F"] + [f"N{i}" for i in range(10)]
    result = run_dag(nodes, {"N9": ["F"]}, work, max_parallel=2)
    assert peak[0] <= 2
    assert result.failed == ["F"] and "N9" in result.not_started
    full = run_dag(nodes, {"N9": ["F"]}, work, max_parallel=2, stop_on_failure=False)
    assert full.not_started == ["N9"] and len(full.done) == 9


def test_critical_chain_first():
    order = ["A", "B", "C", "X", "Y"]
    prereq = {"B": ["A"], "C": ["B"]}
    lengths = chain_lengths(order, prereq)
    assert lengths == {"A": 3, "B": 2, "C": 1, "X": 1, "Y": 1}
    seen: list[str] = []
    run_dag(["X", "Y", "A", "B", "C"], prereq, lambda n: seen.append(n) or True, max_parallel=1,
            priority=lengths)
    assert seen[0] == "A"


def test_work_that_raises_counts_as_failed():
    def work(n: str) -> bool:
        raise RuntimeError("bug")

    assert run_dag(["A"], {}, work, max_parallel=1).failed == ["A"]


def test_inline_runs_in_the_calling_thread_in_priority_order():
    import threading

    threads, seen = set(), []

    def work(n: str) -> bool:
        threads.add(threading.get_ident())
        seen.append(n)
        return n != "F"

    prereq = {"B": ["A"], "C": ["B"], "F": ["Y"], "Z": ["F"]}
    result = run_dag(["X", "Y", "A", "B", "C", "F", "Z"], prereq, work, max_parallel=4,
                     priority={"A": 3, "B": 2, "C": 1, "Y": 3, "F": 2, "Z": 1}, inline=True,
                     stop_on_failure=False)
    assert threads == {threading.get_ident()}
    assert seen[:2] == ["Y", "A"]  # longest chains first, ties in the given order
    assert result.failed == ["F"] and result.not_started == ["Z"]
    assert sorted(result.done) == ["A", "B", "C", "X", "Y"]
