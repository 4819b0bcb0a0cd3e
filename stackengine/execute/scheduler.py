"""Ready-set scheduling of a DAG on a thread pool.

A node starts as soon as all its prerequisites are done (not level by level) and at most
`max_parallel` run at once; among ready nodes the earlier in the given order goes first, so runs
are reproducible. Dependents of a failed node never start.
"""

from __future__ import annotations

import heapq
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Sequence


@dataclass
class RunResult:
    done: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    not_started: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.not_started


def run_dag(order: Iterable[str], prerequisites: Mapping[str, Iterable[str]],
            work: Callable[[str], bool], *, max_parallel: int,
            stop_on_failure: bool = True, priority: Mapping[str, int] | None = None) -> RunResult:
    """Run `work(node)` for every node of `order` once its prerequisites (restricted to the nodes
    of `order`) returned True. `work` returns False on failure and must not raise. With
    `stop_on_failure` nothing new starts after a failure (running ones finish). Among ready
    nodes a higher `priority` starts first (then the earlier in `order`)."""
    nodes = list(order)
    if priority:
        # Ties keep the given order: sort is stable.
        ranked = sorted(range(len(nodes)), key=lambda i: -priority.get(nodes[i], 0))
        index = {nodes[i]: rank for rank, i in enumerate(ranked)}
    else:
        index = {n: i for i, n in enumerate(nodes)}
    waiting = {n: {p for p in prerequisites.get(n, ()) if p in index and p != n} for n in nodes}
    unlocks: dict[str, list[str]] = {n: [] for n in nodes}
    for n, prereqs in waiting.items():
        for p in prereqs:
            unlocks[p].append(n)
    ready = [(index[n], n) for n in nodes if not waiting[n]]
    heapq.heapify(ready)
    result = RunResult()
    started: set[str] = set()
    with ThreadPoolExecutor(max_workers=max(1, max_parallel),
                            thread_name_prefix="stackengine") as pool:
        running: dict[Future[bool], str] = {}
        while ready or running:
            while ready and len(running) < max_parallel and not (stop_on_failure and result.failed):
                _, node = heapq.heappop(ready)
                started.add(node)
                running[pool.submit(work, node)] = node
            if not running:
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=lambda f: index[running[f]]):
                node = running.pop(future)
                try:
                    ok = future.result()
                except Exception:  # work must not raise; if it does, it failed
                    ok = False
                if ok:
                    result.done.append(node)
                    for nxt in unlocks[node]:
                        waiting[nxt].discard(node)
                        if not waiting[nxt]:
                            heapq.heappush(ready, (index[nxt], nxt))
                else:
                    result.failed.append(node)
    result.not_started = [n for n in nodes if n not in started]
    return result


def chain_lengths(order: Sequence[str], prerequisites: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """For each node, the number of nodes on the longest chain of nodes waiting for it (itself
    included): starting long chains first is what keeps a bounded pool close to the ideal
    schedule (critical-path list scheduling)."""
    dependents: dict[str, list[str]] = {n: [] for n in order}
    for n in order:
        for p in prerequisites.get(n, ()):
            if p in dependents:
                dependents[p].append(n)
    length: dict[str, int] = {}
    for n in reversed(list(order)):  # `order` is topological: dependents come later
        length[n] = 1 + max((length[d] for d in dependents[n]), default=0)
    return length
