"""`availability --json` writes its JSON itself (issue 16: json.dumps with indent runs a
pure-Python encoder over every value): the bytes stay those of json.dumps(payload,
ensure_ascii=False, indent=1), for any text a unit, guest code or payer may hold."""

from __future__ import annotations

import json

import pytest

from bedboard.cli.availability import json_text

ODD = [
    '"quoted"',
    "back\\slash",
    "tab\there",
    "line\nbreak",
    "\x00\x1f\x7f",
    "å ä ö 漢字 🛏",
    "",
    "},\n   {",
    "}, {",
]


def record(i: int, text: str) -> dict[str, object]:
    return {
        "night": "2026-11-30",
        "site": text,
        "room": f"{text}{i}",
        "status": "occupied",
        "stay_id": i if i % 2 else None,
        "rate": "1950.00" if i % 3 else None,
        "amount": 12.5 * i,
        "posted": bool(i % 2),
    }


@pytest.mark.parametrize("count", [0, 1, 7, 12])
def test_json_text_is_what_json_dumps_writes(count: int) -> None:
    records = [record(i, ODD[i % len(ODD)]) for i in range(count)]
    payload = {"night": "2026-11-30", "units": records}
    assert json_text("2026-11-30", records) == json.dumps(payload, ensure_ascii=False, indent=1)
