"""Inventory import from the CSV format in DESIGN.md: all rows or none, errors name the line, and
importing the same file again changes nothing; on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from bedboard.db.models import Site, Unit
from bedboard.errors import BadInput
from bedboard.services.beds.inventory import ImportResult, import_inventory, parse_inventory
from bedboard.store import Store
from tests.support.rules_world import Recorded, audit_actions, revision, table_contents

DESIGN_EXAMPLE = (
    "site,site_kind,area,room,unit,tags\r\n"
    "Hvilan,shelter,Stockholm,1,1,women_only\r\n"
    "Familjen Berg,host_family,Nacka,,1,children_ok;language_ru\r\n"
)


def write(tmp_path: Path, text: str, name: str = "units.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def do_import(store: Store, path: Path) -> ImportResult:
    rows = parse_inventory(path)
    with store.write() as s:
        return import_inventory(s, rows, actor="coordinator")


def inventory(store: Store) -> list[tuple[str, str, str, str, str, str]]:
    with store.read() as s:
        rows = s.execute(
            select(Site.name, Site.kind, Site.area, Unit.room, Unit.label, Unit.tags)
            .join(Unit, Unit.site_id == Site.id)
            .order_by(Site.name, Unit.label)
        ).all()
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_design_example_imports(store: Store, tmp_path: Path) -> None:
    with Recorded(store, "import_inventory"):
        result = do_import(store, write(tmp_path, DESIGN_EXAMPLE))
    assert (result.sites_added, result.units_added, result.units_updated) == (2, 2, 0)
    assert inventory(store) == [
        ("Familjen Berg", "host_family", "Nacka", "", "1", "children_ok;language_ru"),
        ("Hvilan", "shelter", "Stockholm", "1", "1", "women_only"),
    ]


def test_reimport_changes_nothing(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, DESIGN_EXAMPLE)
    do_import(store, path)
    before = table_contents(store)
    actions = audit_actions(store)
    result = do_import(store, path)
    assert not result.changed
    assert audit_actions(store) == actions  # no new audit entry
    after = table_contents(store)
    for bumped in ("revision", "revision_changes"):  # the write transaction itself notes them
        del before[bumped], after[bumped]
    assert after == before


def test_bad_row_on_line_3_imports_nothing(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "site,site_kind,area,room,unit,tags\n"
        "Hvilan,shelter,Stockholm,1,1,women_only\n"
        "Hvilan,shelter,Stockholm,1,,women_only\n"
        "Hvilan,shelter,Stockholm,1,3,\n",
    )
    before = table_contents(store)
    with pytest.raises(BadInput, match="line 3") as info:
        do_import(store, path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)
    assert table_contents(store) == before


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ("Hvilan,hotel,Stockholm,1,2,", "unknown site kind 'hotel'"),
        ("Hvilan,shelter,Stockholm,1,2/3,", "must not contain '/'"),
        ("Hvilan,shelter,Solna,1,2,", "another kind or area"),
        ("Hvilan,shelter,Stockholm,1,2,Bad Tag!", "tag 'Bad Tag!'"),
        ("Hvilan,shelter,Stockholm,1,1,", "already on line 2"),
        ("Hvilan,shelter,Stockholm,1", "4 cells where the header has 6"),
    ],
)
def test_malformed_rows_name_their_line(tmp_path: Path, row: str, words: str) -> None:
    path = write(
        tmp_path, f"site,site_kind,area,room,unit,tags\nHvilan,shelter,Stockholm,1,1,\n{row}\n"
    )
    with pytest.raises(BadInput, match="line 3") as info:
        parse_inventory(path)
    assert words in str(info.value)


def test_conflict_with_the_database_rolls_back_every_row(store: Store, tmp_path: Path) -> None:
    do_import(store, write(tmp_path, DESIGN_EXAMPLE))
    before = table_contents(store)
    start = revision(store)
    path = write(
        tmp_path,
        "site,site_kind,area,room,unit,tags\n"
        "Nya stället,shelter,Solna,1,1,\n"
        "Hvilan,host_family,Stockholm,,2,\n",
        "conflict.csv",
    )
    with pytest.raises(BadInput, match=r"line 3.*already a shelter"):
        do_import(store, path)
    assert table_contents(store) == before
    assert revision(store) == start


def test_changed_rooms_tags_and_areas_are_updated_and_audited(store: Store, tmp_path: Path) -> None:
    do_import(store, write(tmp_path, DESIGN_EXAMPLE))
    changed = (
        "site,site_kind,area,room,unit,tags\n"
        "Hvilan,shelter,Stockholm,2,1,women_only;accessible\n"
        "Familjen Berg,host_family,Värmdö,,1,children_ok;language_ru\n"
    )
    with Recorded(store, "import_inventory"):
        result = do_import(store, write(tmp_path, changed, "changed.csv"))
    assert (result.units_updated, result.sites_updated) == (1, 1)
    assert inventory(store) == [
        ("Familjen Berg", "host_family", "Värmdö", "", "1", "children_ok;language_ru"),
        ("Hvilan", "shelter", "Stockholm", "2", "1", "accessible;women_only"),
    ]


def test_bom_and_tag_order_do_not_count_as_changes(store: Store, tmp_path: Path) -> None:
    do_import(store, write(tmp_path, DESIGN_EXAMPLE))
    same = "\ufeff" + DESIGN_EXAMPLE.replace("children_ok;language_ru", " language_ru ;children_ok")
    actions = audit_actions(store)
    assert not do_import(store, write(tmp_path, same, "same.csv")).changed
    assert audit_actions(store) == actions


@pytest.mark.parametrize(
    "tags, shown",
    [
        ("Women-Only", "unknown tag 'Women-Only' (did you mean women_only?)"),
        ("womenonly", "unknown tag 'womenonly' (did you mean women_only?)"),
        ("women_only;childrenok", "unknown tag 'childrenok' (did you mean children_ok?)"),
        ("language_", "unknown tag 'language_'"),
    ],
)
def test_unknown_tags_are_refused_with_their_line(
    store: Store, tmp_path: Path, tags: str, shown: str
) -> None:
    """Issue 13 item 8: `Women-Only;womenonly` was stored, so the unit was not women-only."""
    path = write(tmp_path, DESIGN_EXAMPLE + f"Hvilan,shelter,Stockholm,1,2,{tags}\r\n")
    before = table_contents(store)
    with pytest.raises(BadInput) as info:
        do_import(store, path)
    assert f"line 4: {shown}" in str(info.value)
    assert table_contents(store) == before


def test_the_known_tags_come_from_the_settings(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, DESIGN_EXAMPLE + "Hvilan,shelter,Stockholm,1,2,pets_ok;language_sv\r\n")
    with pytest.raises(BadInput, match="unknown tag 'pets_ok'"):
        parse_inventory(path)
    rows = parse_inventory(path, ("women_only", "children_ok", "pets_ok", "language_*"))
    assert rows[-1].tags == "language_sv;pets_ok"


def test_reimporting_the_same_tags_in_another_order_changes_nothing(
    store: Store, tmp_path: Path
) -> None:
    """Issue 13 item 9: the demo stored 'women_only;accessible'; re-importing its own export
    (sorted) said "11 unit(s) updated"."""
    import datetime as dt

    from bedboard.services.demo import load_demo
    from bedboard.services.exports.inventory import inventory_export

    with store.write() as s:
        load_demo(s, tonight=dt.date(2026, 11, 27), actor="t")
        s.execute(
            update(Unit)
            .where(Unit.label == "1")
            .values(tags="women_only;accessible")  # as an older demo stored them
        )
    with store.read() as s:
        export = inventory_export(s)
        lines = [",".join(map(str, export.header))] + [",".join(map(str, r)) for r in export.rows]
    path = write(tmp_path, "\r\n".join(lines) + "\r\n")
    result = do_import(store, path)
    assert not result.changed, result
