"""Another process making a change: check a new guest into UNIT for NIGHT, then print the
moment the transaction committed (seconds since the epoch) for the board probe to compare."""

from __future__ import annotations

import datetime as dt
import sys
import time

from bedboard.config import Settings
from bedboard.services.beds.stays import check_in
from bedboard.store import Store, open_store


def book_new_guest(
    store: Store, unit: str, code: str, night: dt.date, *, actor: str, reference: str = ""
) -> None:
    """The change the benchmarks make and time: a new guest checked in for one night, paid by
    the police (a payer every benchmark world has)."""
    with store.write() as session:
        check_in(
            session,
            unit=unit,
            guest_code=code,
            night=night,
            payer="Polisen",
            reference=reference,
            actor=actor,
        )


def main() -> None:
    db, unit, night = sys.argv[1], sys.argv[2], dt.date.fromisoformat(sys.argv[3])
    store = open_store(Settings(db=db, user="bench-writer"))
    book_new_guest(store, unit, f"LIVE-{time.time_ns()}", night, actor="bench-writer")
    print(time.time(), flush=True)
    store.close()


if __name__ == "__main__":
    main()
