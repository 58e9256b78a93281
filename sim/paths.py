"""Where the project's files are: scenarios, the record, calibrated parameters.

The package runs from its checkout (``pip install -e .``), so these are found beside it;
``TAJSIM_HOME`` points elsewhere (a copy of the repository) when needed.
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The repository that holds ``scenarios/`` and ``calibration/``.

    ``TAJSIM_HOME`` if set; else the checkout the package runs from (an editable install);
    else the current directory, where it is a checkout (a plain ``pip install .`` run from it).
    """
    home = os.environ.get("TAJSIM_HOME")
    if home:
        return Path(home)
    beside = Path(__file__).resolve().parents[1]
    for candidate in (beside, Path.cwd()):
        if (candidate / "scenarios").is_dir() and (candidate / "calibration").is_dir():
            return candidate
    return beside


def scenarios_dir() -> Path:
    return project_root() / "scenarios"


def record_dir() -> Path:
    return project_root() / "calibration" / "record"


def default_scenario() -> Path:
    """The full 1991-2023 replay, run when no scenario is named."""
    return scenarios_dir() / "full_replay.yaml"


def calibrated_params() -> Path:
    """The parameter file calibration writes; scenarios use it by default where it exists."""
    return project_root() / "calibration" / "params.yaml"
