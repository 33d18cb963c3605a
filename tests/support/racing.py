"""Start several OS processes at the same instant, round after round, to provoke races.

A barrier alone wakes its waiters one after another; here each worker says it is ready, the
parent then sets a start time a moment ahead, and every worker spins until that time.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Sequence
from multiprocessing.context import SpawnContext
from queue import Empty
from typing import Any

LEAD_SECONDS = 0.05  # between the last worker being ready and the start


class StartLine:
    def __init__(self, ctx: SpawnContext, workers: int, rounds: int) -> None:
        self.workers = workers
        self.rounds = rounds
        self.ready: Any = ctx.Queue()
        self.starts: Any = ctx.Array("d", rounds, lock=False)

    def wait(self, round_no: int) -> None:
        """In a worker: block until this round's start time, then return at it."""
        self.ready.put(round_no)
        while self.starts[round_no] == 0:
            time.sleep(0.0005)
        while time.time() < self.starts[round_no]:
            pass

    def release(self, timeout: float, alive: Callable[[], None]) -> None:
        """In the parent: start each round once every worker is waiting for it."""
        for round_no in range(self.rounds):
            for _ in range(self.workers):
                _get(self.ready, timeout, alive)
            self.starts[round_no] = time.time() + LEAD_SECONDS


def _get(queue: Any, timeout: float, alive: Callable[[], None]) -> Any:
    """queue.get, but fail at once (not after the timeout) when a worker has died."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return queue.get(timeout=0.5)
        except Empty:
            alive()
            if time.monotonic() > deadline:
                raise AssertionError(f"no word from the workers for {timeout} s") from None


def race(
    worker: Callable[..., None],
    args: Sequence[Sequence[Any]],
    rounds: int,
    timeout: float = 60,
) -> list[Any]:
    """Run `worker(start_line, results, *args[i])` in one spawned process per args entry.

    The worker calls `start_line.wait(n)` before round n and puts its outcomes on `results`;
    returns every outcome put there (any order)."""
    ctx = multiprocessing.get_context("spawn")
    line = StartLine(ctx, len(args), rounds)
    results: Any = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(line, results, *a)) for a in args]
    for p in procs:
        p.start()

    def alive() -> None:
        dead = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
        if dead:
            raise AssertionError(f"a worker process died (exit codes {dead})")

    try:
        line.release(timeout, alive)
        outcomes = [_get(results, timeout, alive) for _ in range(len(args) * rounds)]
    finally:
        for p in procs:
            p.join(timeout=timeout)
            if p.is_alive():
                p.kill()
    return outcomes
