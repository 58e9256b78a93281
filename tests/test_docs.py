"""The documentation says what the code does: generated pages are current."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs"))


def test_the_driver_page_is_generated_from_the_code():
    from update_drivers import DOC, FIGURE, render

    assert DOC.read_text(encoding="utf-8") == render(), "docs/drivers.md is out of date: run python docs/update_drivers.py"
    assert FIGURE.read_bytes().startswith(b"\x89PNG"), "docs/drivers.png is missing: run python docs/update_drivers.py"


def test_every_driver_has_a_meaning_a_unit_and_a_range():
    from sim.vocabulary import DRIVERS

    for name, driver in DRIVERS.items():
        assert driver.meaning and driver.unit and driver.low < driver.high, name
