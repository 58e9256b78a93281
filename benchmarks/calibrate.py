"""Benchmark: the committed calibration's own command (``calibration/report.json``'s ``command``), timed.

The committed calibration may hold stages (now every one, ``--hold war,output,levers,alignment
--held-from calibration/params.yaml``: F's values re-scored under the current model, which holding
them from the committed file reproduces); ``--full`` runs every stage instead.

The calibration runs as its own process (as a user would run it), writing into a temporary
directory, so the committed ``calibration/`` files are never touched. Prints ``name=value`` lines:

* ``wall_s``: wall-clock time of the whole command (search, scoring, rolling origins, files);
* ``target_s`` and ``within_target``: the issue's limit, 10 minutes on 2 cores;
* ``cores``, ``workers``, ``evaluations``, ``evaluations_per_s``: what the time bought;
* ``test_mae``, ``test_skill_vs_persistence``, ``test_skill_vs_climatology``: the result;
* ``params_match_committed``: whether the run reproduced ``calibration/params.yaml`` byte for byte;
* ``peak_rss_mb``: the largest resident memory of the command's processes.

Run: ``python benchmarks/calibrate.py [--seed N] [--budget N] [--workers N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 600.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--budget", type=int, help="evaluations (default: the command's default)")
    parser.add_argument("--workers", type=int, help="processes (default: one per core)")
    parser.add_argument("--full", action="store_true", help="search every stage, holding none")
    args = parser.parse_args()
    committed_command = json.loads((ROOT / "calibration" / "report.json").read_text())["command"].split()
    held = [] if args.full or "--hold" not in committed_command else \
        committed_command[committed_command.index("--hold"):committed_command.index("--held-from") + 2]
    with tempfile.TemporaryDirectory() as scratch:
        command = [sys.executable, "-m", "sim", "calibrate", "--train", "1992-2009", "--test", "2010-2019",
                   "--seed", str(args.seed), "--out", scratch, "--quiet", *held]
        if args.budget:
            command += ["--budget", str(args.budget)]
        if args.workers:
            command += ["--workers", str(args.workers)]
        start = time.perf_counter()
        subprocess.run(command, check=True, cwd=ROOT)
        wall = time.perf_counter() - start
        report = json.loads((Path(scratch) / "report.json").read_text())
        produced = (Path(scratch) / "params.yaml").read_bytes()
    committed = ROOT / "calibration" / "params.yaml"
    fit, test = report["fit"], report["test"]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"held={','.join(held[1:2]) or 'none'}")
    print(f"wall_s={wall:.1f}")
    print(f"target_s={TARGET_S:.0f}")
    print(f"within_target={str(wall <= TARGET_S).lower()}")
    print(f"cores={cores}")
    print(f"workers={args.workers or cores}")
    print(f"evaluations={fit['evaluations']}")
    print(f"evaluations_per_s={fit['evaluations'] / wall:.2f}")
    print(f"test_mae={test['mae']:.4f}")
    print(f"test_skill_vs_persistence={test['skill_vs_persistence']:.3f}")
    print(f"test_skill_vs_climatology={test['skill_vs_climatology']:.3f}")
    print(f"params_match_committed={str(committed.exists() and committed.read_bytes() == produced).lower()}")
    print(f"peak_rss_mb={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f}")


if __name__ == "__main__":
    main()
