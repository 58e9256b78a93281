"""Benchmark: experiment throughput on 1 and 2 local workers, a loopback Dask cluster, and mesa.batch_run.

Runs ``experiments/smoke.yaml`` scaled up (``--replicates`` per arm, three arms) and prints
``name=value`` lines:

* ``runs``: runs per measurement (arms x replicates), ``tasks`` and ``batch``;
* ``runs_per_s_1``: one worker (in this process), end to end (results.parquet and summary
  included), the median of ``--repeats`` measurements;
* ``runs_per_s_2``: two local worker processes, measured alternately with the serial runs;
* ``efficiency_2_workers``: ``runs_per_s_2 / (2 x runs_per_s_1)``, the median over the
  alternating pairs (``efficiency_2_workers_each``, ``efficiency_2_workers_best``);
* ``runs_per_s_dask``: a Dask ``LocalCluster`` of two worker processes on 127.0.0.1 (started
  before the clock starts);
* ``runs_per_s_batch_run``: ``mesa.batch_run(TajikistanModel, ..., number_processes=2)`` on
  the same model and the same runs (every arm's scenario x replicate numbers, one replicate
  per model, as batch_run does);
* ``speedup_vs_batch_run``: ``runs_per_s_2 / runs_per_s_batch_run``;
* ``identical_results``: whether every way gave the same results.parquet bytes;
* ``cpu_parallelism``: how many CPUs the machine gave two busy pure-Python processes, measured
  before each pair (2.0 on an idle two-core machine; less where other work or the host shares
  the CPUs, which caps the efficiency any program can reach); the median and each.

Targets (issue "Counterfactual experiments at scale"): efficiency >= 0.9 on >= 1,000 runs,
speedup >= 3. Run: ``python benchmarks/experiments.py [--replicates N] [--repeats K]``.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SMOKE = ROOT / "experiments" / "smoke.yaml"


def scaled(replicates: int, batch: int):
    """The smoke experiment with more replicates per arm (same arms, seed and outcomes)."""
    from sim.experiments.plan import build_experiment
    from sim.experiments.schema import read_experiment_file

    spec = read_experiment_file(SMOKE)
    return build_experiment(spec.model_copy(update={"replicates": replicates, "batch": batch}), SMOKE)


def timed_run(experiment, folder: Path, **how) -> tuple[float, str]:
    from sim.experiments import run_experiment

    start = time.perf_counter()
    run_experiment(experiment, folder, overwrite=True, progress=False, **how)
    elapsed = time.perf_counter() - start
    return elapsed, hashlib.sha256((folder / "results.parquet").read_bytes()).hexdigest()


def batch_run_rate(experiment) -> float:
    """Runs per second of mesa.batch_run on two processes, one replicate per model."""
    import mesa

    from sim.core.model import TajikistanModel

    months = experiment.base.end - experiment.base.start + 1
    start = time.perf_counter()
    results = mesa.batch_run(
        TajikistanModel,
        parameters={"plan": [arm.scenario for arm in experiment.arms],
                    "first_replicate": range(experiment.replicates)},
        rng=[experiment.seed], number_processes=2, max_steps=months, data_collection_period=-1,
        display_progress=False,
    )
    elapsed = time.perf_counter() - start
    assert len(results) == experiment.runs, (len(results), experiment.runs)
    return experiment.runs / elapsed


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def cpu_parallelism(n: int = 4_000_000) -> float:
    """2 x (time of one CPU-bound loop) / (time of two at once, in two processes)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    start = time.perf_counter()
    _burn(n)
    single = time.perf_counter() - start
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        list(pool.map(_burn, [10, 10]))
        start = time.perf_counter()
        list(pool.map(_burn, [n, n]))
        pair = time.perf_counter() - start
    return 2 * single / pair


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=800, help="replicates per arm (3 arms)")
    parser.add_argument("--batch", type=int, default=50, help="replicates per task")
    parser.add_argument("--repeats", type=int, default=5, help="alternating serial / 2-worker measurements")
    parser.add_argument("--skip-batch-run", action="store_true", help="leave out the (slow) mesa.batch_run baseline")
    args = parser.parse_args()
    experiment = scaled(args.replicates, args.batch)
    runs = experiment.runs
    digests = set()
    with tempfile.TemporaryDirectory(prefix="tajsim-bench-") as tmp:
        folder = Path(tmp)
        timed_run(scaled(16, 8), folder / "warm", workers=1)  # imports and caches
        serial, parallel, efficiency, parallelism = [], [], [], []
        for _ in range(args.repeats):  # alternate, so that each pair shares the machine's mood
            parallelism.append(cpu_parallelism())
            elapsed, digest = timed_run(experiment, folder / "one", workers=1)
            serial.append(runs / elapsed)
            digests.add(digest)
            elapsed, digest = timed_run(experiment, folder / "two", workers=2)
            parallel.append(runs / elapsed)
            digests.add(digest)
            efficiency.append(parallel[-1] / (2 * serial[-1]))
        rate_1, rate_2 = statistics.median(serial), statistics.median(parallel)

        from distributed import LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None) as cluster:
            timed_run(scaled(16, 8), folder / "dask-warm", scheduler=cluster.scheduler_address)
            elapsed, digest = timed_run(experiment, folder / "dask", scheduler=cluster.scheduler_address)
            rate_dask = runs / elapsed
            digests.add(digest)
    print(f"runs={runs}")
    print(f"tasks={len(experiment.tasks)}")
    print(f"batch={experiment.batch}")
    print(f"runs_per_s_1={rate_1:.1f}")
    print(f"runs_per_s_2={rate_2:.1f}")
    print(f"efficiency_2_workers={statistics.median(efficiency):.3f}")
    print(f"efficiency_2_workers_each={','.join(f'{e:.3f}' for e in efficiency)}")
    print(f"efficiency_2_workers_best={max(efficiency):.3f}")
    print(f"runs_per_s_dask={rate_dask:.1f}")
    print(f"identical_results={len(digests) == 1}")
    print(f"cpu_parallelism={statistics.median(parallelism):.2f}")
    print(f"cpu_parallelism_each={','.join(f'{p:.2f}' for p in parallelism)}")
    if not args.skip_batch_run:
        rate_batch_run = batch_run_rate(experiment)
        print(f"runs_per_s_batch_run={rate_batch_run:.1f}")
        print(f"speedup_vs_batch_run={rate_2 / rate_batch_run:.1f}")


if __name__ == "__main__":
    main()
