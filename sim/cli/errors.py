"""Mistakes in what a user asked for on the command line, and checks of flags and paths.

Each check raises :class:`UsageError` (a :class:`sim.errors.UserError`): one line naming the
flag and the reason, exit code 2. Every command checks its numbers and output paths with these
before it starts work, so that nothing runs for minutes and then fails on a path.
"""

from __future__ import annotations

import os
from pathlib import Path

from sim.errors import UserError

#: The largest master seed a command takes (numpy's and Mesa's generators take any size, but
#: experiment files stop here, and one bound for every command is easier to remember).
SEED_MAX = 2**63 - 1


class UsageError(UserError):
    """A mistake in what the user asked for: reported in one line, exit code 2."""


def at_least(flag: str, value: int, low: int) -> int:
    """``value`` if it is at least ``low``, else a usage error naming the flag."""
    if value < low:
        raise UsageError(f"{flag}: must be at least {low}, got {value}")
    return value


def between(flag: str, value: int, low: int, high: int) -> int:
    """``value`` if ``low <= value <= high``, else a usage error naming the flag."""
    if not low <= value <= high:
        raise UsageError(f"{flag}: must lie in {low}..{high}, got {value}")
    return value


def seed(flag: str, value: int, high: int = SEED_MAX) -> int:
    """A master seed: 0 or more, and no larger than the generators behind the command take."""
    return between(flag, value, 0, high)


def output_dir(flag: str, path: str | Path) -> Path:
    """A directory results can be written into: it exists or can be made, and is writable."""
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: {flag}: exists and is not a directory")
    parent = out if out.exists() else _existing_parent(flag, out)
    if not os.access(parent, os.W_OK):
        raise UsageError(f"{out}: {flag}: {parent} is not writable")
    return out


def output_file(flag: str, path: str | Path, *, make_folder: bool = False) -> Path:
    """A file a result can be written to: not a folder, and its folder exists and is writable
    (or, with ``make_folder``, can be made: figures go to ``fig/x.png`` on a fresh checkout)."""
    out = Path(path)
    if out.is_dir():
        raise UsageError(f"{out}: {flag}: is a directory, not a file")
    folder = out.parent if str(out.parent) else Path(".")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{out}: {flag}: {folder} is a file, not a folder")
    if not folder.is_dir():
        if not make_folder:
            raise UsageError(f"{out}: {flag}: the folder {folder} does not exist")
        folder = _existing_parent(flag, folder)
    if not os.access(folder, os.W_OK):
        raise UsageError(f"{out}: {flag}: the folder {folder} is not writable")
    return out


def input_file(flag: str, path: str | Path) -> Path:
    """A file the command reads: it exists and is a file."""
    given = Path(path)
    if given.is_dir():
        raise UsageError(f"{given}: {flag}: is a directory, not a file")
    if not given.is_file():
        raise UsageError(f"{given}: {flag}: no such file")
    return given


def _existing_parent(flag: str, path: Path) -> Path:
    for parent in path.absolute().parents:
        if parent.exists():
            if not parent.is_dir():
                raise UsageError(f"{path}: {flag}: {parent} is a file, not a folder")
            return parent
    return Path("/")
