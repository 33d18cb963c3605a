"""Stays and holds from the command line: checkin, checkout, extend, move, hold, and more."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import click

from bedboard.cli import cli
from bedboard.cli.common import NIGHT, F, common_options, open_from_context
from bedboard.services.beds import holds, stays
from bedboard.services.beds.out_of_service import mark_out_of_service
from bedboard.services.clock import MAX_NIGHTS

# A hold number is a database id: beyond 64 bits it is no hold at all (and SQLite overflows).
HOLD_ID = click.IntRange(1, 2**63 - 1)


def _nights_option(default: int | None = 1) -> Callable[[F], F]:
    return click.option(
        "--nights",
        type=click.IntRange(1, MAX_NIGHTS),
        default=default,
        show_default=True,
        help="How many nights.",
    )


@cli.command("checkin")
@click.option("--unit", required=True, metavar="SITE/UNIT", help="Like Hvilan/12.")
@click.option(
    "--guest",
    "guest_code",
    required=True,
    metavar="CODE",
    help="Guest code; a new code creates the guest.",
)
@click.option("--night", type=NIGHT, help="First night. Default: the current night.")
@_nights_option()
@click.option("--payer", metavar="NAME", help="Who pays these nights.")
@click.option("--reference", default="", metavar="TEXT", help="Decision or case number.")
@common_options
def checkin(
    unit: str,
    guest_code: str,
    night: dt.date | None,
    nights: int,
    payer: str | None,
    reference: str,
) -> None:
    """Check a guest in to a unit."""
    store = open_from_context()
    first = night or store.tonight()
    with store.write() as session:
        stay = stays.check_in(
            session,
            unit=unit,
            guest_code=guest_code,
            night=first,
            nights_count=nights,
            payer=payer,
            reference=reference,
            actor=store.actor,
        )
    last = first + dt.timedelta(days=nights - 1)
    unbilled = "" if payer else " (no payer yet: unbilled)"
    click.echo(
        f"checked in {guest_code} to {unit}, nights {first}..{last}, stay {stay.id}{unbilled}"
    )


@cli.command("checkout")
@click.option("--guest", "guest_code", required=True, metavar="CODE")
@click.option(
    "--night",
    type=NIGHT,
    help="First night not stayed. Default: today's date (a morning check-out).",
)
@common_options
def checkout(guest_code: str, night: dt.date | None) -> None:
    """Check a guest out: removes their nights from --night on."""
    store = open_from_context()
    first_free = night or dt.date.today()
    with store.write() as session:
        removed = stays.check_out(
            session, guest_code=guest_code, night=first_free, actor=store.actor
        )
    click.echo(f"checked out {guest_code}: {removed} night(s) from {first_free} on removed")


@cli.command("extend")
@click.option("--guest", "guest_code", required=True, metavar="CODE")
@_nights_option()
@common_options
def extend(guest_code: str, nights: int) -> None:
    """Add nights after a guest's last night, same unit and payer."""
    store = open_from_context()
    with store.write() as session:
        stay = stays.extend(
            session,
            guest_code=guest_code,
            extra_nights=nights,
            actor=store.actor,
            tonight=store.tonight(),
        )
    click.echo(f"extended {guest_code} by {nights} night(s) (stay {stay.id})")


@cli.command("move")
@click.option("--guest", "guest_code", required=True, metavar="CODE")
@click.option("--to", "to_unit", required=True, metavar="SITE/UNIT")
@click.option("--night", type=NIGHT, help="First night in the new unit. Default: current night.")
@common_options
def move(guest_code: str, to_unit: str, night: dt.date | None) -> None:
    """Move a guest to another unit from a night on."""
    store = open_from_context()
    first = night or store.tonight()
    with store.write() as session:
        stays.move(
            session, guest_code=guest_code, to_unit=to_unit, from_night=first, actor=store.actor
        )
    click.echo(f"moved {guest_code} to {to_unit} from {first} on")


@cli.command("hold")
@click.option("--unit", required=True, metavar="SITE/UNIT")
@click.option("--night", type=NIGHT, help="Default: the current night.")
@click.option("--for", "held_for", default="", metavar="TEXT", help="Who is on their way.")
@click.option(
    "--minutes",
    type=click.IntRange(1, holds.MAX_HOLD_MINUTES),
    default=holds.DEFAULT_HOLD_MINUTES,
    show_default=True,
)
@common_options
def hold(unit: str, night: dt.date | None, held_for: str, minutes: int) -> None:
    """Hold a unit for a person on their way."""
    store = open_from_context()
    with store.write() as session:
        row = holds.hold(
            session,
            unit=unit,
            night=night or store.tonight(),
            held_for=held_for,
            minutes=minutes,
            actor=store.actor,
        )
    local = row.expires_at.replace(tzinfo=dt.UTC).astimezone()
    click.echo(f"hold #{row.id} on {unit} for the night of {row.night}, until {local:%H:%M}")


@cli.command("confirm-hold")
@click.argument("hold_id", type=HOLD_ID)
@click.option("--guest", "guest_code", required=True, metavar="CODE")
@_nights_option()
@click.option("--payer", metavar="NAME")
@click.option("--reference", default="", metavar="TEXT")
@common_options
def confirm_hold(
    hold_id: int, guest_code: str, nights: int, payer: str | None, reference: str
) -> None:
    """Turn a hold into a stay."""
    store = open_from_context()
    with store.write() as session:
        stay = holds.confirm_hold(
            session,
            hold_id=hold_id,
            guest_code=guest_code,
            nights_count=nights,
            payer=payer,
            reference=reference,
            actor=store.actor,
        )
    click.echo(f"hold #{hold_id} confirmed: stay {stay.id} for {guest_code}")


@cli.command("cancel-hold")
@click.argument("hold_id", type=HOLD_ID)
@common_options
def cancel_hold(hold_id: int) -> None:
    """Cancel a hold; the unit is free again."""
    store = open_from_context()
    with store.write() as session:
        holds.cancel_hold(session, hold_id=hold_id, actor=store.actor)
    click.echo(f"hold #{hold_id} cancelled")


@cli.command("out-of-service")
@click.option("--unit", required=True, metavar="SITE/UNIT")
@click.option("--from", "first", type=NIGHT, required=True)
@click.option("--to", "last", type=NIGHT, required=True)
@click.option("--reason", required=True)
@common_options
def out_of_service_command(unit: str, first: dt.date, last: dt.date, reason: str) -> None:
    """Mark a unit out of service for a range of nights."""
    store = open_from_context()
    with store.write() as session:
        count = mark_out_of_service(
            session, unit=unit, first=first, last=last, reason=reason, actor=store.actor
        )
    click.echo(f"{unit} out of service for {count} night(s)")
