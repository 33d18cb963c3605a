"""The reports' figures come from aggregate SQL; they must agree with what the board shows
night by night (availability), on both backends."""

from __future__ import annotations

import datetime as dt

from bedboard.services.beds.availability import availability, site_counts
from bedboard.services.beds.stays import check_in
from bedboard.services.demo import load_demo
from bedboard.services.people.turnaways import record_turnaway
from bedboard.services.reports import UNBILLED, build_report, month_range
from bedboard.store import Store

TONIGHT = dt.date(2026, 11, 27)


def test_report_agrees_with_availability_every_night(store: Store) -> None:
    with store.write() as session:
        load_demo(session, tonight=TONIGHT, actor="tester")
        # a stay across a month boundary, paid by nobody
        check_in(
            session,
            unit="Hvilan/7",
            guest_code="G-200",
            night=dt.date(2026, 10, 28),
            nights_count=6,
            actor="tester",
        )
        record_turnaway(session, night=TONIGHT, reason="no_free_unit", people=2, actor="t")
        record_turnaway(session, night=TONIGHT, reason="no_payer", actor="t")
        record_turnaway(session, night=dt.date(2026, 11, 16), reason="no_payer", actor="t")
    far_future = dt.datetime(2000, 1, 1)  # every hold still live: reports count held rows
    with store.read() as session:
        report = build_report(session, TONIGHT, 40, now=far_future)
        assert report.first == dt.date(2026, 10, 19) and len(report.all_sites) == 40
        for i, totals in enumerate(report.all_sites):
            units = availability(session, totals.night, now=far_future)
            counts = {c.site: c for c in site_counts(units)}
            assert totals.capacity == len(units)
            assert totals.occupied == sum(c.occupied for c in counts.values())
            assert totals.held == sum(c.held for c in counts.values())
            assert totals.out_of_service == sum(c.out_of_service for c in counts.values())
            assert totals.unbilled == sum(c.unbilled for c in counts.values())
            for site in report.sites:
                one, board = site.nights[i], counts[site.site]
                assert (one.occupied, one.held, one.unbilled) == (
                    board.occupied,
                    board.held,
                    board.unbilled,
                )
    assert [s.site for s in report.sites][:3] == [
        "Hvilan",
        "Jourboendet Huddinge",
        "Tryggheten Södertälje",
    ]
    weeks = {w.week: w for w in report.weeks}
    assert weeks["2026-W48"].people == 3 and weeks["2026-W48"].turnaways == 2
    assert weeks["2026-W48"].by_reason == {"no_free_unit": 2, "no_payer": 1}
    assert weeks["2026-W47"].people == 1  # Monday 16 November
    assert weeks["2026-W46"].people == 0  # empty weeks are shown too
    assert report.months == ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
    unbilled = next(p for p in report.payers if p.payer == UNBILLED)
    assert report.payers[-1] is unbilled  # always last, never hidden
    # G-200: 28-31 Oct and 1-2 Nov; G-104 and G-106 unbilled up to tonight only
    assert unbilled.nights["2026-10"] == 4
    assert unbilled.nights["2026-11"] == 2 + 4 + 2
    hovratten = next(p for p in report.payers if p.payer == "Svea hovrätt")
    assert hovratten.nights == {"2026-11": 2 + 4}


def test_an_expired_hold_is_not_counted_as_held(store: Store) -> None:
    """Issue 13 item 3: Reports counted an expired hold as held (6 held against the board's 5):
    its row lingers until someone takes the unit, but the place is free."""
    from bedboard.services.beds.holds import hold
    from tests.support.rules_world import build_world

    build_world(store)
    now = dt.datetime(2026, 11, 27, 20, 0)
    with store.write() as session:
        hold(session, unit="Hvilan/1", night=TONIGHT, minutes=30, actor="t", now=now)
        hold(session, unit="Hvilan/2", night=TONIGHT, minutes=120, actor="t", now=now)
    later = now + dt.timedelta(hours=1)
    with store.read() as session:
        report = build_report(session, TONIGHT, 7, now=later)
        board = site_counts(availability(session, TONIGHT, now=later))
    hvilan = next(c for c in board if c.site == "Hvilan")
    assert (hvilan.held, hvilan.free) == (1, 2)
    tonight = report.all_sites[-1]
    assert (tonight.held, tonight.free) == (1, 4)
    series = next(s for s in report.sites if s.site == "Hvilan")
    assert (series.nights[-1].held, series.nights[-1].free) == (1, 2)


def test_month_range_crosses_new_year() -> None:
    assert month_range(dt.date(2027, 2, 3), 4) == ["2026-11", "2026-12", "2027-01", "2027-02"]


def test_charts_fit_and_squeeze() -> None:
    from bedboard.ui.widgets.charts import bar, columns, fit, squeeze

    assert fit(30, 111) == fit(30, 60) and fit(30, 60).width == 2
    assert (fit(90, 111).per, fit(90, 111).width) == (1, 1)
    assert (fit(90, 52).per, fit(90, 52).count) == (2, 45)
    # grouped from the end: the last column is the latest nights in full
    assert squeeze([[1], [2], [3], [4], [5]], 2) == [[1.0], [2.5], [4.5]]
    lines = columns([[4, 0], [2, 2], [0, 0]], ["green", "red"], top=4, height=2)
    assert [line.plain for line in lines] == ["██ ", "██ "]
    assert lines[0].spans[1].style == "red"  # the top half of the second column is unbilled
    assert bar(1, top=8, width=2, style="red").plain == "▎ "
