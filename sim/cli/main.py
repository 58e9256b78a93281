"""The ``tajsim`` command line: the parser, and one place where every user error becomes one line.

Each group of commands registers itself (``add_commands``) from its own module and imports what
it needs only when it runs, so that commands that need no model start at once.
"""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from sim.cli import attribute, calibrate, dashboard, experiment, inspect, present, run
from sim.errors import UserError


class Parser(argparse.ArgumentParser):
    """argparse, with a mistake on the command line told in one line (exit code 2), like every other."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"tajsim: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="tajsim", description="Agent-based simulation of Tajikistan's foreign relations, 1991-2023.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (run, inspect, present, calibrate, experiment, attribute, dashboard):
        module.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one ``tajsim`` command; the exit code: 0 done, 2 a user's mistake (one line on stderr),
    130 interrupted."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help, or a mistake argparse found (told in one line)
        return 0 if done.code is None else done.code if isinstance(done.code, int) else 2
    try:
        return args.func(args)
    except UserError as error:
        return _told(str(error))
    except BrokenPipeError:
        return 0
    except OSError as error:  # a path that cannot be read or written, a full disk
        where = f"{error.filename}: " if getattr(error, "filename", None) else ""
        return _told(f"{where}{error.strerror or error}")
    except KeyboardInterrupt:
        print("tajsim: interrupted", file=sys.stderr)
        return 130


def _told(message: str) -> int:
    """Print a user's mistake as one line on stderr; exit code 2."""
    print(f"tajsim: {' '.join(message.splitlines())}", file=sys.stderr)
    return 2
