"""The report's case end to end: a girl placed with a host family as a witness; the police
pay three nights, the court of appeal two; one night is found unbilled and then assigned;
the nights are closed, one is corrected, and the billing basis is checked to the öre."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from bedboard.errors import RuleViolation
from bedboard.services.billing import close, payers, payments, rates
from bedboard.store import Store
from tests.support.billing_world import add_site, adjust, nights_from
from tests.support.booking import book
from tests.support.cli import run_cli

night = nights_from(dt.date(2025, 3, 1))


def read_back(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_report_case(store: Store, db_url: str, tmp_path: Path) -> None:
    actor = store.actor
    with store.write() as s:
        add_site(s, "Familjen Berg", "host_family", units=2)
        add_site(s, "Hvilan", "shelter", units=2, area="Stockholm")
        payers.add_payer(s, name="Polisen", kind="police", org_number="202100-0076", actor=actor)
        payers.add_payer(s, name="Svea hovrätt", kind="court", actor=actor)
        payers.add_payer(s, name="Socialtjänsten Nacka", kind="social_services", actor=actor)
        # The court pays host families more from the 5th: the court's own rate wins then.
        for amount, valid_from, site_kind, payer in [
            (45000, night(-30), "host_family", None),
            (65000, night(-30), "shelter", None),
            (50000, night(4), "host_family", "Svea hovrätt"),
        ]:
            rates.set_rate(
                s,
                amount=amount,
                currency="SEK",
                valid_from=valid_from,
                site_kind=site_kind,
                payer=payer,
                actor=actor,
            )
        book(s, "Familjen Berg/1", "G-7", night(0), 6, actor=actor)
    with store.write() as s:
        for payer, first, last, reference in [
            ("Polisen", night(0), night(2), "K-2025-4411"),
            ("Svea hovrätt", night(3), night(4), "B 1234-25"),
        ]:
            payments.assign_payer(
                s,
                guest_code="G-7",
                payer=payer,
                first=first,
                last=last,
                reference=reference,
                actor=actor,
            )
    with store.read() as s:
        chase = payments.who_pays(s)
    assert [(u.guest_code, u.first_night, u.last_night, u.nights) for u in chase] == [
        ("G-7", night(5), night(5), 1)
    ]
    with pytest.raises(RuleViolation, match="1 unbilled night"), store.write() as s:
        close.close_night(s, night=night(5), currency="SEK", actor=actor, out_of_order=True)
    with store.read() as s:
        assert not close.is_closed(s, night(5))
    with store.write() as s:
        payments.assign_payer(
            s,
            guest_code="G-7",
            payer="Socialtjänsten Nacka",
            first=night(5),
            reference="SoN 25/17",
            actor=actor,
        )
    with store.read() as s:
        assert payments.who_pays(s) == []
    for i in range(6):
        with store.write() as s:
            close.close_night(s, night=night(i), currency="SEK", actor=actor)
    with store.write() as s:
        adjust(s, "G-7", night(1), -10050, "=absent that night; half rate", actor=actor)

    def export_billing(name: str, *options: str) -> list[dict[str, str]]:
        """`bedboard export billing` for the six nights, as a real process, read back."""
        out = tmp_path / name
        period = ("--from", "2025-03-01", "--to", "2025-03-06")
        done = run_cli("export", "billing", *period, *options, "--out", str(out), db=db_url)
        assert done.returncode == 0, done.stderr
        return read_back(out)

    rows = export_billing("payments.csv")
    got = [(r["night"], r["payer"], r["payer_reference"], r["rate"], r["kind"]) for r in rows]
    assert got == [
        ("2025-03-01", "Polisen", "K-2025-4411", "450.00", "night"),
        ("2025-03-02", "Polisen", "K-2025-4411", "450.00", "night"),
        ("2025-03-02", "Polisen", "K-2025-4411", "-100.50", "adjustment"),
        ("2025-03-03", "Polisen", "K-2025-4411", "450.00", "night"),
        ("2025-03-04", "Svea hovrätt", "B 1234-25", "450.00", "night"),
        ("2025-03-05", "Svea hovrätt", "B 1234-25", "500.00", "night"),
        ("2025-03-06", "Socialtjänsten Nacka", "SoN 25/17", "450.00", "night"),
    ]
    assert {(r["site"], r["unit"], r["guest_code"], r["currency"], r["posted"]) for r in rows} == {
        ("Familjen Berg", "1", "G-7", "SEK", "true")
    }
    assert len({r["stay_id"] for r in rows}) == 1

    summary = export_billing("summary.csv", "--summary")
    assert [tuple(r.values()) for r in summary] == [
        ("Polisen", "3", "1249.50", "SEK", "0"),
        ("Socialtjänsten Nacka", "1", "450.00", "SEK", "0"),
        ("Svea hovrätt", "2", "950.00", "SEK", "0"),
    ]
    total = sum(Decimal(r["amount"]) * 100 for r in summary)
    assert total == 3 * 45000 - 10050 + 45000 + 50000 + 45000
