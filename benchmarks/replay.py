"""Benchmark: the full 1991-2023 replay, alone and batched.

Prints ``name=value`` lines:

* ``replay_r1_median_s``: one full replay (one replicate), model only, median of several runs;
* ``run_r1_median_s``: the same through ``sim.run`` (tables and comparison included);
* ``batch_r1000_per_replicate_ms``: a batch of 1,000 replicates in one model, per replicate;
* ``peak_rss_mb``: the process's peak resident memory.

Targets (issue "The spine"): <= 0.3 s for one replay, <= 5 ms a replicate batched.
Run: ``python benchmarks/replay.py [--repeats N] [--batch R]``.
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import time

import sim
from sim.core.model import TajikistanModel
from sim.paths import default_scenario


def timed(fn, repeats: int) -> list[float]:
    """Each call's seconds. A finished model is collected before the next starts, outside the timing:
    Mesa's model and its agents refer to each other, so without it two or three batches' arrays wait
    for the cyclic collector together and the peak memory printed depends on when it happened to run
    (1.1 GB against 0.5 GB for the same batches)."""
    times = []
    for number in range(repeats):
        start = time.perf_counter()
        fn(number)
        times.append(time.perf_counter() - start)
        gc.collect()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    plan = sim.load_scenario(default_scenario())
    TajikistanModel(plan, seed=0).run()  # warm up imports and caches

    alone = timed(lambda n: TajikistanModel(plan, seed=n).run(), args.repeats)
    full = timed(lambda n: sim.run(plan, seed=n).comparison, max(3, args.repeats // 2))
    batch = timed(lambda n: TajikistanModel(plan, seed=n, replicates=args.batch).run(), 3)
    print(f"months={plan.end - plan.start + 1}")
    print(f"replay_r1_median_s={statistics.median(alone):.3f}")
    print(f"replay_r1_min_s={min(alone):.3f}")
    print(f"run_r1_median_s={statistics.median(full):.3f}")
    print(f"batch_r{args.batch}_median_s={statistics.median(batch):.3f}")
    print(f"batch_r{args.batch}_per_replicate_ms={statistics.median(batch) / args.batch * 1000:.3f}")
    print(f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")


if __name__ == "__main__":
    main()
