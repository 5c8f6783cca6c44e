"""The emulator's signal model: physiology, sensor physics, unit variation, block equivalence, speed."""

from __future__ import annotations

import time

import numpy as np
import pytest

from firmware_protocol.emulator.physics import (
    AMBIENT_PPB,
    BREATH_MEDIAN_PPB,
    REFERENCE_GAS_PPB,
    VOC_CLASSES,
    Environment,
    SensorModel,
    SubjectProfile,
    UnitProfile,
    inlet_per_sample,
    simulate,
)
from firmware_protocol.messages import Inlet, SampleFlag

N_MOX = 8
TEMP, RH, PRESSURE, CO2 = range(N_MOX, N_MOX + 4)
DT_S = 0.05
#: power-up, 40 s ambient (after a 30 s warm-up), 120 s mask, 60 s zero air, 60 s reference
SCHEDULE = [(0.0, Inlet.AMBIENT), (40.0, Inlet.MASK), (160.0, Inlet.ZERO_AIR), (220.0, Inlet.REFERENCE)]
T_S = np.arange(1, int(280 / DT_S) + 1) * DT_S


@pytest.fixture(scope="module")
def unit() -> UnitProfile:
    return UnitProfile.from_serial("EMU-PHYS-1", N_MOX)


@pytest.fixture(scope="module")
def session(unit):
    values, flags = simulate(unit, SubjectProfile.preset("control"), T_S, SCHEDULE, seed=1)
    return values.astype(float), flags


def _window(a: float, b: float) -> np.ndarray:
    return (T_S >= a) & (T_S < b)


def _breaths(co2: np.ndarray, t: np.ndarray, threshold: float = 20_000.0) -> list[np.ndarray]:
    """Index ranges of each complete exhalation (CO2 above ``threshold``)."""
    above = co2 > threshold
    rises = np.flatnonzero(~above[:-1] & above[1:]) + 1
    falls = np.flatnonzero(above[:-1] & ~above[1:]) + 1
    return [np.arange(r, falls[falls > r][0]) for r in rises if np.any(falls > r)]


def test_breathing_rate_from_the_capnogram_is_12_to_16_per_minute(unit):
    rng = np.random.default_rng(0)
    t = np.arange(1, int(120 / DT_S) + 1) * DT_S
    for _ in range(20):
        subject = SubjectProfile.sample(rng, cancer=bool(rng.integers(2)))
        values, _ = simulate(unit, subject, t, np.full(t.shape, Inlet.MASK), seed=int(rng.integers(1000)))
        starts = [t[b[0]] for b in _breaths(values[:, CO2].astype(float), t)]
        rate = (len(starts) - 1) / (starts[-1] - starts[0]) * 60
        assert 12 <= rate <= 16, rate
        assert abs(rate - subject.breath_rate_per_min) < 1.0


def test_end_tidal_co2_is_40000_to_50000_ppm_on_the_mask(unit, session):
    values, _ = session
    mask = _window(45, 160)
    co2, t = values[mask, CO2], T_S[mask]
    peaks = np.array([co2[b].max() for b in _breaths(co2, t)])
    assert len(peaks) >= 25  # ~14/min over 115 s
    assert np.all((peaks > 40_000) & (peaks < 50_000))
    assert co2.min() < 700  # falls to inspired room air on inhalation
    rng = np.random.default_rng(4)
    for _ in range(10):
        subject = SubjectProfile.sample(rng, cancer=False, smoker=True)
        v, _ = simulate(unit, subject, T_S[:1200], np.full(1200, Inlet.MASK), seed=2)
        peaks = [v[b, CO2].max() for b in _breaths(v[:, CO2].astype(float), T_S[:1200])]
        assert 40_000 < min(peaks) and max(peaks) < 50_000


def test_capnogram_and_mask_pressure_are_in_phase(session):
    values, _ = session
    mask = _window(45, 160)
    co2, pressure = values[mask, CO2], values[mask, PRESSURE]
    exhaling = co2 > 30_000
    assert np.median(pressure[exhaling]) > 5
    assert np.median(pressure[co2 < 1000]) < -3
    assert 10 < pressure.max() < 60 and -50 < pressure.min() < -5
    assert np.abs(values[_window(170, 220), PRESSURE]).max() < 3  # nobody on the mask


def test_mox_resistance_falls_on_breath_versus_zero_air(session):
    values, _ = session
    breath = values[_window(100, 160), :N_MOX].mean(axis=0)
    zero = values[_window(200, 220), :N_MOX].mean(axis=0)
    ambient = values[_window(32, 40), :N_MOX].mean(axis=0)
    assert np.all(breath < 0.9 * zero)
    assert np.all(ambient < zero)


def test_humidity_is_breath_like_on_the_mask_and_dry_on_purge(session):
    values, _ = session
    rh_mask = values[_window(60, 160), RH]
    rh_room = values[_window(20, 40), RH]
    rh_zero = values[_window(200, 220), RH]
    assert 80 <= rh_mask.mean() <= 95 and rh_mask.max() <= 100
    assert 30 <= rh_room.mean() <= 50
    assert rh_zero.mean() < 10
    assert rh_mask.mean() > rh_room.mean() + 30


