"""Host-family compensation: its own rates, apart from what payers are billed; what each
family is owed per month and per year, with nights that have no rate counted apart."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from bedboard.errors import BadInput, NotFound
from bedboard.services.beds import stays
from bedboard.services.billing import compensation, payers, rates
from bedboard.store import Store
from tests.support.billing_world import add_site
from tests.support.cli import CliRunner


@pytest.fixture
def families(store: Store) -> Store:
    with store.write() as s:
        add_site(s, "Familjen Berg", "host_family")
        add_site(s, "Familjen Åberg", "host_family")
        add_site(s, "Hvilan", "shelter")
        payers.add_payer(s, name="Polisen", kind="police", actor="t")
        rates.set_rate(s, amount=90000, currency="SEK", valid_from=dt.date(2026, 1, 1),
                       site_kind="host_family", actor="t")  # fmt: skip
        stays.check_in(s, unit="Familjen Berg/1", guest_code="G-1", night=dt.date(2026, 11, 28),
                       nights_count=5, payer="Polisen", actor="t")  # fmt: skip
        stays.check_in(s, unit="Familjen Åberg/1", guest_code="G-2",
                       night=dt.date(2026, 12, 30), nights_count=3, actor="t")  # fmt: skip
        stays.check_in(s, unit="Hvilan/1", guest_code="G-3", night=dt.date(2026, 11, 28),
                       nights_count=2, actor="t")  # fmt: skip
        compensation.set_compensation_rate(s, amount=30000, currency="SEK",
                                           valid_from=dt.date(2026, 1, 1),
                                           site_kind="host_family", actor="t")  # fmt: skip
        compensation.set_compensation_rate(s, amount=35000, currency="SEK",
                                           valid_from=dt.date(2026, 12, 1),
                                           valid_to=dt.date(2026, 12, 31),
                                           site="Familjen Berg", actor="t")  # fmt: skip
    return store


def test_owed_per_family_month_and_year(families: Store) -> None:
    with families.read() as s:
        owed = compensation.compensation(
            s, dt.date(2026, 11, 1), dt.date(2027, 1, 31), currency="SEK"
        )
    got = [(o.site, o.period, o.nights, o.amount, o.nights_without_rate) for o in owed]
    assert got == [
        ("Familjen Berg", "2026-11", 3, 3 * 30000, 0),  # 28th-30th at the common rate
        ("Familjen Berg", "2026-12", 2, 2 * 35000, 0),  # its own rate in December
        ("Familjen Berg", "2026", 5, 3 * 30000 + 2 * 35000, 0),
        ("Familjen Åberg", "2026-12", 2, 2 * 30000, 0),
        ("Familjen Åberg", "2026", 2, 2 * 30000, 0),
        ("Familjen Åberg", "2027-01", 1, 30000, 0),
        ("Familjen Åberg", "2027", 1, 30000, 0),
    ]  # the shelter owes nobody; the billing rate (900.00) never enters


def test_night_without_a_rate_is_counted_apart(store: Store) -> None:
    with store.write() as s:
        add_site(s, "Familjen Berg", "host_family")
        stays.check_in(s, unit="Familjen Berg/1", guest_code="G-1", night=dt.date(2026, 3, 1),
                       actor="t")  # fmt: skip
    with store.read() as s:
        (month, _year) = compensation.compensation(
            s, dt.date(2026, 3, 1), dt.date(2026, 3, 31), currency="SEK"
        )
    assert (month.nights, month.amount, month.nights_without_rate) == (1, 0, 1)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"site": "Hvilan"}, BadInput),
        ({"site": "Nowhere"}, NotFound),
        ({"site_kind": "shelter"}, BadInput),
        ({}, BadInput),
        ({"site_kind": "host_family", "amount": -1}, BadInput),
    ],
)
def test_bad_compensation_rates(families: Store, kwargs: dict[str, object], error: type) -> None:
    with pytest.raises(error), families.write() as s:
        compensation.set_compensation_rate(
            s, **{"amount": 100, "currency": "SEK", "valid_from": dt.date(2026, 1, 1),
                  "actor": "t", **kwargs}  # type: ignore[arg-type]
        )  # fmt: skip


def test_cli(families: Store, db_url: str, cli_here: CliRunner, tmp_path: Path) -> None:
    code, out, err = cli_here("rates", "set", "--compensation", "--amount", "320,00", "--from",
                              "2027-01-01", "--site", "Familjen Åberg", db=db_url,
                              user="tester")  # fmt: skip
    assert code == 0, err
    code, out, err = cli_here("rates", "list", db=db_url, user="tester")
    assert "compensation #3 320.00 SEK  site Familjen Åberg  2027-01-01..open" in out
    code, out, err = cli_here("compensation", "--from", "2026-11-01", "--to", "2027-01-31",
                              "--site", "Familjen Åberg", db=db_url, user="tester")  # fmt: skip
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows == [
        ["site", "area", "period", "nights", "amount", "currency", "nights_without_rate"],
        ["Familjen Åberg", "Nacka", "2026-12", "2", "600.00", "SEK", "0"],
        ["Familjen Åberg", "Nacka", "2026", "2", "600.00", "SEK", "0"],
        ["Familjen Åberg", "Nacka", "2027-01", "1", "320.00", "SEK", "0"],
        ["Familjen Åberg", "Nacka", "2027", "1", "320.00", "SEK", "0"],
    ]
    target = tmp_path / "owed.xlsx"
    code, out, err = cli_here("compensation", "--from", "2026-11-01", "--to", "2026-12-31",
                              "--out", str(target), db=db_url, user="tester")  # fmt: skip
    assert code == 0, err
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[1][:5] == ("Familjen Berg", "Nacka", "2026-11", 3, 900)
    for args, want in [
        (("rates", "set", "--compensation", "--amount", "1", "--from", "2026-01-01",
          "--site", "Hvilan"), 2),
        (("rates", "set", "--compensation", "--amount", "1", "--from", "2026-01-01",
          "--site-kind", "host_family", "--payer", "Polisen"), 2),
        (("compensation", "--from", "2026-01-01", "--to", "2026-02-01", "--site", "Hvilan"), 2),
        (("compensation", "--from", "2026-01-01", "--to", "2026-02-01", "--out", "x.pdf"), 2),
    ]:  # fmt: skip
        code, out, err = cli_here(*args, db=db_url, user="tester")
        assert code == want and len(err.strip().splitlines()) == 1, (args, err)
