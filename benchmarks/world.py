"""The rows of a generated region, as plain tuples in the columns the schema stores.

Written once and fed to two writers (SQLite via executemany, PostgreSQL via COPY), so both
backends hold the same region. Deterministic for a given size, tonight and history length.

Shape: shelters with rooms of two beds and host-family programmes with a few places each; every
unit runs through stays of a few nights with short gaps (about 80% occupied), guests return to
the same unit (so a guest is never in two units on one night), a payer per stay with some
unbilled stays and some stays whose payer changes half-way (police, then the court), yearly
rates per site kind, every night closed and posted except the last `open_nights`, a few units
out of service and a few held tonight.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from benchmarks.sizes import Size

GUESTS_PER_UNIT = 8
CURRENCY = "SEK"
ACTOR = "bench"
AREAS = (
    "Stockholm", "Botkyrka", "Danderyd", "Ekerö", "Haninge", "Huddinge", "Järfälla", "Lidingö",
    "Nacka", "Norrtälje", "Nykvarn", "Nynäshamn", "Salem", "Sigtuna", "Sollentuna", "Solna",
    "Sundbyberg", "Södertälje", "Tyresö", "Täby", "Upplands Väsby", "Upplands-Bro", "Vallentuna",
    "Vaxholm", "Värmdö", "Österåker",
)  # fmt: skip
TAGS = ("women_only", "children_ok", "accessible", "language_ro", "language_ru", "language_en")
# (name, kind, weight): who pays a stay
PAYERS = (
    ("Polisen", "police", 20),
    ("Svea hovrätt", "court", 8),
    ("Södertörns tingsrätt", "court", 4),
    ("Migrationsverket", "migration_agency", 15),
    ("Rumäniens ambassad", "embassy", 4),
    ("Nigerias ambassad", "embassy", 3),
    ("Bulgariens ambassad", "embassy", 3),
    ("Stadsmissionen", "ngo", 4),
    ("Uppsökarenheten", "own", 6),
    *((f"Socialtjänsten {area}", "social_services", 3) for area in AREAS[:11]),
)
UNBILLED_SHARE = 0.05
SPLIT_SHARE = 0.15


def sql_datetime(value: dt.datetime) -> str:
    """How SQLAlchemy stores a DateTime in SQLite (so the app reads it back)."""
    return f"{value:%Y-%m-%d %H:%M:%S}.{value.microsecond:06d}"


@dataclass
class World:
    """Small tables in full; the big ones come from `night_batches()`."""

    size: Size
    tonight: dt.date
    history_nights: int
    seed: int = 7
    sites: list[tuple] = field(default_factory=list)
    units: list[tuple] = field(default_factory=list)
    unit_kinds: list[int] = field(default_factory=list)  # 0 shelter, 1 host family
    payers: list[tuple] = field(default_factory=list)
    guests: list[tuple] = field(default_factory=list)
    rates: list[tuple] = field(default_factory=list)
    holds: list[tuple] = field(default_factory=list)
    closed_nights: list[tuple] = field(default_factory=list)

    @property
    def first_night(self) -> dt.date:
        return self.tonight - dt.timedelta(days=self.history_nights - 1)

    @property
    def last_night(self) -> dt.date:
        return self.tonight + dt.timedelta(days=self.size.future_nights)

    @property
    def last_closed_night(self) -> dt.date:
        return self.tonight - dt.timedelta(days=self.size.open_nights)

    def nights(self) -> list[dt.date]:
        count = (self.last_night - self.first_night).days + 1
        return [self.first_night + dt.timedelta(days=i) for i in range(count)]


def build_world(size: Size, tonight: dt.date, history_nights: int) -> World:
    world = World(size, tonight, history_nights)
    rng = random.Random(world.seed)
    _sites_and_units(world, rng)
    world.payers = [
        (i + 1, name, kind, 1, f"{202100 + i}-{1000 + i}", f"Box {100 + i}, Stockholm", "")
        for i, (name, kind, _w) in enumerate(PAYERS)
    ]
    world.guests = [
        (i + 1, f"G{i + 1:07d}", None, 1, 1960 + i % 50, ("ro", "ru", "en", "")[i % 4], "", "")
        for i in range(len(world.units) * GUESTS_PER_UNIT)
    ]
    _rates(world)
    world.closed_nights = [
        (n.isoformat(), sql_datetime(_posted_at(n)), ACTOR)
        for n in world.nights()
        if n <= world.last_closed_night
    ]
    return world


def _sites_and_units(world: World, rng: random.Random) -> None:
    size = world.size
    shelter_units = size.units - size.host_family_units
    plan = [("shelter", n) for n in _spread(shelter_units, size.shelter_sites)]
    plan += [("host_family", n) for n in _spread(size.host_family_units, size.host_family_sites)]
    unit_id = 0
    for site_id, (kind, count) in enumerate(plan, start=1):
        area = AREAS[site_id % len(AREAS)]
        prefix = "Boendet" if kind == "shelter" else "Jourhem"
        world.sites.append((site_id, f"{prefix} {area} {site_id}", kind, area))
        for i in range(count):
            unit_id += 1
            room = str(1 + i // 2) if kind == "shelter" else ""
            tags = ";".join(sorted(rng.sample(TAGS, rng.randint(0, 2))))
            world.units.append((unit_id, site_id, room, str(i + 1), tags))
            world.unit_kinds.append(0 if kind == "shelter" else 1)


def _spread(total: int, parts: int) -> list[int]:
    """`total` split into `parts` nearly equal whole numbers."""
    if parts == 0:
        return []
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _rates(world: World) -> None:
    """One rate per site kind and calendar year; the newest has no end."""
    years = range(world.first_night.year, world.last_night.year + 1)
    rate_id = 0
    for kind, base, step in (("shelter", 45000, 1500), ("host_family", 35000, 1000)):
        for index, year in enumerate(years):
            rate_id += 1
            last = index == len(years) - 1
            world.rates.append(
                (
                    rate_id,
                    base + step * index,
                    CURRENCY,
                    dt.date(year, 1, 1).isoformat(),
                    None if last else dt.date(year, 12, 31).isoformat(),
                    kind,
                    None,
                    None,
                )
            )


def rate_on(world: World, kind: int, night: dt.date) -> int:
    index = night.year - world.first_night.year
    return (45000 + 1500 * index) if kind == 0 else (35000 + 1000 * index)


def _posted_at(night: dt.date) -> dt.datetime:
    return dt.datetime.combine(night + dt.timedelta(days=1), dt.time(7, 0))


StayRow = tuple[int, int, str, str]
BedNightRow = tuple


def _unoccupied(
    row_id: int,
    unit_id: int,
    night_text: str,
    state: str,
    reason: str,
    posted: str | None,
    hold_id: int | None = None,
) -> BedNightRow:
    """A held or out-of-service bed-night: no stay, guest, payer, reference or rate."""
    return (row_id, unit_id, night_text, state, None, None, hold_id, None, "", reason, posted,
            None, None)  # fmt: skip


def night_batches(
    world: World, batch_nights: int = 30
) -> Iterator[tuple[list[StayRow], list[BedNightRow]]]:
    """Stays and bed-nights, night by night (the order a real database grows in)."""
    rng = random.Random(world.seed + 1)
    payer_weights = [w for _n, _k, w in PAYERS]
    payer_ids = list(range(1, len(PAYERS) + 1))
    court_id = 2
    units = len(world.units)
    kinds = world.unit_kinds
    remaining = [0] * units
    gap = [rng.randint(0, 2) for _ in range(units)]
    stay_of = [0] * units
    guest_of = [0] * units
    visits = [0] * units
    payer_of: list[int | None] = [None] * units
    switch_left = [-1] * units
    reference_of = [""] * units
    nights = world.nights()
    tonight_index = nights.index(world.tonight)
    out_of_service = {u for u in range(units) if u % 97 == 5}
    oos_window = range(tonight_index - 3, tonight_index + 4)
    hold_units = {u for u in range(units) if u % 101 == 7}
    stay_id = 0
    row_id = 0
    hold_id = 0
    stays: list[StayRow] = []
    rows: list[BedNightRow] = []
    now = dt.datetime.combine(world.tonight, dt.time(21, 0))
    for index, night in enumerate(nights):
        night_text = night.isoformat()
        closed = night <= world.last_closed_night
        posted = sql_datetime(_posted_at(night)) if closed else None
        rates = (rate_on(world, 0, night), rate_on(world, 1, night)) if closed else (None, None)
        currency = CURRENCY if closed else None
        created = sql_datetime(dt.datetime.combine(night, dt.time(20, 0)))
        for u in range(units):
            if u in out_of_service and index in oos_window:
                remaining[u] = 0
                row_id += 1
                rows.append(
                    _unoccupied(row_id, u + 1, night_text, "out_of_service", "water damage", posted)
                )
                continue
            left = remaining[u]
            if left == 0:
                if gap[u] > 0:
                    gap[u] -= 1
                    if index == tonight_index and u in hold_units:
                        hold_id += 1
                        expires = sql_datetime(now + dt.timedelta(minutes=90))
                        world.holds.append(
                            (hold_id, u + 1, night_text, expires, "outreach", ACTOR, "active", 1)
                        )
                        row_id += 1
                        rows.append(
                            _unoccupied(row_id, u + 1, night_text, "held", "", posted, hold_id)
                        )
                    continue
                host_family = kinds[u] == 1
                left = rng.randint(3, 21) if host_family else rng.randint(1, 7)
                stay_id += 1
                stay_of[u] = stay_id
                guest = u * GUESTS_PER_UNIT + visits[u] % GUESTS_PER_UNIT + 1
                visits[u] += 1
                guest_of[u] = guest
                stays.append((stay_id, guest, created, ACTOR))
                draw = rng.random()
                if draw < UNBILLED_SHARE:
                    payer_of[u] = None
                    reference_of[u] = ""
                else:
                    payer_of[u] = rng.choices(payer_ids, payer_weights)[0]
                    reference_of[u] = f"R-{stay_id}"
                split = left > 1 and draw > 1 - SPLIT_SHARE
                switch_left[u] = rng.randint(1, left - 1) if split else -1
            if left == switch_left[u]:
                payer_of[u] = court_id
                reference_of[u] = f"B {stay_id}-{night.year % 100}"
            payer = payer_of[u]
            row_id += 1
            rows.append(
                (row_id, u + 1, night_text, "occupied", stay_of[u], guest_of[u], None, payer,
                 reference_of[u], "", posted, rates[kinds[u]], currency)
            )  # fmt: skip
            left -= 1
            remaining[u] = left
            if left == 0:
                gap[u] = rng.randint(0, 6) if kinds[u] == 1 else rng.randint(0, 2)
        if (index + 1) % batch_nights == 0 or index == len(nights) - 1:
            yield stays, rows
            stays, rows = [], []
