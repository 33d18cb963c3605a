"""The invoice basis as a PDF the coordinator can send as it is (fpdf2, DejaVu Sans shipped in
bedboard/fonts so å, ä, ö and any name print on every machine). Amounts and dates in Swedish
formats (exports.swedish); the words in the reader's language through `_()`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

from fpdf import FPDF
from fpdf.enums import TableCellFillMode

from bedboard.i18n import N_, _
from bedboard.services.billing.invoice import InvoiceBasis, Party
from bedboard.services.exports.swedish import amount_text, date_text, span_text
from bedboard.states import AdjustmentKind

FONTS = Path(__file__).resolve().parent.parent.parent / "fonts"
FAMILY = "DejaVu"


class _Pdf(FPDF):
    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FAMILY, size=8)
        self.cell(
            0,
            6,
            _("Page {page} of {pages}").format(page=self.page_no(), pages="{nb}"),
            align="C",
        )


def _party(pdf: FPDF, heading: str, party: Party, x: float, y: float, width: float) -> float:
    pdf.set_xy(x, y)
    pdf.set_font(FAMILY, size=8)
    pdf.cell(width, 4.5, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(x)
    pdf.set_font(FAMILY, "B", 11)
    pdf.multi_cell(width, 5.5, party.name, align="L", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FAMILY, size=10)
    if party.number:
        pdf.set_x(x)
        pdf.multi_cell(
            width, 5, _("Org. no. {number}").format(number=party.number), align="L",
            new_x="LEFT", new_y="NEXT",
        )  # fmt: skip
    for line in party.address.splitlines():
        if line.strip():
            pdf.set_x(x)
            pdf.multi_cell(width, 5, line.strip(), align="L", new_x="LEFT", new_y="NEXT")
    return pdf.get_y()


def _kind(kind: str) -> str:
    words: dict[str, str] = {
        AdjustmentKind.ADJUSTMENT: _("adjustment"),
        AdjustmentKind.CREDIT: _("credit"),
        AdjustmentKind.REBILL: _("rebill"),
    }
    return words.get(kind, kind)


class Columns(NamedTuple):
    """A table's headings (translated when drawn), widths in mm and alignments."""

    headings: tuple[str, ...]
    widths: tuple[int, ...]
    align: tuple[str, ...]


NIGHT_COLUMNS = Columns(
    (N_("Guest"), N_("Reference"), N_("Nights"), N_("Count"), N_("Rate"), N_("Amount")),
    widths=(24, 38, 48, 14, 25, 25),
    align=("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
)
CORRECTION_COLUMNS = Columns(
    (N_("Night"), N_("Guest"), N_("Kind"), N_("Reference"), N_("Reason"), N_("Amount")),
    widths=(24, 22, 20, 30, 53, 25),
    align=("LEFT", "LEFT", "LEFT", "LEFT", "LEFT", "RIGHT"),
)


def _table(pdf: FPDF, title: str, columns: Columns, rows: list[list[str]]) -> None:
    """A heading and a striped table under it: the nights and the corrections look alike."""
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(pdf.epw, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=9)
    header = [_(heading) for heading in columns.headings]
    with pdf.table(
        col_widths=columns.widths,
        text_align=columns.align,
        cell_fill_color=(240, 240, 240),
        cell_fill_mode=TableCellFillMode.ROWS,
        line_height=5.5,
        padding=1,
    ) as table:
        for cells in [header, *rows]:
            table.row(cells)


def render_pdf(basis: InvoiceBasis, *, created: dt.date) -> bytes:
    pdf = _Pdf(format="A4")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(_("Invoice basis") + f" {basis.payer.name} {basis.first}..{basis.last}")
    pdf.set_creator("bedboard")
    pdf.add_page()
    width = pdf.epw

    pdf.set_font(FAMILY, "B", 16)
    pdf.cell(width, 9, _("Invoice basis"), new_x="LMARGIN", new_y="NEXT")
    top = pdf.get_y() + 2
    half = width / 2 - 4
    bottom_us = _party(pdf, _("From"), basis.us, pdf.l_margin, top, half)
    bottom_payer = _party(pdf, _("To"), basis.payer, pdf.l_margin + width / 2 + 4, top, half)
    pdf.set_xy(pdf.l_margin, max(bottom_us, bottom_payer) + 5)

    pdf.set_font(FAMILY, size=10)
    facts = [
        (_("Period"), span_text(basis.first, basis.last)),
        (_("Reference"), basis.reference if basis.reference is not None else _("all")),
        (_("Created"), date_text(created)),
    ]
    for label, value in facts:
        pdf.set_font(FAMILY, "B", 10)
        pdf.cell(30, 5.5, label)
        pdf.set_font(FAMILY, size=10)
        pdf.multi_cell(width - 30, 5.5, value, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    _table(
        pdf,
        _("Nights"),
        NIGHT_COLUMNS,
        [
            [
                line.guest_code,
                line.reference or "–",
                span_text(line.first_night, line.last_night),
                str(line.nights),
                amount_text(line.rate, line.currency),
                amount_text(line.amount, line.currency),
            ]
            for line in basis.lines
        ],
    )
    if not basis.lines:
        pdf.cell(width, 6, _("No closed nights in the period."), new_x="LMARGIN", new_y="NEXT")

    if basis.corrections:
        pdf.ln(4)
        _table(
            pdf,
            _("Corrections and adjustments"),
            CORRECTION_COLUMNS,
            [
                [
                    date_text(c.night),
                    c.guest_code,
                    _kind(c.kind),
                    c.reference or "–",
                    c.reason,
                    amount_text(c.amount, c.currency),
                ]
                for c in basis.corrections
            ],
        )

    pdf.ln(5)
    for currency, total in sorted(basis.totals.items()):
        pdf.set_font(FAMILY, size=10)
        pdf.cell(width - 50, 6, _("Nights billed"), align="R")
        pdf.cell(50, 6, str(total.nights), align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, "B", 11)
        pdf.cell(width - 50, 7, _("Total"), align="R")
        pdf.cell(
            50, 7, amount_text(total.amount, currency), align="R", new_x="LMARGIN", new_y="NEXT"
        )
    if basis.open_nights:
        pdf.ln(3)
        pdf.set_font(FAMILY, size=9)
        pdf.multi_cell(
            width,
            5,
            _(
                "{n} night(s) of this payer in the period are not closed yet and are not on "
                "this basis."
            ).format(n=basis.open_nights),
            align="L",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    return bytes(pdf.output())
