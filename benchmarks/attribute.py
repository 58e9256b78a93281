"""Benchmark: ``tajsim attribute`` over every registered lever (six) and 100 replicates, on 1 and 2 workers.

Runs the command end to end (``sim.cli.main``, as ``tajsim attribute`` does, files written) on the
full 1991-2023 replay, Tajikistan's dependence on Russia over 2010-01..2023-12 by default, and
prints ``name=value`` lines:

* ``levers``, ``subsets`` (2**levers), ``replicates``, ``runs`` (subsets x replicates), ``window``;
* ``seconds_2_workers``: two local worker processes, each subset branched from the history the
  subsets share up to the window (the default); ``within_limit``: whether it took <= 120 s (the
  target of the issue on leverage and hedging);
* ``seconds_1_worker``: the same in this process;
* ``seconds_2_workers_full_runs``: two workers, every subset replayed from 1991 (``shared=False``);
* ``identical_results``: whether all of them wrote the same attribution.csv bytes;
* ``cpu_parallelism``: how many CPUs the machine gave two busy pure-Python processes just before
  (2.0 on an idle two-core machine; less where other work shares it), and ``load_average`` (1 min)
  before and after, since the machine is shared.

Run: ``python benchmarks/attribute.py [--replicates N] [--from YYYY-MM] [--skip-serial] [--skip-full]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 120.0


def cpu_parallelism() -> float:
    """The experiments benchmark's measure of the CPUs two processes get (benchmarks/experiments.py)."""
    spec = importlib.util.spec_from_file_location("bench_experiments", Path(__file__).with_name("experiments.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its worker processes find the function they run by module name
    spec.loader.exec_module(module)
    return module.cpu_parallelism()


def timed(argv: list[str], folder: Path) -> tuple[float, bytes]:
    from sim.cli import main

    start = time.perf_counter()
    code = main(argv + ["--out", str(folder), "--quiet"])
    elapsed = time.perf_counter() - start
    assert code == 0, f"tajsim {' '.join(argv)} failed"
    return elapsed, (folder / "attribution.csv").read_bytes()


def timed_full_runs(argv: list[str], folder: Path) -> tuple[float, bytes]:
    """The same attribution with every subset replayed from the start (through the Python API)."""
    from sim.experiments.attribution import build_attribution, parse_outcome, run_attribution, write_attribution
    from sim.experiments.levers import choose
    from sim.scenario import load_scenario

    flags = dict(zip(argv[2::2], argv[3::2]))
    start = time.perf_counter()
    plan = load_scenario(argv[1])
    outcome = parse_outcome(flags["--outcome"], flags["--from"], flags["--to"], plan)
    attribution = build_attribution(plan, choose(flags["--levers"]), outcome, seed=int(flags["--seed"]),
                                    replicates=int(flags["--replicates"]))
    write_attribution(run_attribution(attribution, workers=2, shared=False), folder)
    return time.perf_counter() - start, (folder / "attribution.csv").read_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=100)
    parser.add_argument("--outcome", default="dependence:TJK:RUS")
    parser.add_argument("--from", dest="start", default="2010-01")
    parser.add_argument("--to", dest="end", default="2023-12")
    parser.add_argument("--skip-serial", action="store_true", help="leave out the run on one worker")
    parser.add_argument("--skip-full", action="store_true", help="leave out the run without shared histories")
    args = parser.parse_args()
    from sim.experiments.levers import LEVERS

    argv = ["attribute", str(ROOT / "scenarios" / "full_replay.yaml"), "--outcome", args.outcome, "--from", args.start,
            "--to", args.end, "--levers", "all", "--replicates", str(args.replicates), "--seed", "0"]
    results = set()
    load_before = os.getloadavg()[0]
    parallelism = cpu_parallelism()
    with tempfile.TemporaryDirectory(prefix="tajsim-bench-") as tmp:
        folder = Path(tmp)
        timed(["attribute", str(ROOT / "scenarios" / "2022-2023_navigating.yaml"), "--outcome", "security", "--from",
               "2022-03", "--to", "2022-06", "--levers", "migration", "--replicates", "2", "--workers", "1"],
              folder / "warm")  # imports and caches
        two, data = timed(argv + ["--workers", "2"], folder / "two")
        results.add(data)
        one = full = None
        if not args.skip_serial:
            one, data = timed(argv + ["--workers", "1"], folder / "one")
            results.add(data)
        if not args.skip_full:
            full, data = timed_full_runs(argv, folder / "full")
            results.add(data)
    subsets = 2 ** len(LEVERS)
    print(f"levers={len(LEVERS)}")
    print(f"subsets={subsets}")
    print(f"replicates={args.replicates}")
    print(f"runs={subsets * args.replicates}")
    print(f"window={args.start}..{args.end}")
    print(f"seconds_2_workers={two:.1f}")
    print(f"within_limit={two <= LIMIT}")
    if one is not None:
        print(f"seconds_1_worker={one:.1f}")
    if full is not None:
        print(f"seconds_2_workers_full_runs={full:.1f}")
    print(f"identical_results={len(results) == 1}")
    print(f"cpu_parallelism={parallelism:.2f}")
    print(f"load_average_before={load_before:.2f}")
    print(f"load_average_after={os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
