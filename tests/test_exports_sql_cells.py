"""The billing and occupancy exports' CSV cells (and the billing export's whole lines, quoted
as csv.writer quotes), made by the database (issue 16), are byte for byte what the Python path
writes (`billing_rows` or the units `availability` reads, through
`write_csv`; the spreadsheet export and `--with-names` still use it)
on a world of ugly values, on SQLite and PostgreSQL: formula-looking
codes and names, amounts that are not whole kronor (one öre, minus fifty öre), names with
commas, quotes and line breaks, nights nobody pays, posted nights without a rate, and rates at
every level of specificity, in force or not."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import astuple
from itertools import count
from typing import Any

import pytest

from bedboard.db.models import Adjustment, BedNight, Guest, Hold, Payer, Rate, Site, Stay, Unit
from bedboard.services.beds.availability import availability, site_counts
from bedboard.services.csvio import neutralise, write_csv
from bedboard.services.exports.export import write_export
from bedboard.services.exports.kinds import billing_export
from bedboard.services.exports.occupancy import (
    OCCUPANCY_COLUMNS,
    occupancy_export,
    occupancy_record,
    occupancy_records,
)
from bedboard.services.exports.occupancy_rates import fill_rates
from bedboard.store import Store

FIRST = dt.date(2026, 3, 1)
LAST = dt.date(2026, 3, 8)
WHEN = dt.datetime(2026, 3, 9, 12, 0)

# Every way a cell can start that the guard must read right, and text a CSV must quote.
UGLY = [
    "=1+2", "+46 70 123", "-5", "-5.50", "-0.5", "-.5", "-5.", "-1.2.3", "-", "--5", "-5a",
    "'-5", "''=x", "'''", "'plain", "@here", "\tTAB", "\rCR", "-\u0663", "5-", "=",
    'comma, "quote"', "line\nbreak", "Ö-hus, \"Näs\"\r\nkväll", "🙂 emoji", "-5\n", " =x",
]  # fmt: skip
AMOUNTS = [0, 1, 5, 50, 99, 100, 12345, 45050, 99999999, -1, -50, -99, -100, -12345]


def ugly_world(store: Store) -> None:
    """Rows written straight to the tables: values no form would let through, on purpose."""
    ids = count(1)
    with store.write() as s:
        sites = [
            Site(name=name, kind=kind, area="Järfälla, norr")
            for name, kind in [
                ('=HYPERLINK("x")', "shelter"),
                ('Hem "Ljuset", Järfälla\nnorra', "host_family"),
                ("-Söder", "shelter"),
                ("Plain", "host_family"),
            ]
        ]
        s.add_all(sites)
        s.flush()
        units = [
            Unit(site_id=site.id, room=room, label=label, tags="")
            for site in sites
            for room, label in [("1", "=A1"), ("", "-2"), ("2", "12"), ("x", 'b,"c"')]
        ]
        s.add_all(units)
        payers = [Payer(name=n, kind="police") for n in ('-Polis, "Öst"', "@court", "Soc\nial")]
        s.add_all(payers)
        s.flush()
        # rates: by kind, by kind and payer, by site, by site and payer; ended, not yet begun,
        # in another currency and one with no currency at all
        pid = [p.id for p in payers]
        s.add_all(
            [
                Rate(amount=45050, currency="SEK", valid_from=FIRST, site_kind="shelter"),
                Rate(amount=1, currency="EUR", valid_from=FIRST, site_kind="host_family"),
                Rate(amount=99, currency="", valid_from=FIRST, site_kind="shelter",
                     payer_id=pid[0]),
                Rate(amount=12345, currency="SEK", valid_from=FIRST, valid_to=FIRST,
                     site_id=sites[0].id),
                Rate(amount=50, currency="NOK", valid_from=FIRST, site_id=sites[2].id,
                     payer_id=pid[1]),
                Rate(amount=77700, currency="SEK", valid_from=LAST + dt.timedelta(days=1),
                     site_kind="shelter"),
                Rate(amount=100, currency="DKK", valid_from=FIRST + dt.timedelta(days=2),
                     site_kind="shelter"),
            ]
        )  # fmt: skip
        guests = [Guest(code=code, languages="", needs="") for code in UGLY]
        s.add_all(guests)
        s.flush()
        n = 0
        taken: set[tuple[int, dt.date]] = set()
        for night_no in range((LAST - FIRST).days + 2):  # and a night after the period
            night = FIRST + dt.timedelta(days=night_no)
            for u_no, unit in enumerate(units):
                n += 1
                if (u_no + night_no) % 5 == 4:
                    continue  # a free night
                guest = guests[(u_no * 3 + night_no) % len(guests)]
                if (guest.id, night) in taken:
                    continue
                taken.add((guest.id, night))
                stay = Stay(guest_id=guest.id, created_at=WHEN, created_by="t")
                s.add(stay)
                s.flush()
                posted = n % 3 == 0
                billing: dict[str, Any] = {"payer_id": [None, *pid][n % 4], "reason": ""}
                billing["payer_reference"] = UGLY[n % len(UGLY)] if n % 2 else ""
                if posted:  # some closed nights lack a rate or a currency
                    billing["rate"] = AMOUNTS[n % len(AMOUNTS)] if n % 7 else None
                    billing["currency"] = ["SEK", None, "", "EUR"][n % 4]
                    billing["posted_at"] = WHEN
                place = {"unit_id": unit.id, "night": night, "state": "occupied"}
                s.add(BedNight(**place, **billing, stay_id=stay.id, guest_id=guest.id))
        s.flush()
        nights = s.query(BedNight).filter(BedNight.posted_at.is_not(None)).all()
        for i, bn in enumerate(nights[::2]):
            s.add(
                Adjustment(
                    id=next(ids) + 1000,
                    bed_night_id=bn.id,
                    amount=AMOUNTS[i % len(AMOUNTS)] * (-1 if i % 2 else 1),
                    currency=["SEK", "EUR", "=X"][i % 3],
                    reason=UGLY[i % len(UGLY)],
                    actor="t",
                    created_at=WHEN,
                    kind=["adjustment", "credit", "rebill"][i % 3],
                    payer_id=[None, *pid][i % 4],
                    payer_reference=UGLY[(i + 3) % len(UGLY)],
                )
            )


def both_ways(store: Store, *, currency: str, payer_id: int | None, excel: bool) -> tuple[str, str]:
    """The CSV text the Python path writes, and the one the database's cells make."""
    with store.read() as session:
        export = billing_export(session, FIRST, LAST, currency=currency, payer_id=payer_id)
        old = io.StringIO(newline="")
        old_count = write_csv(old, export.header, export.rows, excel=excel)
        export = billing_export(session, FIRST, LAST, currency=currency, payer_id=payer_id)
        assert export.cells is not None and export.lines  # whole lines, quoted by the database
        new = io.StringIO(newline="")
        assert write_export(new, export, excel=excel) == old_count
        progress: list[int] = []
        again = io.StringIO(newline="")
        export = billing_export(session, FIRST, LAST, currency=currency, payer_id=payer_id)
        write_export(again, export, excel=excel, progress=progress.append, every=7)
        assert again.getvalue() == new.getvalue()
        assert progress[-1] == old_count and progress == sorted(progress)
        assert export.expected() == old_count  # counted only when asked
    return old.getvalue(), new.getvalue()


