"""The one error every reader of user files raises: a line naming the file, the field and the reason."""

from __future__ import annotations

from pathlib import Path

from sim.errors import UserError


class ScenarioError(UserError, ValueError):
    """A scenario that cannot be used; ``str()`` is one line: file, field, reason."""

    def __init__(self, path: str | Path, field_name: str, reason: str):
        def one_line(text: str | Path) -> str:
            return " ".join(str(text).replace("\n", " ").split()) if "\n" in str(text) else str(text)

        self.path, self.field, self.reason = one_line(path), one_line(field_name), one_line(reason)
        path, field_name, reason = self.path, self.field, self.reason
        where = f"{self.path}: {field_name}: " if field_name else f"{self.path}: "
        super().__init__(f"{where}{reason}")

