"""The paragraph table in calibration/record/README.md covers both seed texts, paragraph by paragraph.

A paragraph is a run of non-blank lines of the seed file (blank lines hold only whitespace),
its whitespace collapsed; paragraphs are numbered from 01 in file order (README, "Every
paragraph of the texts"). The table must list every paragraph once, in order, with its first
words; name only record items that exist; and name every record item quoted from a seed text in
the row of the paragraph its quote comes from, and nowhere else.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SEEDS, normalise

from sim.record import load_events, load_facts

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "calibration" / "record"
SEED_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"  # the workplace's shared/, beside the checkout
SECTION = "## Every paragraph of the texts"
ROW_ID = re.compile(r"^(\d{3})-P(\d{2})$")
ELLIPSIS = "…"


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs: runs of non-blank lines, whitespace collapsed."""
    out: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip():
            current.append(line)
        elif current:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return [normalise(" ".join(lines)) for lines in out]


@pytest.fixture(scope="module")
def texts() -> dict[str, list[str]]:
    """Paragraphs of each seed text, keyed by its number ("000", "002"); skips without ../shared."""
    if not SEED_DIR.is_dir():
        pytest.skip(f"seed texts not found at {SEED_DIR} (../shared is not beside this checkout)")
    out = {}
    for source, prefix in SEEDS.items():
        files = sorted(SEED_DIR.glob(f"{prefix}*.txt"))
        if not files:
            pytest.skip(f"seed text {prefix}*.txt not found in {SEED_DIR}")
        out[source.removeprefix("seed:")] = paragraphs(files[0].read_text(encoding="utf-8"))
    return out


class Row:
    def __init__(self, line: str):
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        assert len(cells) == 5, f"a table row has 5 cells: {line}"
        self.id, opening, events, facts, self.note = cells
        match = ROW_ID.match(self.id)
        assert match, f"row id {self.id!r} is not NNN-PNN"
        self.text, self.number = match[1], int(match[2])
        assert len(opening) >= 2 and opening[0] == opening[-1] == '"', f"{self.id}: opening not in double quotes"
        self.opening = opening[1:-1]
        self.events = self._ids(events, r"E\d{3}")
        self.facts = self._ids(facts, r"SF\d{2}")

    def _ids(self, cell: str, pattern: str) -> list[str]:
        ids = [part.strip() for part in cell.split(",")] if cell else []
        bad = [i for i in ids if not re.fullmatch(pattern, i)]
        assert not bad, f"{self.id}: not ids: {bad}"
        assert len(set(ids)) == len(ids), f"{self.id}: an id named twice"
        return ids


@pytest.fixture(scope="module")
def table() -> tuple[str, list[Row]]:
    readme = (RECORD / "README.md").read_text(encoding="utf-8")
    assert readme.count(SECTION) == 1, f"README lacks the section {SECTION!r}"
    section = readme.split(SECTION, 1)[1]
    section = re.split(r"^## ", section, maxsplit=1, flags=re.M)[0]
    rows = [Row(line) for line in section.splitlines() if re.match(r"^\|\s*\d{3}-P", line)]
    return section, rows


def test_every_paragraph_is_in_the_table_once_in_order(texts, table):
    section, rows = table
    for number, paras in texts.items():
        listed = [row.id for row in rows if row.text == number]
        assert listed == [f"{number}-P{i:02d}" for i in range(1, len(paras) + 1)], f"seed:{number}: rows out of step"
        assert re.search(rf"^### seed:{number}\b.*\({len(paras)} paragraphs\)$", section, re.M), \
            f"seed:{number}: heading does not state {len(paras)} paragraphs"
    assert {row.text for row in rows} == set(texts), "rows for an unknown text"


def test_each_row_opens_with_its_paragraphs_first_words(texts, table):
    for row in table[1]:
        paragraph = texts[row.text][row.number - 1]
        if row.opening.endswith(ELLIPSIS):
            start = row.opening.removesuffix(ELLIPSIS).rstrip()
            assert len(start.split()) >= 3, f"{row.id}: give at least three words"
            assert paragraph.startswith(start) and len(paragraph) > len(start), f"{row.id}: opening is not the paragraph's start"
            assert not paragraph[len(start)].isalnum(), f"{row.id}: opening cut inside a word"
        else:
            assert row.opening == paragraph, f"{row.id}: opening without '…' must be the whole paragraph"


def test_a_row_without_items_says_why(table):
    for row in table[1]:
        if not row.events and not row.facts:
            assert row.note, f"{row.id}: yields nothing and gives no reason"


def test_every_named_item_exists(table):
    events = {e.id for e in load_events()}
    facts = {f.id for f in load_facts()}
    for row in table[1]:
        assert set(row.events) <= events, f"{row.id}: no such event {set(row.events) - events}"
        assert set(row.facts) <= facts, f"{row.id}: no such fact {set(row.facts) - facts}"


def _home(item_id: str, source: str, quote: str, texts) -> str:
    """The one paragraph (row id) whose text holds the quote."""
    number = source.removeprefix("seed:")
    quote = normalise(quote)
    homes = [f"{number}-P{i:02d}" for i, p in enumerate(texts[number], start=1) if quote in p]
    assert len(homes) == 1, f"{item_id}: quote found in {len(homes)} paragraphs of {source} ({homes})"
    return homes[0]


def test_every_seed_item_is_named_in_its_paragraphs_row_only(texts, table):
    rows = table[1]
    for item in list(load_events()) + list(load_facts()):
        if not item.source.startswith("seed:"):
            continue
        home = _home(item.id, item.source, item.quote, texts)
        named_in = [row.id for row in rows if item.id in row.events or item.id in row.facts]
        assert named_in == [home], f"{item.id}: quoted from {home}, named in {named_in}"
