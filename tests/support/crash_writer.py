"""A writer to be killed: a parent process that has imported bedboard once and forks a fresh
writer on request, so each of many kills costs milliseconds instead of a Python start-up.

Reads `RUN n seed` lines on stdin. For each it forks a child that opens the database, prints
`READY n`, and runs random stay operations as guests `Rn-...`, now and then closing the next
night (tests/support/ops.py prints `BEGIN` before each transaction and `ACK` after its
commit) until it is killed; the parent waits for the child and prints `DEAD n status`.
Nothing touches the database before the fork.

    python -m tests.support.crash_writer DB
"""

from __future__ import annotations

import os
import sys

from bedboard.config import Settings
from bedboard.store import open_store
from tests.support.ops import run_writer


def child(db: str, run: int, seed: int) -> None:
    store = open_store(Settings(db=db, user=f"crash-{run}"))
    print(f"READY {run}", flush=True)
    run_writer(store, f"R{run}", 600.0, seed, sys.stdout, close_share=0.005)


def main() -> None:
    db = sys.argv[1]
    print("ZYGOTE", flush=True)
    for line in sys.stdin:
        command, run_text, seed_text = line.split()
        assert command == "RUN"
        run, seed = int(run_text), int(seed_text)
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                child(db, run, seed)
            except BaseException as exc:
                print(f"CHILD-ERROR {run} {type(exc).__name__}: {exc}", flush=True)
                code = 1
            os._exit(code)
        print(f"FORKED {run} {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"DEAD {run} {status}", flush=True)


if __name__ == "__main__":
    main()
