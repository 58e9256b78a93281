"""Progress bars on stderr for the commands that take a while (tqdm)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.scenario import Scenario


@contextmanager
def month_bar(plan: Scenario, label: str, *, quiet: bool, passes: int = 1) -> Iterator[Callable[[int], object] | None]:
    """A bar of the months simulated (``passes`` times the scenario's months), as the callback
    :func:`sim.running.run` takes; ``None`` when quiet."""
    if quiet:
        yield None
        return
    from tqdm import tqdm

    months = plan.end - plan.start + 1
    with tqdm(total=passes * months, desc=label, unit="month", file=sys.stderr, dynamic_ncols=True,
              leave=False) as bar:
        yield bar.update
