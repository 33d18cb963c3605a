"""Payers, rates and imports through the services, on both backends."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bedboard.db.models import Payer, Rate
from bedboard.errors import BadInput, NotFound, RuleViolation
from bedboard.services.beds import stays
from bedboard.services.billing import close, payers, rates
from bedboard.services.billing.imports import import_payers, import_rates, parse_payers, parse_rates
from bedboard.services.billing.rates import RateBook, RateRule
from bedboard.services.exports.occupancy import occupancy_export
from bedboard.services.money import parse_amount
from bedboard.store import Store
from tests.support.billing_world import add_site

D = dt.date(2025, 6, 1)


def rule(i: int, amount: int, **kw: object) -> RateRule:
    fields: dict[str, object] = {
        "valid_from": D,
        "valid_to": None,
        "site_kind": None,
        "site_id": None,
        "payer_id": None,
    }
    fields.update(kw)
    return RateRule(id=i, amount=amount, currency="SEK", **fields)  # type: ignore[arg-type]


def test_most_specific_rate_wins() -> None:
    book = RateBook(
        [
            rule(1, 100, site_kind="shelter"),
            rule(2, 200, site_kind="shelter", payer_id=7),
            rule(3, 300, site_id=5),
            rule(4, 400, site_id=5, payer_id=7),
            rule(5, 150, site_kind="shelter", valid_from=D + dt.timedelta(days=10)),
            rule(
                6,
                999,
                site_kind="shelter",
                valid_from=D - dt.timedelta(days=5),
                valid_to=D - dt.timedelta(days=1),
            ),
        ]
    )

    def pick(site: int, payer: int | None, day: int = 0) -> int | None:
        rule = book.find(D + dt.timedelta(days=day), site, "shelter", payer)
        return rule.amount if rule else None

    assert pick(5, 7) == 400
    assert pick(5, 8) == 300
    assert pick(6, 7) == 200
    assert pick(6, None) == 100
    assert pick(6, None, 10) == 150  # the later valid_from wins
    assert pick(6, None, -1) == 999
    assert book.find(D, 6, "host_family", None) is None


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("450.00", 45000),
        ("450,00", 45000),
        ("450", 45000),
        ("0.5", 50),
        ("0,5", 50),
        ("+1.05", 105),
        (" 12.34 ", 1234),
        ("1,50", 150),
        ("1 000", 100000),
        ("1 950,00", 195000),
        ("1\u00a0950,00", 195000),
        ("12\u202f345,60", 1234560),
    ],
)
def test_amounts_parse_exactly(text: str, minor: int) -> None:
    assert parse_amount(text) == minor
    assert parse_amount("-" + text.strip().lstrip("+"), allow_negative=True) == -minor


def test_the_minus_sign_of_swedish_formats_is_a_minus() -> None:
    assert parse_amount("\u2212450,00", allow_negative=True) == -45000


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1.234",
        "1,234",
        "1e3",
        "nan",
        "inf",
        "0x10",
        "-1",
        "1 00",
        "1  000",
        "1,950.00",
        "1.950,00",
        "450,",
        ",5",
        "450 kr",
        "1,5.0",
    ],
)
def test_bad_amounts_refused(text: str) -> None:
    with pytest.raises(BadInput):
        parse_amount(text)


def test_payer_edit_and_deactivate(store: Store) -> None:
    with store.write() as s:
        payers.add_payer(s, name="Polisen", kind="police", actor="t")
        payers.edit_payer(s, name="Polisen", org_number="202100-0076", contact="Anna", actor="t")
        payers.set_active(s, name="Polisen", active=False, actor="t")
    with store.read() as s:
        p = s.scalars(select(Payer)).one()
        assert (p.org_number, p.contact, p.active) == ("202100-0076", "Anna", False)
    with pytest.raises(RuleViolation), store.write() as s:
        payers.set_active(s, name="Polisen", active=False, actor="t")
    with pytest.raises(NotFound, match="deactivated"), store.write() as s:
        rates.set_rate(
            s,
            amount=1,
            currency="SEK",
            valid_from=D,
            site_kind="shelter",
            payer="Polisen",
            actor="t",
        )


def test_imports_all_or_none_and_idempotent(store: Store, tmp_path: Path) -> None:
    with store.write() as s:
        add_site(s, "Hvilan", "shelter")
    payer_file = tmp_path / "payers.csv"
    payer_file.write_text(
        "name,kind,org_number\nPolisen,police,202100-0076\nSvea hovrätt,court,\n", "utf-8"
    )
    rate_file = tmp_path / "rates.csv"
    rate_file.write_text(
        "amount,valid_from,valid_to,site_kind,site,payer\n"
        "650.00,2025-01-01,,shelter,,\n700.00,2025-01-01,2025-12-31,,Hvilan,Svea hovrätt\n",
        "utf-8",
    )
    broken = tmp_path / "broken.csv"
    broken.write_text(
        "amount,valid_from,site_kind,site,payer\n100,2025-01-01,shelter,,\n"
        "100,2025-01-01,,Hvilan,Nobody\n",
        "utf-8",
    )
    with store.write() as s:
        assert import_payers(s, parse_payers(payer_file), actor="t") == (2, 0)
        assert import_rates(s, parse_rates(rate_file), currency="SEK", actor="t") == 2
    with pytest.raises(BadInput, match="line 3: no payer named 'Nobody'"), store.write() as s:
        import_rates(s, parse_rates(broken), currency="SEK", actor="t", path=str(broken))
    with store.write() as s:
        assert import_payers(s, parse_payers(payer_file), actor="t") == (0, 0)
        assert import_rates(s, parse_rates(rate_file), currency="SEK", actor="t") == 0
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Rate)) == 2


def test_occupancy_export_shows_the_rate_of_an_open_night(store: Store) -> None:
    with store.write() as s:
        add_site(s, "Hvilan", "shelter", units=2)
        rates.set_rate(
            s, amount=65000, currency="SEK", valid_from=D, site_kind="shelter", actor="t"
        )
        stays.check_in(s, unit="Hvilan/1", guest_code="G-1", night=D, actor="t")
    with store.read() as s:
        rows = list(occupancy_export(s, D).rows)
    assert [(r[5], r[6], r[11], r[12]) for r in rows] == [
        ("1", "occupied", "650.00", "SEK"),
        ("2", "free", "", ""),
    ]


def test_close_night_totals_each_currency_on_its_own(store: Store) -> None:
    with store.write() as s:
        add_site(s, "Hem", "shelter")
        add_site(s, "Familjen Ek", "host_family")
        rates.set_rate(s, amount=65000, currency="SEK", valid_from=D, site_kind="shelter",
                       actor="t")  # fmt: skip
        rates.set_rate(s, amount=4000, currency="EUR", valid_from=D, site_kind="host_family",
                       actor="t")  # fmt: skip
        for unit, code in (("Hem/1", "G-1"), ("Familjen Ek/1", "G-2")):
            stays.check_in(s, unit=unit, guest_code=code, night=D, actor="t")
    with store.write() as s:
        result = close.close_night(s, night=D, currency="SEK", actor="t", allow_unbilled=True)
    assert result.amounts == {"SEK": 65000, "EUR": 4000}
    assert result.total_text == "40.00 EUR + 650.00 SEK"
