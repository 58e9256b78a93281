"""Shared fixtures: the seed texts (skipped where ../shared is absent) and a quick scenario."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# Deterministic property tests: the same examples on every run and machine, no timing flakes.
settings.register_profile("tajsim", derandomize=True, deadline=None)
settings.load_profile("tajsim")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = {"seed:000": "000_", "seed:002": "002_"}


def normalise(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    """The two seed texts, whitespace-normalised; skips where ../shared/seeds is absent."""
    folder = SHARED / "seeds"
    if not folder.is_dir():
        pytest.skip(f"seed texts not found at {folder} (../shared is not beside this checkout)")
    texts = {}
    for source, prefix in SEEDS.items():
        files = sorted(folder.glob(f"{prefix}*.txt"))
        if not files:
            pytest.skip(f"seed text {prefix}*.txt not found in {folder}")
        texts[source] = normalise(files[0].read_text(encoding="utf-8"))
    return texts


@pytest.fixture(scope="session")
def replay():
    """The full replay, seed 0, one replicate (run once per test session)."""
    import sim

    return sim.run(seed=0)
