"""Cutting text for a narrow column keeps the end that tells rows apart."""

from __future__ import annotations

from rich.cells import cell_len

from bedboard.ui.shorten import content_width, cut_middle, keep_end, unit_ref, widest
from bedboard.ui.widgets.fitted_table import fitted_widths


def test_keep_end_keeps_the_distinguishing_end() -> None:
    assert keep_end("KV-2026-1011", 8) == "…26-1011"
    assert keep_end("KV-2026-1011", 8) != keep_end("KV-2026-1012", 8)
    assert keep_end("KV-2026-1011", 12) == "KV-2026-1011"
    assert keep_end("G-101", 6) == "G-101"
    assert keep_end("abc", 1) == "…"
    assert keep_end("abc", 0) == ""


def test_unit_ref_cuts_the_site_name_and_keeps_the_unit() -> None:
    assert unit_ref("Jourboendet Huddinge/3", 16) == "Jourboendet H…/3"
    assert unit_ref("Jourboendet Huddinge/3", 22) == "Jourboendet Huddinge/3"
    refs = [unit_ref(f"Jourboendet Huddinge Norra/{n}", 20) for n in range(1, 7)]
    assert len(set(refs)) == 6 and all(len(r) == 20 for r in refs)
    assert unit_ref("Jourboendet Huddinge Norra/12", 20) == "Jourboendet Hudd…/12"
    # a unit label too long to keep whole: keep its end
    assert unit_ref("Hvilan/room 12 bed 101", 10) == "…2 bed 101"
    assert unit_ref("no slash in this long name", 10) == "…long name"


def test_content_width_is_between_the_header_and_the_cap() -> None:
    assert content_width(["11 of 15", "3 of 5"], 5, 12) == 8
    assert content_width([], 5, 12) == 5
    assert content_width(["x" * 40], 5, 16) == 16


def test_cut_middle_keeps_the_last_word_that_tells_sites_apart() -> None:
    assert cut_middle("Jourboendet Huddinge", 13) == "Jour…Huddinge"
    assert cut_middle("Jourboendet Huddinge", 20) == "Jourboendet Huddinge"
    names = ["Jourboendet Huddinge Norra", "Jourboendet Huddinge Södra", "Familjen Berg"]
    assert len({cut_middle(n, 10) for n in names}) == 3
    assert all(len(cut_middle(n, w)) <= w for n in names for w in range(0, 30))
    # a last word too long to keep whole: as much of the end as of the start
    assert cut_middle("Södermalm", 6) == "Söd…lm" != cut_middle("Södertälje", 6)


def test_wide_characters_are_measured_in_cells() -> None:
    """Two cells a character: cut by characters, `患者-一二三四五六七八` overflowed an 8-cell
    column and the table cropped its end, so it read like `...九` did."""
    codes = ["患者-一二三四五六七八", "患者-一二三四五六七九"]
    cut = [keep_end(c, 8) for c in codes]
    assert cut == ["…六七八", "…六七九"]
    assert all(cell_len(c) <= 8 for c in cut)
    assert content_width(codes, 5, 40) == 21
    ref = unit_ref("避难所 北/3", 8)
    assert ref.endswith("…/3") and cell_len(ref) <= 8
    for name in ("Café 😀 Nattjour", "避难所 北区 南", "Jourboendet Huddinge"):
        for width in range(0, 22):
            assert cell_len(cut_middle(name, width)) <= width
            assert cell_len(keep_end(name, width)) <= width
            assert cell_len(unit_ref(name + "/1", width)) <= width


def test_fitted_widths_count_cells_and_the_flexible_column_gives_way() -> None:
    labels = ["Payer", "Nights"]
    rows = [["警察局北京分局", "7"], ["Polisen", "12"]]
    assert fitted_widths(labels, rows, 200, 0) == [14, 6]  # 7 characters, 14 cells
    # 60 - (2 columns x 2 padding) - 2 scrollbar leaves 14 + 6; at 16 the payer gives up 4
    assert fitted_widths(labels, rows, 16 + 4 + 2, 0) == [10, 6]
    assert fitted_widths(labels, rows, 5, 0) == [5, 6]  # never narrower than its label


def test_widest_measures_in_cells_whatever_the_mix() -> None:
    """ASCII by its length, the rest by rich's cells: wide characters count twice, a control
    character not at all, and a mix of both kinds is measured right."""
    assert widest([]) == 0
    assert widest(["Hvilan/1", "Hvilan/12"]) == 9
    assert widest(["Hvilan/12", "Södertälje/1"]) == 12
    assert widest(["Hvilan/123456", "北京/1"]) == 13
    assert widest(["Hvilan/1", "北京之家/1"]) == 10
    assert widest(["a\x07b"]) == cell_len("a\x07b")
