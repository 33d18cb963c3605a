"""Another process making a change: check a new guest into UNIT for NIGHT, then print the
moment the transaction committed (seconds since the epoch) for the board probe to compare."""

from __future__ import annotations

import datetime as dt
import sys
import time

from bedboard.config import Settings
from bedboard.services.beds.stays import check_in
from bedboard.store import open_store


def main() -> None:
    db, unit, night = sys.argv[1], sys.argv[2], dt.date.fromisoformat(sys.argv[3])
    store = open_store(Settings(db=db, user="bench-writer"))
    with store.write() as session:
        check_in(
            session,
            unit=unit,
            guest_code=f"LIVE-{time.time_ns()}",
            night=night,
            payer="Polisen",
            actor="bench-writer",
        )
    print(time.time(), flush=True)
    store.close()


if __name__ == "__main__":
    main()
