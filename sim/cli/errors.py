"""Mistakes in what a user asked for on the command line, and checks of flags and paths.

Each check raises :class:`UsageError` (a :class:`sim.errors.UserError`): one line naming the
flag and the reason, exit code 2.
"""

from __future__ import annotations

import os
from pathlib import Path

from sim.errors import UserError


class UsageError(UserError):
    """A mistake in what the user asked for: reported in one line, exit code 2."""


def at_least(flag: str, value: int, low: int) -> int:
    """``value`` if it is at least ``low``, else a usage error naming the flag."""
    if value < low:
        raise UsageError(f"{flag}: must be at least {low}, got {value}")
    return value


def output_dir(flag: str, path: str | Path) -> Path:
    """A directory results can be written into: it exists or can be made, and is writable."""
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: {flag}: exists and is not a directory")
    parent = out if out.exists() else _existing_parent(out)
    if not os.access(parent, os.W_OK):
        raise UsageError(f"{out}: {flag}: {parent} is not writable")
    return out


def output_file(flag: str, path: str | Path) -> Path:
    """A file a result can be written to: its folder exists and is writable, and it is not a folder."""
    out = Path(path)
    if out.is_dir():
        raise UsageError(f"{out}: {flag}: is a directory, not a file")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{out}: {flag}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"{out}: {flag}: the folder {folder} is not writable")
    return out


def _existing_parent(path: Path) -> Path:
    for parent in path.absolute().parents:
        if parent.exists():
            if not parent.is_dir():
                raise UsageError(f"{path}: {parent} is a file, not a folder")
            return parent
    return Path("/")
