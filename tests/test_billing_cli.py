"""The billing commands doing their work, through the CLI's own entry point (in this process,
to stay fast; test_billing_locks and test_billing_inputs run real processes too)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from bedboard.config import Settings
from bedboard.db.models import Adjustment, BedNight, ClosedNight, Payer, Rate
from bedboard.store import open_store
from tests.support.billing_world import add_site
from tests.support.cli import CliRunner

D = dt.date(2025, 9, 1)


def test_billing_commands(db_url: str, tmp_path: Path, cli_here: CliRunner) -> None:
    store = open_store(Settings(db=db_url, user="t"))
    with store.write() as s:
        add_site(s, "Familjen Lind", "host_family")
    store.close()

    def run(*args: str) -> str:
        done = cli_here(*args, db=db_url, user="coordinator")
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "payer Polisen (police) added" in run("payers", "add", "Polisen", "--kind", "police")
    run("payers", "edit", "Polisen", "--org-number", "202100-0076", "--contact", "Anna")
    payers_file = tmp_path / "payers.csv"
    payers_file.write_text("name,kind\nSvea hovrätt,court\nGamla NGO,ngo\n", "utf-8")
    assert "2 payer(s) added" in run("import", "payers", str(payers_file))
    run("payers", "deactivate", "Gamla NGO")
    listed = run("payers", "list")
    assert "Polisen  (police)  202100-0076  Anna" in listed
    assert "Gamla NGO  (voluntary organisation)  [deactivated]" in listed

    assert "450.00 SEK per night" in run(
        "rates", "set", "--amount", "450", "--from", str(D), "--site-kind", "host_family"
    )
    rates_file = tmp_path / "rates.csv"
    rates_file.write_text(
        f'amount,valid_from,site_kind,site,payer\n"520,50",{D},,Familjen Lind,Svea hovrätt\n',
        "utf-8",
    )
    assert "1 rate(s) added" in run("import", "rates", str(rates_file))
    assert "520.50 SEK  site Familjen Lind for Svea hovrätt" in run("rates", "list")

    run(
        "checkin", "--unit", "Familjen Lind/1", "--guest", "G-1", "--night", str(D), "--nights", "3"
    )
    assert "2025-09-01..2025-09-03  3 night(s)  G-1  Familjen Lind/1" in run("who-pays")
    run("pay", "--guest", "G-1", "--payer", "Polisen", "--from", str(D), "--reference", "K-1")
    assert "Svea hovrätt pays 2 night(s) of G-1" in run(
        "pay", "--guest", "G-1", "--payer", "Svea hovrätt", "--from", "2025-09-02"
    )
    assert "every open night has a payer" in run("who-pays")
    for night in ("2025-09-01", "2025-09-02"):
        run("close-night", "--night", night)
    # A Swedish decimal comma is an amount like a point (the rate file above has one too).
    assert "adjustment #1: -450.00 SEK" in run(
        "adjust", "--guest", "G-1", "--night", str(D), "--amount", "-450,00", "--reason", "gone"
    )
    summary = run("export", "billing", "--from", str(D), "--to", "2025-09-03", "--summary")
    assert summary.splitlines() == [
        "payer,nights,amount,currency,unbilled_nights",
        "Polisen,1,0.00,SEK,0",
        "Svea hovrätt,2,1041.00,SEK,0",
    ]

    store = open_store(Settings(db=db_url, user="t"))
    with store.read() as s:
        assert s.scalars(select(ClosedNight.night).order_by(ClosedNight.night)).all() == [
            D,
            D + dt.timedelta(days=1),
        ]
        posted = s.execute(
            select(BedNight.night, BedNight.rate).where(BedNight.posted_at.is_not(None))
        ).all()
        assert sorted(posted) == [(D, 45000), (D + dt.timedelta(days=1), 52050)]
        assert s.scalar(select(Adjustment.actor)) == "coordinator"
        assert len(s.scalars(select(Rate)).all()) == 2
        assert s.scalar(select(Payer.active).where(Payer.name == "Gamla NGO")) is False
    store.close()
