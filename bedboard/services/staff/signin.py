"""Signing in with a PIN, and the stored backoff after wrong PINs.

Wrong PINs are counted in the staff row, in their own committed transaction, so the backoff
holds across processes and restarts. After FREE_TRIES wrong PINs each further one locks the
login for twice as long as the one before (30 s, 1 min, 2 min, ... at most an hour); while it is
locked even the right PIN is refused. Unknown logins and wrong PINs get the same answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlalchemy import select
from sqlalchemy.orm import Session

from bedboard.db.models import Staff
from bedboard.i18n import _
from bedboard.services.clock import utcnow
from bedboard.services.safety import audit
from bedboard.services.staff.access import Actor, SignInRefused, admin_exists
from bedboard.services.staff.members import actor_for
from bedboard.services.staff.pins import pin_matches

FREE_TRIES = 3
FIRST_LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 3600


def lock_seconds(failed: int) -> int:
    if failed < FREE_TRIES:
        return 0
    return min(FIRST_LOCK_SECONDS * 2 ** (failed - FREE_TRIES), MAX_LOCK_SECONDS)


def needs_sign_in(session: Session) -> bool:
    """Whether anyone must sign in: only once an administrator exists, and never on a
    PostgreSQL staff login (the server checked the password when it connected)."""
    if session.info.get("db_login"):
        return False
    return admin_exists(session)


def database_actor(session: Session, login: str) -> Actor:
    """The staff member a PostgreSQL staff login is: the server has checked who connected, so
    no PIN is asked and `--user` names no one else."""
    member = session.scalar(select(Staff).where(Staff.login == login))
    if member is None:
        raise SignInRefused(
            _("the database login {login} is not a staff member of this database").format(
                login=login
            )
        )
    if not member.active:
        raise SignInRefused(_("{login} is disabled").format(login=member.login))
    return actor_for(session, member)


def sign_in(
    read: Callable[[], AbstractContextManager[Session]],
    write: Callable[[], AbstractContextManager[Session]],
    login: str,
    pin: str,
    now: dt.datetime | None = None,
) -> Actor:
    """The staff member, if the PIN is theirs; else SignInRefused, after a wrong try is stored.

    The PIN is checked in a read transaction (scrypt is slow on purpose, and must not hold the
    write lock); only a wrong PIN, or the first right one after wrong ones, writes."""
    now = now or utcnow()
    login = login.strip()
    with read() as session:
        member = session.scalar(select(Staff).where(Staff.login == login))
        if member is None:
            raise SignInRefused(_("unknown staff member or wrong PIN"))
        if member.locked_until is not None and member.locked_until > now:
            wait = int((member.locked_until - now).total_seconds()) + 1
            raise SignInRefused(
                _("too many wrong PINs for {login}; try again in {seconds} s").format(
                    login=member.login, seconds=wait
                )
            )
        right = pin_matches(pin, member.pin_hash)
        if right and not member.active:
            raise SignInRefused(_("{login} is disabled").format(login=member.login))
        actor = actor_for(session, member) if right else None
        had_failures = bool(member.failed_pins or member.locked_until)
    if actor is not None and not had_failures:
        return actor
    with write() as session:
        member = session.scalar(select(Staff).where(Staff.login == login))
        assert member is not None
        if actor is not None:
            member.failed_pins = 0
            member.locked_until = None
            return actor
        member.failed_pins += 1
        seconds = lock_seconds(member.failed_pins)
        member.locked_until = now + dt.timedelta(seconds=seconds) if seconds else None
        audit.record(session, member.login, "pin_refused", f"staff:{member.login}")
    raise SignInRefused(_("unknown staff member or wrong PIN"))
