"""The ``tajsim`` command line: the parser, and one place where every user error becomes one line.

Each group of commands registers itself (``add_commands``) from its own module and imports what
it needs only when it runs, so that commands that need no model start at once.
"""

from __future__ import annotations

import argparse
import sys

from sim.cli import calibrate, dashboard, experiment, inspect, present, run
from sim.errors import UserError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tajsim", description="Agent-based simulation of Tajikistan's foreign relations, 1991-2023.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (run, inspect, present, calibrate, experiment, dashboard):
        module.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UserError as error:
        print(f"tajsim: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except OSError as error:  # a path that cannot be read or written, a full disk
        where = f"{error.filename}: " if getattr(error, "filename", None) else ""
        print(f"tajsim: {where}{error.strerror or error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("tajsim: interrupted", file=sys.stderr)
        return 130
