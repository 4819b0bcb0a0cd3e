"""Ready-set scheduling of a DAG on a thread pool.

A node starts as soon as all its prerequisites are done (not level by level) and at most
`max_parallel` run at once; among ready nodes the one heading the longest chain goes first
(`priority`), then the earlier in the given order, so runs are reproducible. Dependents of a
failed node never start.
"""

from __future__ import annotations

import contextlib
import heapq
import signal
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Mapping, Sequence


@dataclass
class RunResult:
    done: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    not_started: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.not_started


class _Schedule:
    def __init__(self, nodes: list[str], prerequisites: Mapping[str, Iterable[str]],
                 priority: Mapping[str, int] | None) -> None:
        if priority:
            # Ties keep the given order: sort is stable.
            ranked = sorted(range(len(nodes)), key=lambda i: -priority.get(nodes[i], 0))
            self.rank = {nodes[i]: r for r, i in enumerate(ranked)}
        else:
            self.rank = {n: i for i, n in enumerate(nodes)}
        self.waiting = {n: {p for p in prerequisites.get(n, ()) if p in self.rank and p != n}
                        for n in nodes}
        self.unlocks: dict[str, list[str]] = {n: [] for n in nodes}
        for n, prereqs in self.waiting.items():
            for p in prereqs:
                self.unlocks[p].append(n)
        self.ready = [(self.rank[n], n) for n in nodes if not self.waiting[n]]
        heapq.heapify(self.ready)
        self.started: set[str] = set()

    def pop(self) -> str:
        node = heapq.heappop(self.ready)[1]
        self.started.add(node)
        return node

    def settle(self, node: str, result: RunResult, outcome: Callable[[], bool]) -> None:
        """Record how `node` ended (`outcome()` gives its work's answer); its dependents become
        ready when it succeeded."""
        try:
            ok = outcome()
        except Exception:  # work must not raise; if it does, it failed
            ok = False
        if ok:
            result.done.append(node)
            self.finished(node)
        else:
            result.failed.append(node)

    def finished(self, node: str) -> None:
        for nxt in self.unlocks[node]:
            self.waiting[nxt].discard(node)
            if not self.waiting[nxt]:
                heapq.heappush(self.ready, (self.rank[nxt], nxt))


def run_dag(order: Iterable[str], prerequisites: Mapping[str, Iterable[str]],
            work: Callable[[str], bool], *, max_parallel: int,
            stop_on_failure: bool = True, priority: Mapping[str, int] | None = None,
            on_interrupt: Callable[[], None] | None = None, inline: bool = False) -> RunResult:
    """Run `work(node)` for every node of `order` once its prerequisites (restricted to the nodes
    of `order`) returned True. `work` returns False on failure and must not raise. With
    `stop_on_failure` nothing new starts after a failure (running ones finish). On Ctrl-C nothing
    new starts, `on_interrupt` is called, running ones finish and KeyboardInterrupt propagates.

    `inline` runs the nodes one after another in the calling thread, in the same priority order:
    for work that finishes at once (an emulated provider without latency), handing it to worker
    threads costs more than the work itself."""
    nodes = list(order)
    schedule = _Schedule(nodes, prerequisites, priority)
    result = RunResult()
    if inline:
        _run_inline(schedule, work, result, stop_on_failure, on_interrupt)
        result.not_started = [n for n in nodes if n not in schedule.started]
        return result
    with ThreadPoolExecutor(max_workers=max(1, max_parallel),
                            thread_name_prefix="stackengine") as pool:
        running: dict[Future[bool], str] = {}
        try:
            while schedule.ready or running:
                while (schedule.ready and len(running) < max_parallel
                       and not (stop_on_failure and result.failed)):
                    node = schedule.pop()
                    running[pool.submit(work, node)] = node
                if not running:
                    break
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in sorted(finished, key=lambda f: schedule.rank[running[f]]):
                    node = running.pop(future)
                    schedule.settle(node, result, future.result)
        except KeyboardInterrupt:
            if on_interrupt is not None:
                on_interrupt()
            raise  # leaving the pool waits for what runs
    result.not_started = [n for n in nodes if n not in schedule.started]
    return result


def _run_inline(schedule: _Schedule, work: Callable[[str], bool], result: RunResult,
                stop_on_failure: bool, on_interrupt: Callable[[], None] | None) -> None:
    with _deferred_interrupt() as interrupted:
        while schedule.ready and not (stop_on_failure and result.failed):
            node = schedule.pop()
            schedule.settle(node, result, lambda: work(node))
            if interrupted():
                if on_interrupt is not None:
                    on_interrupt()
                raise KeyboardInterrupt


@contextlib.contextmanager
def _deferred_interrupt() -> Iterator[Callable[[], bool]]:
    """Ctrl-C while a node runs inline is held until that node has finished, as the thread pool
    lets running nodes finish: a node stopped half-way would leave its journal entry open."""
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    hits: list[int] = []
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, lambda signum, frame: hits.append(signum))
    try:
        yield lambda: bool(hits)
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)


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
