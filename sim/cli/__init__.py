"""The ``tajsim`` command line (:func:`main`)."""

from sim.cli.main import main

__all__ = ["main"]
