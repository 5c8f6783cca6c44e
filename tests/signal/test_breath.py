"""Breath cycles from a capnogram: counts, rate, end-tidal CO2, validity rules, batch shape."""

from __future__ import annotations

import numpy as np
import pytest

from enose.signal import ShapeError, breath_cycles, count_breath_cycles
from firmware_protocol.messages import ChannelKind

PERIOD_S = 0.1


def capnogram(rate_per_min: float, seconds: float, etco2: float = 40_000.0, seed: int = 0):
    """``(co2, pressure)`` on a 10 Hz grid: exhalation the first 60 % of each cycle."""
    t = np.arange(0, seconds, PERIOD_S)
    phi = t * rate_per_min / 60 % 1
    exh = (phi > 0.02) & (phi < 0.6)
    rng = np.random.default_rng(seed)
    co2 = np.where(exh, etco2, 400.0) + 30 * rng.standard_normal(t.size)
    pressure = np.where(exh, 20.0, -10.0) + 0.3 * rng.standard_normal(t.size)
    return co2, pressure


@pytest.mark.parametrize("rate", [6.0, 12.0, 15.0, 20.0])
def test_rate_count_and_etco2(rate):
    co2, pressure = capnogram(rate, 120.0)
    c = breath_cycles(co2, PERIOD_S, pressure)
    expected = int(120 * rate / 60) - 1  # complete cycles between the first and last onset
    assert abs(int(c.n_valid) - expected) <= 1
    assert c.rate_per_min == pytest.approx(rate, rel=0.03)
    assert c.etco2_median_ppm == pytest.approx(40_000, rel=0.01)
    assert c.end_tidal.sum() > 0 and not (c.end_tidal & ~np.roll(c.exhaling, 4)).any()


def test_leaky_mask_cycles_are_not_valid():
    co2, _ = capnogram(14.0, 60.0, etco2=3_000.0)  # breathing seen, but no alveolar gas
    c = breath_cycles(co2, PERIOD_S)
    assert c.valid.size >= 10 and int(c.n_valid) == 0 and np.isnan(c.rate_per_min)


def test_inverted_pressure_invalidates_cycles():
    co2, pressure = capnogram(14.0, 60.0)
    assert int(breath_cycles(co2, PERIOD_S, pressure).n_valid) >= 10
    assert int(breath_cycles(co2, PERIOD_S, -pressure).n_valid) == 0
    assert int(breath_cycles(co2, PERIOD_S, np.full_like(pressure, np.nan)).n_valid) >= 10  # dead: not used


def test_a_gap_spoils_only_the_cycles_it_covers():
    co2, _ = capnogram(15.0, 120.0)
    full = int(breath_cycles(co2, PERIOD_S).n_valid)
    co2[300:400] = np.nan  # 10 s hole
    holed = int(breath_cycles(co2, PERIOD_S).n_valid)
    assert full - 4 <= holed <= full - 1


def test_batch_rows_equal_single_sessions_and_dead_rows_are_empty():
    rows = [capnogram(r, 90.0, seed=i)[0] for i, r in enumerate((10.0, 14.0, 18.0))]
    rows.append(np.full(900, np.nan))
    stacked = np.stack(rows)
    batch = breath_cycles(stacked, PERIOD_S)
    assert batch.n_valid.shape == (4,) and batch.end_tidal.shape == stacked.shape
    for i, row in enumerate(rows[:3]):
        single = breath_cycles(row, PERIOD_S)
        assert int(single.n_valid) == batch.n_valid[i]
        assert single.rate_per_min == batch.rate_per_min[i]
        np.testing.assert_array_equal(single.end_tidal, batch.end_tidal[i])
    assert batch.n_valid[3] == 0 and np.isnan(batch.etco2_median_ppm[3])


def test_noise_at_threshold_does_not_split_breaths():
    co2, _ = capnogram(12.0, 60.0)
    noisy = co2 + 3000 * np.random.default_rng(1).standard_normal(co2.size) * (co2 > 1000)
    assert abs(int(breath_cycles(noisy, PERIOD_S).n_valid) - int(breath_cycles(co2, PERIOD_S).n_valid)) <= 1


def test_count_breath_cycles_on_a_raw_recording(clean_recording):
    rec = clean_recording
    co2 = rec.values[:, rec.layout.index(ChannelKind.CO2)]
    breath = rec.phase("breath").mask(rec.t_s)
    n = count_breath_cycles(co2[breath], rec.t_s[breath])
    assert 65 <= n <= 70  # 300 s at 14 /min
    assert count_breath_cycles(co2[:1], rec.t_s[:1]) == 0
    with pytest.raises(ShapeError):
        count_breath_cycles(co2[:10], rec.t_s[:9])
    with pytest.raises(ShapeError):
        breath_cycles(np.zeros(10), 0.1, np.zeros(9))
