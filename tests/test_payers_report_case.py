"""The report's case with payers' decisions, end to end through the command line on each
backend, checked to the öre from the files read back: the police commit from night 1 (for two
nights), the court of appeal from night 4 with its reference; nights 1-6 are closed, night 3
unbilled on purpose (beyond the police's cap); then the police extend their decision and
night 3 is corrected to them. Both payers' invoice basis PDFs, their CSV and xlsx, and the
billing summary agree."""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.pdf_text import pdf_text
from tests.support.cli import in_process, run_cli

ORGANISATION = {
    "BEDBOARD_ORGANISATION_NAME": "Stiftelsen Hvilan",
    "BEDBOARD_ORGANISATION_NUMBER": "802400-1234",
    "BEDBOARD_ORGANISATION_ADDRESS": "Hvilans väg 3\n112 33 Stockholm",
}


_capsys: list[pytest.CaptureFixture[str]] = []


@pytest.fixture(autouse=True)
def _in_process(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands run in this process (a subprocess each costs seconds on a busy machine); one
    of them, the first PDF, runs as a separate process like a user's."""
    for key, value in ORGANISATION.items():
        monkeypatch.setenv(key, value)
    _capsys[:] = [capsys]


def bedboard(db: str, *args: str, code: int = 0) -> str:
    exit_code, out, err = in_process(_capsys[0])(*args, db=db, user="tester")
    assert exit_code == code, (args, out, err)
    if code:
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return out + err


def swedish_amount(text: str) -> int:
    """`1 350,00 kr` to öre."""
    return int(Decimal(text.replace(" ", "").replace("kr", "").replace(",", ".")) * 100)


def pdf_total(text: str) -> int:
    (match,) = re.findall(r"Total\s+(-?[\d ]+,\d\d) kr", text)
    return swedish_amount(match)


@pytest.fixture
def case(db_url: str, tmp_path: Path) -> str:
    inventory = tmp_path / "inventory.csv"
    inventory.write_text(
        "site,site_kind,area,room,unit,tags\nFamiljen Berg,host_family,Nacka,,1,\n",
        encoding="utf-8",
    )
    payer_file = tmp_path / "payers.csv"
    payer_file.write_text(
        "name,kind,org_number,address\n"
        'Polisen,police,202100-0076,"Box 12256, 102 26 Stockholm"\n'
        'Svea hovrätt,court,202100-2627,"Box 2290, 103 17 Stockholm"\n'
        "Åklagarmyndigheten,prosecutor,,\n",
        encoding="utf-8",
    )
    db = db_url
    bedboard(db, "import", "inventory", str(inventory))
    bedboard(db, "import", "payers", str(payer_file))
    bedboard(db, "rates", "set", "--amount", "450,00", "--from", "2025-01-01",
             "--site-kind", "host_family")  # fmt: skip
    # the court pays more from the 5th on
    bedboard(db, "rates", "set", "--amount", "500.00", "--from", "2025-03-05",
             "--site-kind", "host_family", "--payer", "Svea hovrätt")  # fmt: skip
    bedboard(db, "checkin", "--unit", "Familjen Berg/1", "--guest", "G-7", "--night",
             "2025-03-01", "--nights", "6")  # fmt: skip
    bedboard(db, "commitments", "add", "--payer", "Polisen", "--guest", "G-7", "--from",
             "2025-03-01", "--max-nights", "2", "--reference", "K-2025-4411",
             "--signed-by", "Insp. Åsa Öberg")  # fmt: skip
    bedboard(db, "commitments", "add", "--payer", "Svea hovrätt", "--guest", "G-7", "--from",
             "2025-03-04", "--reference", "B 1234-25")  # fmt: skip
    chase = bedboard(db, "who-pays")
    assert "2025-03-03..2025-03-03  1 night(s)  G-7" in chase
    assert "beyond the cap of commitment #1" in chase
    refused = bedboard(db, "close-night", "--night", "2025-03-02", code=1)
    assert "2025-03-01 is still open" in refused
    for day in range(1, 7):
        bedboard(db, "close-night", "--night", f"2025-03-0{day}", "--unbilled-ok")
    chase = bedboard(db, "who-pays")
    assert "CLOSED UNBILLED" in chase and "2025-03-03..2025-03-03" in chase
    bedboard(db, "pay", "--guest", "G-7", "--payer", "Polisen", "--from", "2025-03-03",
             "--to", "2025-03-03", code=1)  # fmt: skip
    done = bedboard(db, "correct", "--guest", "G-7", "--night", "2025-03-03", "--payer",
                    "Polisen", "--reference", "K-2025-4411", "--reason",
                    "Polisen förlängde beslutet")  # fmt: skip
    assert "credit -450.00 SEK to nobody (unbilled), rebill 450.00 SEK to Polisen" in done
    assert "CLOSED UNBILLED" not in bedboard(db, "who-pays")
    return db


def test_report_case_to_the_ore(case: str, tmp_path: Path) -> None:
    db = case
    police_pdf, court_pdf = tmp_path / "polisen.pdf", tmp_path / "svea.pdf"
    done = run_cli("invoice-basis", "--payer", "Polisen", "--from", "2025-03-01", "--to",
                   "2025-03-31", "--out", str(police_pdf), db=db, env=ORGANISATION)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Polisen: 3 night(s), 1350.00 SEK" in done.stdout
    bedboard(db, "invoice-basis", "--payer", "Svea hovrätt", "--from", "2025-03-01", "--to",
             "2025-03-31", "--reference", "B 1234-25", "--out", str(court_pdf))  # fmt: skip
    police, court = pdf_text(police_pdf), pdf_text(court_pdf)
    for text in (police, court):
        assert "Stiftelsen Hvilan" in text and "802400-1234" in text
        assert "Hvilans väg 3" in text and "112 33 Stockholm" in text
        assert "1 mars 2025 – 31 mars 2025" in text
    assert "202100-0076" in police and "Box 12256, 102 26 Stockholm" in police
    assert re.search(r"G-7\s+K-2025-4411\s+1 mars 2025 – 2 mars 2025\s+2\s+450,00 kr\s+900,00 kr",
                     police)  # fmt: skip
    assert re.search(r"3 mars 2025\s+G-7\s+rebill\s+K-2025-4411\s+Polisen förlängde beslutet"
                     r"\s+450,00 kr", police)  # fmt: skip
    assert "Svea hovrätt" in court and "202100-2627" in court and "B 1234-25" in court
    assert re.search(r"G-7\s+B 1234-25\s+4 mars 2025\s+1\s+450,00 kr\s+450,00 kr", court)
    assert re.search(r"G-7\s+B 1234-25\s+5 mars 2025 – 6 mars 2025\s+2\s+500,00 kr\s+1 000,00 kr",
                     court)  # fmt: skip
    assert pdf_total(police) == 3 * 45000
    assert pdf_total(court) == 45000 + 2 * 50000

    summary_file = tmp_path / "summary.csv"
    bedboard(db, "export", "billing", "--from", "2025-03-01", "--to", "2025-03-31",
             "--summary", "--out", str(summary_file))  # fmt: skip
    with summary_file.open(encoding="utf-8", newline="") as f:
        summary = {r["payer"]: r for r in csv.DictReader(f)}
    assert set(summary) == {"Polisen", "Svea hovrätt"}  # nothing left unbilled
    assert (summary["Polisen"]["nights"], summary["Polisen"]["amount"]) == ("3", "1350.00")
    assert (summary["Svea hovrätt"]["nights"], summary["Svea hovrätt"]["amount"]) == (
        "3", "1450.00",
    )  # fmt: skip
    for payer, text in (("Polisen", police), ("Svea hovrätt", court)):
        assert int(Decimal(summary[payer]["amount"]) * 100) == pdf_total(text)

    basis_csv, basis_xlsx = tmp_path / "polisen.csv", tmp_path / "polisen.xlsx"
    for out in (basis_csv, basis_xlsx):
        bedboard(db, "invoice-basis", "--payer", "Polisen", "--from", "2025-03-01", "--to",
                 "2025-03-31", "--out", str(out))  # fmt: skip
    with basis_csv.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["kind"], r["first_night"], r["nights"], r["amount"], r["reason"]) for r in rows] == [
        ("night", "2025-03-01", "2", "900.00", ""),
        ("rebill", "2025-03-03", "1", "450.00", "Polisen förlängde beslutet"),
    ]
    sheet = openpyxl.load_workbook(basis_xlsx).active
    assert sheet is not None
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0][:3] == ("kind", "guest_code", "payer_reference")
    assert sum(Decimal(str(r[7])) for r in cells[1:]) * 100 == 3 * 45000
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref is not None


def test_pdf_refused_without_org_number(case: str, tmp_path: Path) -> None:
    target = tmp_path / "aklagare.pdf"
    bedboard(case, "correct", "--guest", "G-7", "--night", "2025-03-06", "--payer",
             "Åklagarmyndigheten", "--reason", "åklagaren tog över")  # fmt: skip
    out = bedboard(case, "invoice-basis", "--payer", "Åklagarmyndigheten", "--from",
                   "2025-03-01", "--to", "2025-03-31", "--out", str(target), code=1)  # fmt: skip
    assert "the payer's org number (Åklagarmyndigheten)" in out
    assert not target.exists() and not list(tmp_path.glob(".aklagare*"))
    bedboard(case, "invoice-basis", "--payer", "Svea hovrätt", "--from", "2025-03-01", "--to",
             "2025-03-31", "--out", str(tmp_path / "x.docx"), code=2)  # fmt: skip
