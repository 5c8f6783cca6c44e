"""The feature benchmark reports the batch's cost over the recursive filters alone (CPU and wall time)."""

from __future__ import annotations

import numpy as np

from enose.signal.bench import run_benchmark


def test_benchmark_reports_the_ratio_to_the_recursive_filters_alone():
    r = run_benchmark(6, 8, 600, chunk_sessions=4, loop_sessions=2, repeat=2)
    assert r.batch_cpu_s > 0 and r.recursive_cpu_s > 0
    assert np.isclose(r.batch_over_recursive, r.batch_cpu_s / r.recursive_cpu_s)
    assert np.isclose(r.batch_over_recursive_wall, r.batch_s / r.recursive_s)
    assert r.batch_over_recursive > 0.5  # the batch runs the same recursive filters, and more
