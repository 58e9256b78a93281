"""Rewrite the rulebook section of docs/ODD.md from the code (``python docs/update_odd.py``)."""

from __future__ import annotations

import re
from pathlib import Path

from sim.cli.inspect import rulebook_markdown

ODD = Path(__file__).with_name("ODD.md")
BLOCK = re.compile(r"(<!-- rulebook:start -->\n).*?(<!-- rulebook:end -->)", re.S)


def render(text: str) -> str:
    return BLOCK.sub(lambda m: m.group(1) + rulebook_markdown() + m.group(2), text)


if __name__ == "__main__":
    ODD.write_text(render(ODD.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated {ODD}")