@pytest.mark.parametrize("excel", [False, True])
def test_billing_cells_are_the_python_paths_bytes(store: Store, excel: bool) -> None:
    ugly_world(store)
    old, new = both_ways(store, currency="SEK", payer_id=None, excel=excel)
    assert new.encode() == old.encode()
    lines = old.count("\r\n")
    assert lines > 60, "the world has rows of every kind"
    for marker in ("'=1+2", "'-5a", "'''=x", ",-5.50,", "-0.50", "0.01", "'-\u0663", "EUR,"):
        assert marker in old, marker  # the world reaches every case it means to


def test_billing_cells_for_one_payer_and_a_formula_currency(store: Store) -> None:
    """The settings' currency stands in where a row has none: guarded like any text."""
    ugly_world(store)
    with store.read() as session:
        from sqlalchemy import select

        payer_id = session.scalar(select(Payer.id).where(Payer.name == "@court"))
    old, new = both_ways(store, currency="=X", payer_id=payer_id, excel=False)
    assert new == old and "'=X" in old
    assert neutralise("=X") == "'=X"


def holds_and_repairs(store: Store) -> None:
    """On the last night: a hold that has run out (free), one that has not, a unit out of
    service, each in a site of its own kind and name."""
    with store.write() as s:
        site = Site(name='+Jour, "Öst"', kind="host_family", area="=Nacka")
        s.add(site)
        s.flush()
        units = [Unit(site_id=site.id, room="", label=str(n), tags="") for n in (10, 9, 1)]
        s.add_all(units)
        s.flush()
        for unit, minutes in zip(units[:2], (-5, 60), strict=True):
            hold = Hold(unit_id=unit.id, night=LAST, nights=1, created_by="t", held_for="x",
                        expires_at=dt.datetime.now(dt.UTC).replace(tzinfo=None)
                        + dt.timedelta(minutes=minutes))  # fmt: skip
            s.add(hold)
            s.flush()
            s.add(BedNight(unit_id=unit.id, night=LAST, state="held", hold_id=hold.id))
        s.add(BedNight(unit_id=units[2].id, night=LAST, state="out_of_service", reason="=x"))