def test_temperature_warms_up_then_holds_the_cell_set_point(unit, session):
    values, flags = session
    temp = values[:, TEMP]
    assert temp[0] < 26
    assert abs(temp[_window(100, 280)].mean() - unit.cell_setpoint_c) < 0.5
    assert 35 <= temp[_window(100, 280)].mean() <= 40
    warming = (flags & SampleFlag.WARMING_UP) != 0
    np.testing.assert_array_equal(warming, T_S < 30.0)


def test_baseline_settles_during_warm_up(session):
    values, _ = session
    early = values[_window(1, 2), :N_MOX].mean(axis=0)
    end_of_warmup = values[_window(28, 30), :N_MOX].mean(axis=0)
    later = values[_window(36, 40), :N_MOX].mean(axis=0)
    assert np.all(early > 1.2 * later)
    assert np.all(np.abs(end_of_warmup / later - 1) < 0.03)


def test_inlet_switching_flag_for_half_a_second_after_each_switch(session):
    _, flags = session
    switching = T_S[(flags & SampleFlag.INLET_SWITCHING) != 0]
    for start, _ in SCHEDULE[1:]:
        in_window = switching[(switching >= start) & (switching < start + 1)]
        assert start <= in_window.min() <= start + DT_S and in_window.max() < start + 0.5
        assert 9 <= len(in_window) <= 10
    assert np.all((switching >= 40) & (switching < 220.5))


def test_reference_gas_response_is_a_unit_constant(unit):
    """Two runs with different noise give the same settled reference response, as the unit predicts."""
    t = np.arange(1, 2401) * DT_S  # 120 s
    schedule = [(0.0, Inlet.ZERO_AIR), (60.0, Inlet.REFERENCE)]
    ratios = []
    for seed in (1, 2):
        values, _ = simulate(unit, None, t, schedule, seed=seed, warmup_s=5)
        zero = values[(t > 50) & (t < 60), :N_MOX].mean(axis=0)
        ref = values[t > 110, :N_MOX].mean(axis=0)
        ratios.append(ref / zero)
    np.testing.assert_allclose(ratios[0], ratios[1], rtol=0.01)
    np.testing.assert_allclose(ratios[0], unit.reference_response(), rtol=0.03)
    assert np.all(unit.reference_response() < 1)
    assert REFERENCE_GAS_PPB[VOC_CLASSES.index("alcohols")] == 1000


def test_humidified_zero_air_wets_the_cell_and_each_sensor_answers_with_its_own_coefficient(unit):
    """Inlet 4 (ICD revision 1.1): no VOC, the unit's humidifier level, the same physics as any gas."""
    t = np.arange(1, 2401) * DT_S  # 120 s
    values, _ = simulate(unit, None, t, [(0.0, Inlet.ZERO_AIR), (60.0, Inlet.HUMID_ZERO_AIR)], seed=3, warmup_s=5)
    dry, humid = (t > 40) & (t < 60), t > 90
    rh_dry, rh_humid = values[dry, RH].mean(), values[humid, RH].mean()
    assert rh_dry < 6 and rh_humid == pytest.approx(unit.humidifier_rh_pct, abs=0.5)
    assert 78 <= unit.humidifier_rh_pct <= 88
    # within 30 s of the switch the cell is within 1 % RH of the humidifier's level (the ICD's promise)
    assert abs(values[(t > 90) & (t < 91), RH].mean() - unit.humidifier_rh_pct) < 1.0
    step = np.log(values[humid, :N_MOX].mean(axis=0) / values[dry, :N_MOX].mean(axis=0))
    np.testing.assert_allclose(step, -unit.humidity_coeff * (rh_humid - rh_dry) / 100, atol=0.006)


def test_the_humidifier_draw_leaves_every_other_unit_constant_unchanged():
    """A known unit (the demo's EMU-000001) keeps the constants it had before revision 1.1 existed."""
    unit = UnitProfile.from_serial("EMU-000001", 8)
    assert unit.humidity_coeff[:3].round(6).tolist() == [0.567052, 0.336503, 0.356216]
    assert unit.r0_ohm[0] == pytest.approx(15394.8977, rel=1e-8)


def test_pump_off_raises_low_flow_and_starves_the_cell(unit):
    t = np.arange(1, 1201) * DT_S
    model = SensorModel(unit, warmup_s=0, inlet=Inlet.MASK)
    on, _ = model.step(t[:600])
    model.set_flow(0)
    off, flags = model.step(t[600:])
    assert np.all(flags & SampleFlag.LOW_FLOW)
    assert off[-100:, :N_MOX].mean() > on[-100:, :N_MOX].mean()  # VOC load burns off
    assert off[-100:, RH].mean() < on[-100:, RH].mean() - 20  # drifts to the room's humidity


