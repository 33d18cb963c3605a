"""The board: one night's availability, per site and per unit, kept live."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.markup import escape
from textual.reactive import reactive
from textual.widgets import Label, Static

from bedboard import formats
from bedboard.errors import BedboardError
from bedboard.i18n import N_, _
from bedboard.services.beds.availability import (
    SiteCounts,
    UnitNight,
    availability,
    recount,
    site_counts,
)
from bedboard.services.beds.changed import changes_since
from bedboard.services.changes import current_revision
from bedboard.services.choices import choices
from bedboard.services.demo import load_demo
from bedboard.services.demo_people import load_people_and_history
from bedboard.services.people.search import GuestHit, record_name_search, search_guests
from bedboard.states import StaffRole
from bedboard.store import Store
from bedboard.ui.clock import Clock
from bedboard.ui.failures import failure_text
from bedboard.ui.filters import KIND_LABELS, Filters
from bedboard.ui.format import detail_text, night_title
from bedboard.ui.link import LIVE, STALE
from bedboard.ui.messages import BoardLoaded, NightChanged
from bedboard.ui.screens.confirm import ConfirmScreen
from bedboard.ui.screens.form import Field, FormScreen
from bedboard.ui.screens.pick import PickScreen
from bedboard.ui.screens.unit_actions import UnitActionsScreen
from bedboard.ui.widgets.key_bar import KeyBar
from bedboard.ui.widgets.notice import Notice
from bedboard.ui.widgets.site_table import SiteTable
from bedboard.ui.widgets.unit_table import UnitTable, unit_key
from bedboard.words import word

NIGHTS = Binding.Group(N_("Night"))
TICK_SECONDS = 30  # hold countdowns, expired holds and the rollover need no database change

HELP = N_(
    """\
# The board

One night at a time: every site with its counts (beds, occupied, held, free, out of service,
nights with **no payer**), and below it every place with its state, guest code, which night of
the stay it is, and who pays. The line at the bottom tells more about the selected place.

It is live: changes made anywhere else show here within a second or two.

- Move with the arrow keys; **Tab** switches between the sites and the places.
  **Enter** on a site jumps to its places.
- The keys at the bottom change with the selected place: a free place can be checked in to
  or held, an occupied one checked out, extended or moved.
- `[` and `]` go to the previous and next night, `t` back to the current night (which
  changes at the rollover hour, not at midnight), `d` to any date.
