"""Small messages that thread workers post back to the event loop."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from textual.message import Message

from bedboard.services.beds.availability import UnitNight
from bedboard.services.choices import Choices
from bedboard.services.staff.access import Actor


@dataclass
class BoardLoaded(Message):
    """One night's availability, read in a worker."""

    night: dt.date
    units: list[UnitNight]
    choices: Choices
    revision: int | None = None  # the revision read (at least)


@dataclass
class NightChanged(Message):
    """The units of a night that changed since revision `base`, read again in a worker."""

    night: dt.date
    base: int
    revision: int
    units: list[UnitNight]
    choices: Choices


@dataclass
class ActionDone(Message):
    """A change went through; `text` says what happened in one line."""

    text: str


@dataclass
class DatabaseOffline(Message):
    """The live watcher cannot reach the database (it keeps retrying)."""

    text: str


@dataclass
class RevisionChanged(Message):
    """The live watcher saw the database change (or come back after being offline)."""

    revision: int | None


@dataclass
class SignedIn(Message):
    """A staff member's PIN was right."""

    actor: Actor


@dataclass
class SignInFailed(Message):
    """Unknown login, wrong PIN, locked or disabled: one line to show."""

    text: str
