"""Calendar months as the model's unit of time.

A month is written ``YYYY-MM`` in every file; inside the model it is an integer count of
months since year 0, so that month arithmetic is plain integer arithmetic.
"""

from __future__ import annotations

import re

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> int:
    """Parse ``YYYY-MM`` into a month number; raise ValueError with the reason otherwise."""
    if not isinstance(text, str):
        raise ValueError(f"expected a month as 'YYYY-MM', got {type(text).__name__} {text!r}")
    match = _MONTH.match(text.strip())
    if not match:
        raise ValueError(f"expected a month as 'YYYY-MM', got {text!r}")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"month {month:02d} of {text!r} is not between 01 and 12")
    if not 1900 <= year <= 2100:
        raise ValueError(f"year {year} of {text!r} is outside 1900-2100")
    return year * 12 + (month - 1)


def format_month(number: int) -> str:
    """Format a month number as ``YYYY-MM``."""
    year, month0 = divmod(int(number), 12)
    return f"{year:04d}-{month0 + 1:02d}"


def year_of(number: int) -> int:
    """The calendar year of a month number."""
    return int(number) // 12