- `p` finds a place that fits a person's needs, `r` opens the rack of two weeks.
- Guests are shown by code. `N` shows a name, and writes that you looked to the audit log.
- `L` switches the language (Swedish/English).
"""
)


class BoardScreen(UnitActionsScreen):
    HELP = HELP
    BINDINGS = [
        Binding(
            "left_square_bracket", "night(-1)", N_("Prev night"), id="prev-night", group=NIGHTS
        ),
        Binding(
            "right_square_bracket", "night(1)", N_("Next night"), id="next-night", group=NIGHTS
        ),
        Binding("t", "tonight", N_("Tonight"), id="tonight"),
        Binding("d", "go_to_date", N_("Date"), id="go-to-date"),
        Binding("slash", "find_guest", N_("Find guest"), id="find-guest"),
        Binding("f", "filter", N_("Filter"), id="filter"),
        Binding("a", "free_only", N_("Free only"), id="free-only"),
        Binding("a", "show_all", N_("Show all"), id="show-all"),
        Binding("p", "find_place", N_("Find a place"), id="find-place"),
        Binding("r", "rack", N_("Rack"), id="rack"),
    ]

    night: reactive[dt.date] = reactive(dt.date.min, init=False, bindings=True)
    filters: reactive[Filters] = reactive(Filters, init=False, bindings=True)

    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        super().__init__(store, clock)
        self.all_units: list[UnitNight] = []
        self.units: dict[str, UnitNight] = {}
        self.loaded = False
        self.offered_demo = False
        self.jump_to: str | None = None  # a unit ref to select once its night has loaded
        self.read_revision: int | None = None  # the newest revision a load has read
        self._awaited_revision: int | None = None  # reported while a read ran
        # What the units in memory show: their night and revision. A live change reads only
        # what changed after it; None (or `whole_wanted`) reads the whole night.
        self.shown_night: dt.date | None = None
        self.shown_revision: int | None = None
        self.whole_wanted = True  # hold countdowns and expiries change nothing in the database
        self._position: dict[int, int] = {}  # unit id -> index in all_units
        self._counts: dict[str, SiteCounts] = {}  # every site's counts on the night
        self.known_tonight = self.tonight()  # to notice the rollover hour passing
        self.set_reactive(BoardScreen.night, self.known_tonight)

    def tonight(self) -> dt.date:
        return self.store.tonight(self.clock.local())

    def compose(self) -> ComposeResult:
        with Horizontal(id="title-bar"):
            yield Label("", id="title")
            yield Label("", id="status")
        yield SiteTable(id="sites")
        yield UnitTable(id="units")
        yield Static("", id="detail")
        yield Notice()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(UnitTable).focus()
        self.watch(self.app, "link", self._show_status)
        self.set_interval(TICK_SECONDS, self._tick)
        self._show_title()  # the night is known before its units are read: shown at once

    def restart(self) -> None:
        """After the widgets were built again (a change of language): focus and reload."""
        self.query_one(UnitTable).focus()
        self._show_status(getattr(self.app, "link", LIVE))
        self.refresh_bindings()
        self.load_whole()

    # What the unit actions act on -----------------------------------------------------------

    @property
    def selected_unit(self) -> UnitNight | None:
        if not self.is_mounted:
            return None
        key = self.query_one(UnitTable).current_key
        return self.units.get(key) if key else None

    def units_on(self, night: dt.date) -> list[UnitNight]:
        return self.all_units if night == self.night else []

    @property
    def current_night(self) -> dt.date:
        return self.night

    def changed(self) -> None:
        self._show_status(getattr(self.app, "link", LIVE))  # after a sign-in: the new person
        super().changed()

    # Loading --------------------------------------------------------------------------------

    def read(self, session: Session) -> BoardLoaded | NightChanged:
        night, base, now = self.night, self.shown_revision, self.clock.utc()
        if base is not None and night == self.shown_night and not self.whole_wanted:
            changes = changes_since(session, night, base, now=now)
            if changes is not None:
                self.read_revision = changes.revision
                return NightChanged(night, base, changes.revision, changes.units, choices(session))
        revision = current_revision(session)  # first: the rows read are at least this new
        units = availability(session, night, now=now)
        lists = choices(session)
        self.read_revision = revision
        return BoardLoaded(night, units, lists, revision)

    def load_whole(self) -> None:
        """Read the whole night (not only what changed): the clock moved, or the widgets are
        new. Wanted until a whole read is shown, so a live change cannot cancel it."""
        self.whole_wanted = True
        self.load()

    def holds_ran_out(self) -> None:
        self.load_whole()

    def database_changed(self, revision: int | None) -> None:
        # The watcher's first poll reports the revision the board's own first load is reading
        # or has just read: reading 5,000 units twice at start-up would double the wait. A
        # revision that comes during a read is judged when that read is done.
        if revision is not None and self.reading:
            self._awaited_revision = revision
        elif revision is None or revision != self.read_revision:
            self.load()

    def after_read(self) -> None:
        started_up = getattr(self.app, "started_up", None)
        if callable(started_up):
            self.call_after_refresh(started_up)  # the first night is painted, or failed
        awaited, self._awaited_revision = self._awaited_revision, None
        super().after_read()
        if awaited is not None and not self.reading:
            self.database_changed(awaited)

    def _show_status(self, link: str) -> None:
        """Who is acting, and whether what the board shows is confirmed: in words, so that it
        reads the same without colour. Stale or offline names the last confirmed moment."""
        if link == LIVE:
            state = "[$state-free]●[/] " + escape(_("live"))
        else:
            confirmed = getattr(self.app, "confirmed_at", self.clock.local())
            label, colour = (
                (_("STALE"), "$state-held") if link == STALE else (_("OFFLINE"), "$state-bad")
            )
            since = _("since {time}").format(time=formats.clock_seconds(confirmed))
            state = f"[bold {colour}]● {escape(label)}[/] {escape(since)}"
        if self.store.read_only is not None:
            state += " · [b]" + escape(_("read-only")) + "[/b]"
        who = self.store.who
        person = f"{who.login} ({word(StaffRole, who.role)})" if who.role else who.login
        self.query_one("#status", Label).update(f"{escape(person)} · {state}")

    def _tick(self) -> None:
        """Every half minute: hold countdowns, and the rollover hour. Nothing is read: a hold
        that runs out has its own timer (reload_at_next_expiry), a change its revision, and
        reading 5,000 units every half minute was most of what an idle board asked of the
        database server."""
        tonight = self.tonight()
        following = self.night == self.known_tonight
        self.known_tonight = tonight
        if following and self.night != tonight:
            self.night = tonight  # the board showed the current night: it follows the rollover
        elif self.loaded and self.is_mounted:
            self.query_one(UnitTable).show_changes([], self.clock.utc())  # the countdowns
            self._show_title()  # "tonight" may have become "last night"
            self._show_detail()

    @on(BoardLoaded)
    def show_loaded(self, message: BoardLoaded) -> None:
        if message.night != self.night:
            return  # a slower load for a night no longer shown
        self.loaded = True
        self.all_units = message.units
        self.choices = message.choices
        self.shown_night, self.shown_revision = message.night, message.revision
        self.whole_wanted = False
        self._position = {u.unit_id: i for i, u in enumerate(message.units)}
        self._counts = {c.site: c for c in site_counts(message.units)}
        self.reload_at_next_expiry(message.units)
        self._show_units()
        if self.jump_to:
            self._select_ref(self.jump_to)
            self.jump_to = None
        if not message.units and not self.offered_demo and self.store.read_only is None:
            self.offered_demo = True
            self._offer_demo()
        self.refresh_bindings()

    @on(NightChanged)
    def show_changed(self, message: NightChanged) -> None:
        if message.night != self.night or message.night != self.shown_night:
            return  # a read for a night no longer shown
        shown = self.shown_revision
        if shown is None or message.base > shown or message.revision < shown:
            return  # older than what is shown, or not reaching back to it: the next read will
        self.shown_revision = message.revision
        self.choices = message.choices
        if message.units:
            self._apply_changes(message.units)

    def _apply_changes(self, units: list[UnitNight]) -> None:
        """A live change: the changed units replace theirs in memory, their sites' counts move
        by the difference, and only their lines (and their sites' cells) are drawn again."""
        changed: list[UnitNight] = []
        sites: dict[str, SiteCounts] = {}
        refilter = False
        for new in units:
            at = self._position.get(new.unit_id)
            if at is None:  # a unit not in memory: the night is read whole
                self.load_whole()
                return
            old = self.all_units[at]
            if old == new:
                continue
            self.all_units[at] = new
            changed.append(new)
            counts = sites.get(new.site) or self._counts[new.site]
            sites[new.site] = recount(counts, old, new)
            refilter = refilter or self.filters.keep(old) != self.filters.keep(new)
        if not changed:
            return
        self._counts.update(sites)
        self.reload_at_next_expiry(changed, keep_sooner=True)
        if refilter:  # a unit came into or left the filter: the list itself changes
            self._show_units()
            return
        for u in changed:
            if unit_key(u) in self.units:  # kept by the filter, before and after
                self.units[unit_key(u)] = u
        shown_sites = {u.site for u in self.units.values()} if self.filters.active else None
        self.query_one(SiteTable).update_counts(
            [c for c in sites.values() if shown_sites is None or c.site in shown_sites],
            [c for c in self._counts.values() if shown_sites is None or c.site in shown_sites],
        )
        self.query_one(UnitTable).show_changes(changed, self.clock.utc())
        self._show_title()
        selected = self.selected_unit
        if selected is not None and selected in changed:
            self._show_detail()
        self.refresh_bindings()

    def _show_units(self) -> None:
        filters = self.filters
        kept = [u for u in self.all_units if filters.keep(u)] if filters.active else self.all_units
        sites = {u.site for u in kept}
        self.units = {unit_key(u): u for u in kept}
        counts = [c for c in self._counts.values() if c.site in sites]
        self.query_one(SiteTable).show(counts)
        self.query_one(UnitTable).show(kept, self.clock.utc())
        self._show_title()
        self._show_detail()

    def _show_title(self) -> None:
        title = night_title(self.night, self.tonight())
        if self.loaded:
            free = sum(c.free for c in self._counts.values())
            counted = _("{free} free of {total}").format(free=free, total=len(self.all_units))
            shown = f"[b]{title}[/b] · [$state-free]{counted}[/]"
        else:
            shown = f"[b]{title}[/b] · " + escape(_("loading…"))
        if self.filters.active:
            only = _("only: {filters}").format(filters=escape(self.filters.describe()))
            shown += f" · [$state-held]{only}[/]"
        self.query_one("#title", Label).update(shown)

    @on(UnitTable.Highlighted, "#units")
    def _show_detail(self) -> None:
        unit = self.selected_unit
        if unit is None:
            text = _("No places match the filter (f to change it, a to show all).")
            text = text if self.all_units else ""
        else:
            text = detail_text(unit, self.clock.utc(), self.clock.local_time_of)
        self.query_one("#detail", Static).update(Text(text))
        self.refresh_bindings()

    @on(UnitTable.Selected, "#units")
    def _unit_menu(self) -> None:
        self.action_menu()

    @on(SiteTable.Selected, "#sites")
    def _jump_to_site(self, event: SiteTable.Selected) -> None:
        site = event.key.removeprefix("site:")
        table = self.query_one(UnitTable)
        first = next((key for key, u in self.units.items() if u.site == site), None)
        if first is not None:
            table.select_key(first)
            table.focus()

    def _select_ref(self, ref: str) -> bool:
        key = next((k for k, u in self.units.items() if u.ref == ref), None)
        if key is None:
            return False
        table = self.query_one(UnitTable)
        table.select_key(key)
        table.focus()
        return True

    # Nights ---------------------------------------------------------------------------------

    def watch_night(self) -> None:
        self._show_title()
        self.load()

    def watch_filters(self) -> None:
        self._show_units()

    def action_night(self, step: int) -> None:
        night = self.shifted(self.night, step)
        if night is not None:
            self.night = night

    def action_tonight(self) -> None:
        self.night = self.tonight()

    @work(group="ask", exit_on_error=False)
    async def action_go_to_date(self) -> None:
        form = FormScreen(
            _("Go to a night"),
            [Field("night", _("Night"), "date", default=self.night, required=True)],
            _("Go"),
            intro=_("A night is named by its evening's date."),
        )
        values = await self.app.push_screen_wait(form)
        if values:
            self.night = values["night"]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "tonight":
            return self.night != self.tonight()
        # Two bindings share the key a; the footer shows the one that says what it will do.
        if action == "free_only":
            return not self.filters.free_only
        if action == "show_all":
            return self.filters.free_only
        return super().check_action(action, parameters)

    # Filters and search ---------------------------------------------------------------------

    def action_free_only(self) -> None:
        f = self.filters
        self.filters = Filters(f.area, f.kind, f.tags, f.language, free_only=True)

    def action_show_all(self) -> None:
        self.filters = Filters()

    @work(group="ask", exit_on_error=False)
    async def action_filter(self) -> None:
        areas = sorted({u.area for u in self.all_units if u.area})
        f = self.filters
        form = FormScreen(
            _("Show only"),
            [
                Field("area", _("Area"), "select", options=[(a, a) for a in areas], default=f.area),
                Field(
                    "kind",
                    _("Kind of place"),
                    "select",
                    options=[(_(label), kind) for kind, label in KIND_LABELS.items()],
                    default=f.kind,
                ),
                Field("women_only", _("Women only"), "check", default="women_only" in f.tags),
                Field(
                    "children_ok", _("Children welcome"), "check", default="children_ok" in f.tags
                ),
                Field("accessible", _("Accessible"), "check", default="accessible" in f.tags),
                Field(
                    "language", _("Language"), default=f.language, placeholder=_("a code: ro, ru")
                ),
                Field("free_only", _("Free places only"), "check", default=f.free_only),
            ],
            _("Show"),
            intro=_("Empty fields show everything. Press a on the board to toggle free only."),
        )
        values = await self.app.push_screen_wait(form)
        if values is None:
            return
        tags = frozenset(t for t in ("women_only", "children_ok", "accessible") if values[t])
        self.filters = Filters(
            area=values["area"] or "",
            kind=values["kind"] or "",
            tags=tags,
            language=values["language"].strip().lower(),
            free_only=values["free_only"],
        )

    @work(group="ask", exit_on_error=False)
    async def action_find_guest(self) -> None:
        form = FormScreen(
            _("Find a guest"),
            [
                Field(
                    "text",
                    _("Code or name"),
                    required=True,
                    placeholder=_("part of it is enough"),
                ),
                Field("reason", _("Why"), placeholder=_("needed to search by name")),
            ],
            _("Find"),
            intro=_(
                "Protected guests are shown by code only. Finding one by name needs a "
                "reason and is written to the audit log."
            ),
        )
        values = await self.app.push_screen_wait(form)
        if not values or not values["text"]:
            return
        text, reason, around = values["text"], values["reason"], self.night
        hits = await self.in_thread(lambda session: search_guests(session, text, around))
        if any(h.protected and h.by_name for h in hits):
            actor = self.store.actor
            try:
                await self.in_thread(
                    lambda session: record_name_search(
                        session, hits=hits, actor=actor, reason=reason
                    ),
                    write=True,
                )
            except BedboardError as exc:
                # Without a reason (or the right) the name links no one to a bed: only the
                # guests found by their code are shown.
                hits = [h for h in hits if not (h.protected and h.by_name)]
                self.refused(failure_text(exc))
                if not hits:
                    return
        if len(hits) > 1:
            title = _("Guests matching {text!r}").format(text=text)
            options = [(f"{h.code}  ·  {h.where}", h.code) for h in hits]
            code = await self.app.push_screen_wait(PickScreen(title, options))
            if code is None:
                return
            hits = [h for h in hits if h.code == code]
        self._go_to_hit(text, hits)

    def _go_to_hit(self, text: str, hits: list[GuestHit]) -> None:
        if not hits:
            self.notify(
                _("No guest matches {text!r}.").format(text=text), severity="warning", markup=False
            )
            return
        hit = hits[0]
        if hit.night is None:
            self.notify(
                _("Guest {code} has no bed booked.").format(code=hit.code),
                severity="warning",
                markup=False,
            )
        else:
            self._jump(hit.unit_ref, hit.night)

    def _jump(self, ref: str, night: dt.date) -> None:
        self.filters = Filters()
        if night == self.night:
            self._select_ref(ref)
        else:
            self.jump_to = ref
            self.night = night

    # Other screens --------------------------------------------------------------------------

    def action_find_place(self) -> None:
        from bedboard.ui.screens.placement import PlacementScreen

        areas = sorted({u.area for u in self.all_units if u.area})
        languages = sorted(
            {
                t.removeprefix("language_")
                for u in self.all_units
                for t in u.tags
                if t.startswith("language_")
            }
        )
        self.app.push_screen(
            PlacementScreen(
                self.store, self.clock, night=self.night, areas=areas, languages=languages
            )
        )

    def action_rack(self) -> None:
        from bedboard.ui.screens.rack import RackScreen

        unit = self.selected_unit
        self.app.push_screen(
            RackScreen(
                self.store, self.clock, first=self.night, unit_id=unit.unit_id if unit else None
            )
        )

    # Empty database -------------------------------------------------------------------------

    @work(group="ask", exit_on_error=False)
    async def _offer_demo(self) -> None:
        question = _(
            "This database has no sites yet.\n\n"
            "Load the demo data (8 sites, 48 places, payers, guests, households)?\n"
            "You can import your own inventory instead with `bedboard import inventory`."
        )
        if await self.app.push_screen_wait(
            ConfirmScreen(question, yes=_("Load demo"), no=_("Not now"))
        ):
            self.run_change(self._load_demo)

    def _load_demo(self, session: Session) -> str:
        load_demo(session, tonight=self.tonight(), actor=self.store.actor)
        load_people_and_history(session, tonight=self.tonight(), actor=self.store.actor)
        return _("Demo data loaded.")