def test_cancer_and_control_differ_in_the_shifted_vocs_but_overlap():
    rng = np.random.default_rng(2026)
    n = 400
    control = np.log([SubjectProfile.sample(rng, cancer=False).voc_ppb for _ in range(n)])
    cancer = np.log([SubjectProfile.sample(rng, cancer=True).voc_ppb for _ in range(n)])
    for name in ("aldehydes", "alkanes"):
        j = VOC_CLASSES.index(name)
        diff = cancer[:, j].mean() - control[:, j].mean()
        se = np.sqrt(cancer[:, j].var() / n + control[:, j].var() / n)
        assert diff > 5 * se
        # overlap: many cancer subjects sit below the control median, AUC far from 1
        assert np.mean(cancer[:, j] < np.median(control[:, j])) > 0.18
        auc = np.mean(cancer[:, j][:, None] > control[:, j][None, :])
        assert 0.6 < auc < 0.85
    for name in ("aromatics", "nitriles"):
        j = VOC_CLASSES.index(name)
        assert abs(cancer[:, j].mean() - control[:, j].mean()) < 0.15


def test_smoking_and_copd_are_confounders():
    rng = np.random.default_rng(1)
    smokers = np.log([SubjectProfile.sample(rng, cancer=False, smoker=True).voc_ppb for _ in range(300)])
    copd = np.log([SubjectProfile.sample(rng, cancer=False, copd=True).voc_ppb for _ in range(300)])
    base = np.log(BREATH_MEDIAN_PPB)
    assert smokers[:, VOC_CLASSES.index("aromatics")].mean() - base[VOC_CLASSES.index("aromatics")] > 0.8
    assert smokers[:, VOC_CLASSES.index("nitriles")].mean() - base[VOC_CLASSES.index("nitriles")] > 0.8
    assert copd[:, VOC_CLASSES.index("alkanes")].mean() - base[VOC_CLASSES.index("alkanes")] > 0.2


def test_presets():
    control, cancer = SubjectProfile.preset("control"), SubjectProfile.preset("cancer")
    assert cancer.cancer and not control.cancer
    assert cancer.voc_ppb[VOC_CLASSES.index("aldehydes")] > control.voc_ppb[VOC_CLASSES.index("aldehydes")]
    assert 40_000 < control.end_tidal_co2_ppm < 50_000
    with pytest.raises(ValueError, match="control"):
        SubjectProfile.preset("healthy")


def test_unit_from_serial_is_deterministic_and_in_range():
    a, again, b = (UnitProfile.from_serial(s, 32) for s in ("SN-1", "SN-1", "SN-2"))
    np.testing.assert_array_equal(a.r0_ohm, again.r0_ohm)
    np.testing.assert_array_equal(a.sensitivity, again.sensitivity)
    assert not np.allclose(a.r0_ohm, b.r0_ohm)
    for unit in (a, b):
        assert np.all((unit.r0_ohm >= 1e4) & (unit.r0_ohm <= 2e5))
        assert np.all((unit.beta >= 0.3) & (unit.beta <= 0.8))
        assert np.all(unit.tau_decay_s > unit.tau_rise_s)
        assert unit.sensitivity.shape == (32, len(VOC_CLASSES))


def test_ambient_background_and_site_sampling():
    env = Environment.sample(np.random.default_rng(3))
    assert 30 <= env.room_rh_pct <= 50 and env.room_co2_ppm <= 400
    assert env.ambient_ppb.shape == AMBIENT_PPB.shape and np.all(env.ambient_ppb > 0)


def test_simulate_equals_blockwise_step(unit):
    subject = SubjectProfile.sample(np.random.default_rng(5), cancer=True)
    env = Environment.sample(np.random.default_rng(6))
    whole, whole_flags = simulate(unit, subject, T_S, SCHEDULE, environment=env, seed=9)
    model = SensorModel(unit, subject, env, seed=9)
    codes = inlet_per_sample(T_S, SCHEDULE)
    rng = np.random.default_rng(0)
    cuts = np.unique(np.r_[0, T_S.size, rng.integers(1, T_S.size, 200), np.flatnonzero(np.diff(codes)) + 1])
    parts = [model.step(T_S[a:b], int(codes[a])) for a, b in zip(cuts[:-1], cuts[1:], strict=True)]
    np.testing.assert_allclose(np.concatenate([p[0] for p in parts]), whole, rtol=1e-5)
    np.testing.assert_array_equal(np.concatenate([p[1] for p in parts]), whole_flags)


def test_step_refuses_time_going_back(unit):
    model = SensorModel(unit)
    model.step(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="increasing"):
        model.step(np.array([2.0]))


def test_a_five_minute_session_is_fast(unit):
    """The cohort simulator calls this thousands of times: 5 min at 10 Hz x 8 MOX well under 50 ms."""
    t = np.arange(1, 3001) * 0.1
    schedule = [(0.0, Inlet.AMBIENT), (60.0, Inlet.MASK), (240.0, Inlet.ZERO_AIR)]
    best = np.inf
    for seed in range(5):
        start = time.perf_counter()
        simulate(unit, None, t, schedule, seed=seed)
        best = min(best, time.perf_counter() - start)
    assert best < 0.05, f"{best * 1000:.1f} ms"
