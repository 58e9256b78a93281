"""Benchmark: ensembles streamed to disk, ``tajsim run --replicates R`` end to end.

Prints ``name=value`` lines:

* ``run_r{R}_s``, ``run_r{R}_peak_rss_mb``: ``python -m sim run --replicates R`` (the full
  replay, Parquet, batches of ``--batch``) in a fresh process: wall time from start to exit
  (interpreter start and imports included) and its peak resident memory;
* ``model_r{R}_s``: the model alone for the same replicates in the same batches, in a fresh
  process, from after its imports (what no output format can save);
* ``outside_model_share_r{R}``: ``1 - model_r{R}_s / run_r{R}_s``, the share of the end-to-end
  time spent outside the model (start-up, tables, files, comparison, summary);
* the same for the large ensemble (``--large``, default 10,000), and
  ``time_ratio_large_to_r{R}``: how the time grows with R (10.0 is linear);
* ``trajectory_parquet_mb``, ``events_parquet_mb``, ``summary_csv_mb``: file sizes of the R run;
* ``load_before``, ``load_after``: the host's 1-minute load average (2.0 means both cores busy
  with other work: the figures vary with it).

Targets (issue "Ensembles at scale"): R = 1,000 in <= 30 s and <= 2 GB on 2 cores; R = 10,000
in <= 3 GB, time roughly linear; <= 50% of the time outside the model.
Run: ``python benchmarks/ensemble.py [--replicates R] [--large R] [--batch B] [--no-large]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MODEL_ONLY = """
import sys, time
from sim.core.model import TajikistanModel
from sim.paths import default_scenario
from sim.scenario import load_scenario
replicates, batch = int(sys.argv[1]), int(sys.argv[2])
plan = load_scenario(default_scenario())
start = time.perf_counter()
for first in range(0, replicates, batch):
    TajikistanModel(plan, seed=0, replicates=min(batch, replicates - first), first_replicate=first).run()
print(time.perf_counter() - start)
"""


def measured(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB, of exactly that child: os.wait4) and standard output of a
    command run in a fresh process from this checkout."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode:
            raise SystemExit(f"{' '.join(command)} failed:\n{err.read()}")
        return elapsed, usage.ru_maxrss / 1024, out.read()


def ensemble(replicates: int, batch: int, folder: Path, name: str) -> dict[str, float]:
    out = folder / name
    run_s, peak_mb, _ = measured([sys.executable, "-m", "sim", "run", "--replicates", str(replicates), "--batch",
                                 str(batch), "--out", str(out), "--quiet"])
    model_s = float(measured([sys.executable, "-c", MODEL_ONLY, str(replicates), str(batch)])[2].split()[-1])
    return {"run_s": run_s, "peak_rss_mb": peak_mb, "model_s": model_s, "outside_model_share": 1 - model_s / run_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=250)
    parser.add_argument("--no-large", action="store_true", help="skip the large ensemble")
    args = parser.parse_args()
    print(f"load_before={os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        sizes = [(args.replicates, "small")] + ([] if args.no_large else [(args.large, "large")])
        first = None
        for replicates, name in sizes:
            figures = ensemble(replicates, args.batch, folder, name)
            print(f"run_r{replicates}_s={figures['run_s']:.1f}")
            print(f"run_r{replicates}_peak_rss_mb={figures['peak_rss_mb']:.0f}")
            print(f"model_r{replicates}_s={figures['model_s']:.1f}")
            print(f"outside_model_share_r{replicates}={figures['outside_model_share']:.2f}")
            if first is None:
                first = figures["run_s"]
                for file, label in (("trajectory.parquet", "trajectory_parquet"), ("events.parquet", "events_parquet"),
                                    ("trajectory_summary.csv", "summary_csv")):
                    print(f"{label}_mb={(folder / name / file).stat().st_size / 1e6:.1f}")
            else:
                print(f"time_ratio_r{replicates}_to_r{args.replicates}={figures['run_s'] / first:.2f}")
            shutil.rmtree(folder / name)
    print(f"load_after={os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