def occupancy_both_ways(store: Store, night: dt.date) -> tuple[str, str]:
    with store.read() as session:
        old = io.StringIO(newline="")
        count = write_csv(old, OCCUPANCY_COLUMNS, occupancy_export(session, night).rows)
        new = io.StringIO(newline="")
        export = occupancy_export(session, night)
        assert export.cells is not None and write_export(new, export) == count
    return old.getvalue(), new.getvalue()


def test_occupancy_cells_are_the_python_paths_bytes(store: Store) -> None:
    ugly_world(store)
    holds_and_repairs(store)
    seen = {}
    for night in (FIRST, LAST, LAST + dt.timedelta(days=5)):  # open, closed and empty nights
        old, new = occupancy_both_ways(store, night)
        assert new.encode() == old.encode()
        seen[night] = old
    for marker in (",held,", ",out_of_service,", "'+Jour", "'=Nacka", "0.99,,false", ",true"):
        assert marker in seen[LAST], marker
    assert seen[LAST].count(",held,") == 1  # the hold that ran out is free


def test_availability_records_are_the_units_the_board_reads(store: Store) -> None:
    """`availability --json`'s values from one query (no guard: JSON is not a spreadsheet) are
    the records of the units `availability` reads with the rates that apply now: text as
    stored, money with two decimals, stay ids as numbers, posted as true or false."""
    ugly_world(store)
    holds_and_repairs(store)
    seen = {}
    for night in (FIRST, LAST, LAST + dt.timedelta(days=5)):
        with store.read() as session:
            typed = fill_rates(session, availability(session, night, with_visits=False))
            expected = [occupancy_record(u) for u in typed]
            got = occupancy_records(session, night)
        assert got == expected
        assert [list(r.items()) for r in got] == [list(r.items()) for r in expected]  # order
        assert all(type(a["posted"]) is bool and type(a["stay_id"]) is type(b["stay_id"])
                   for a, b in zip(got, expected, strict=True))  # fmt: skip
        seen[night] = got
    last = {r["unit"]: r for r in seen[LAST] if r["site"] == '+Jour, "Öst"'}
    assert [last[u]["status"] for u in ("1", "9", "10")] == ["out_of_service", "held", "free"]
    codes = {r["guest_code"] for r in seen[FIRST]}
    assert {"=1+2", "@here", "''=x"} <= codes, codes  # as stored, unguarded
    priced = {(r["rate"], r["currency"], r["posted"]) for r in seen[FIRST]}
    # open nights at the rates in force (by site kind, by site), closed ones at their own
    assert {("0.01", "EUR", False), ("123.45", "SEK", False), ("-0.01", "", True)} <= priced


def test_occupancy_summary_counts_what_the_board_counts(store: Store) -> None:
    ugly_world(store)
    holds_and_repairs(store)
    with store.read() as session:
        counts = site_counts(availability(session, LAST))
        summary = list(occupancy_export(session, LAST, summary=True).rows)
    assert [[str(v) for v in row] for row in summary] == [
        [LAST.isoformat(), c.site, c.site_kind, c.area, *map(str, astuple(c)[3:8]),
         f"{c.occupancy_rate:.2f}"] for c in counts
    ]  # fmt: skip
    jour = next(row for row in summary if row[1] == '+Jour, "Öst"')
    assert jour[3:9] == ["=Nacka", 3, 0, 1, 1, 1]  # held, run out (free), out of service
