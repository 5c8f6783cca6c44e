"""The benchmark's loop reference computes the same features as the batch path; the benchmark runs."""

from __future__ import annotations

import numpy as np

from enose.signal import compute_features, feature_names
from enose.signal.bench import bench_config, loop_features, run_benchmark, synthetic_grids


def test_loop_reference_equals_the_batch_features():
    config = bench_config(1200)
    baseline, breath, purge, kinds = synthetic_grids(4, 9, 1200, seed=3, config=config)
    for a in (baseline, breath, purge):
        a[1, 2] = np.nan  # dead MOX channel
    breath[2, 4, 100:160] = np.nan  # a hole
    batch = compute_features(baseline, breath, purge, kinds, config)
    loop = loop_features(baseline, breath, purge, kinds, config)
    assert batch.shape == loop.shape == (4, 5 * 16 + 5)
    np.testing.assert_allclose(batch, loop, rtol=1e-9, atol=1e-12, equal_nan=True)
    assert np.isnan(batch[1, 2 * 16 : 3 * 16]).all() and np.isfinite(batch[0]).all()


def test_benchmark_reports_its_figures():
    result = run_benchmark(6, 8, 600, chunk_sessions=4, loop_sessions=2).as_dict()
    assert result["n_sessions"] == 6 and result["loop_sessions"] == 2
    for key in ("batch_sessions_per_s", "loop_sessions_per_s", "speedup_vs_loop", "batch_over_copy"):
        assert np.isfinite(result[key]) and result[key] > 0
    assert 0 < result["filters_share"] < 2


def test_bench_layout_matches_feature_names():
    from enose.recording import ChannelLayout
    from firmware_protocol.messages import ChannelInfo

    _, _, _, kinds = synthetic_grids(1, 7, 300)
    layout = ChannelLayout(tuple(ChannelInfo(int(k), f"c{i}", "") for i, k in enumerate(kinds)))
    config = bench_config(300)
    b, t, p, _ = synthetic_grids(1, 7, 300, config=config)
    assert compute_features(b, t, p, kinds, config).shape[1] == len(feature_names(layout, config))
