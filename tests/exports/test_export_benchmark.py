"""The export benchmark (``scripts/bench.py export``) runs without PostgreSQL and reports its figures."""

from __future__ import annotations

import math

from enose.sync.bench import run_export_benchmark


def test_export_benchmark_reports_rates_for_both_formats():
    result = run_export_benchmark(3, seconds=2.0, n_channels=5, repeat=1)
    assert result["n_sessions"] == 3 and result["channels"] == 5 and result["repeat"] == 1
    for fmt in ("csv", "parquet"):
        assert result[f"export_{fmt}_s"] > 0 and result[f"export_{fmt}_cpu_s"] >= 0
        assert math.isfinite(result[f"export_{fmt}_sessions_per_s"]) and result[f"export_{fmt}_sessions_per_s"] > 0
