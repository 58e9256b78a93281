"""The errors a user can cause, and how they are told.

Every mistake a user can make - a malformed scenario, experiment or saved-results folder, a
flag out of range, a path that cannot be written - raises a :class:`UserError` whose message
is one line naming the file or flag, the field and the reason. The command line prints that
line and exits with code 2, never a traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """A mistake in what the user gave or asked for: one line, exit code 2."""
