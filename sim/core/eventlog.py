"""The event log: every event of every replicate, kept as compact integer columns.

Events are what the comparison with the record scores: the discrete actions that fired, the
onsets of aid and pressure episodes, and the scenario's imposed inputs. Each row names the
rule behind it (``scheduled:E045`` for an imposed input reproducing record event E045).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.vocabulary import EVENT_TYPES

if TYPE_CHECKING:
    from sim.scenario.schema import ScheduledEvent


class EventLog:
    """Every event of every replicate: month, replicate, actor, target, type and text, as int32."""

    SCHEDULED = "scheduled"

    def __init__(self, replicates: int):
        self.replicates = replicates
        self.columns: dict[str, list[np.ndarray]] = {k: [] for k in ("month", "replicate", "actor", "target", "type", "text")}
        self.texts: list[tuple[str, str]] = []
        self._text_ids: dict[tuple[str, str], int] = {}
        self.type_ids = {name: n for n, name in enumerate(EVENT_TYPES)}

    def text(self, summary: str, rule: str) -> int:
        """The number of a (summary, rule) pair, interned."""
        key = (summary, rule)
        if key not in self._text_ids:
            self._text_ids[key] = len(self.texts)
            self.texts.append(key)
        return self._text_ids[key]

    def add(self, month: int, reps, actors, targets, types, texts) -> None:
        n = len(reps)
        if n == 0:
            return
        for key, values in (("month", np.full(n, month)), ("replicate", reps), ("actor", actors),
                            ("target", targets), ("type", types), ("text", texts)):
            self.columns[key].append(np.asarray(values, dtype=np.int32))

    def add_scheduled(self, month: int, event: ScheduledEvent, actor: int, target: int) -> None:
        """An imposed input of the scenario, in every replicate."""
        R = self.replicates
        text = self.text(event.summary, f"{self.SCHEDULED}:{event.record}" if event.record else self.SCHEDULED)
        self.add(month, np.arange(R), np.full(R, actor), np.full(R, target),
                 np.full(R, self.type_ids[event.type]), np.full(R, text))

    def arrays(self) -> dict[str, np.ndarray]:
        """The log as columns, sorted by replicate, then month, then order of logging."""
        cols = {k: (np.concatenate(v) if v else np.zeros(0, dtype=np.int32)) for k, v in self.columns.items()}
        order = np.lexsort((np.arange(len(cols["month"])), cols["month"], cols["replicate"]))
        return {k: v[order] for k, v in cols.items()}
