"""The reports screen drawn from the demo world (plus a few turnaways), at a frozen moment so
the snapshots never depend on today's date."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual_plotext import PlotextPlot

from bedboard.store import Store
from bedboard.ui.clock import Clock
from bedboard.ui.screens.reports import ReportsScreen
from tests.support.board import FROZEN_AT, TONIGHT, frozen_demo, screen_after, wait_until

SIZE = (120, 62)


class ReportsHost(App[None]):
    """Only the reports screen, so the snapshot shows nothing else that could move."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    def on_mount(self) -> None:
        self.push_screen(ReportsScreen(self.store, Clock.frozen(FROZEN_AT)))


def loaded(app: App[None], nights: int) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run_before(pilot: Pilot[None]) -> None:
        def ready() -> bool:
            screen = app.screen
            return (
                isinstance(screen, ReportsScreen)
                and screen.report is not None
                and len(screen.report.all_sites) == nights
            )

        if nights != 30:
            assert await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen))
            await pilot.press(str(nights)[0])
        assert await wait_until(pilot, ready, seconds=10)
        await pilot.pause()

    return run_before


def test_reports_last_30_nights(snap_compare: Callable[..., bool], empty_store: Store) -> None:
    app = ReportsHost(frozen_demo(empty_store))
    assert snap_compare(app, terminal_size=SIZE, run_before=loaded(app, 30))


def test_reports_last_90_nights(snap_compare: Callable[..., bool], empty_store: Store) -> None:
    app = ReportsHost(frozen_demo(empty_store))
    assert snap_compare(app, terminal_size=SIZE, run_before=loaded(app, 90))


def test_reports_on_a_small_terminal(snap_compare: Callable[..., bool], empty_store: Store) -> None:
    """80x24, 90 nights: columns of two nights averaged, names shortened, nothing wrapped."""
    app = ReportsHost(frozen_demo(empty_store))
    assert snap_compare(app, terminal_size=(80, 24), run_before=loaded(app, 90))


async def test_reports_figures_on_screen(empty_store: Store) -> None:
    app = ReportsHost(frozen_demo(empty_store))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, 30)(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen) and screen.report is not None
        tonight = screen.report.all_sites[-1]
        assert tonight.night == TONIGHT
        assert (tonight.capacity, tonight.occupied, tonight.held) == (42, 9, 1)
        assert (tonight.out_of_service, tonight.unbilled) == (1, 2)
        text = str(screen.query_one("#chart-occupancy .legend").render())
        assert "Last night shown: 9 occupied, 1 held, 31 free" in text
        weeks = str(screen.query_one("#chart-weeks").render())
        assert "2026-W48" in weeks and "no free place 2, nobody would pay 1" in weeks
        payers = str(screen.query_one("#chart-payers").render())
        assert "(unbilled)" in payers and "Svea hovrätt" in payers
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, ReportsScreen))


async def test_reports_follow_changes_from_another_process(
    empty_store: Store, sqlite_url: str
) -> None:
    from bedboard.ui.app import BedboardApp
    from tests.support.cli import run_cli

    app = BedboardApp(frozen_demo(empty_store), clock=Clock.frozen(FROZEN_AT), poll_seconds=0.1)
    async with app.run_test(size=SIZE) as pilot:
        screen = await screen_after(pilot, "R", ReportsScreen)
        assert await wait_until(pilot, lambda: screen.report is not None, seconds=5)
        done = run_cli(
            "turnaway", "--night", "2026-11-27", "--reason", "not_eligible", "--people", "4",
            db=sqlite_url,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr

        def shown() -> bool:
            return "not eligible 4" in str(screen.query_one("#chart-weeks").render())

        assert await wait_until(pilot, shown, seconds=8)


@pytest.mark.parametrize(("size", "nights"), [((80, 24), 30), ((80, 24), 90), ((120, 62), 90)])
async def test_a_held_night_shows_in_the_held_and_unbilled_chart(
    empty_store: Store, size: tuple[int, int], nights: int
) -> None:
    """A place is held tonight. Held and unbilled stood side by side in each night's slot,
    each narrower than a cell, and the unbilled bar was drawn over the held one: no held bar
    showed at all. Now each night's held and unbilled stand on each other."""
    app = ReportsHost(frozen_demo(empty_store))
    async with app.run_test(size=size) as pilot:
        await loaded(app, nights)(pilot)
        plot = app.screen.query_one("#chart-attention PlotextPlot", PlotextPlot)
        drawn = str(plot.render())
        legend = str(app.screen.query_one("#chart-attention .legend").render())
    assert "1 held night(s)" in legend  # the report counts it ...
    bars = drawn.splitlines()[1:-2]  # inside the frame, above the dates
    assert any("▒" in line for line in bars), drawn  # ... and the chart shows it
    assert any("▓" in line for line in bars), drawn
