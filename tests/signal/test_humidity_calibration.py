"""Humidity calibration (ICD revision 1.1): measured sensitivity, its verdict, and compensation with it.

The recordings come from the emulator's physics (the unit's true humidity coefficient is
known), through the calibration timeline ``enose calibrate --kind zero`` records.
"""

from __future__ import annotations

import numpy as np
import pytest

from enose.model.cohort import calibration_signals, default_layout
from enose.recording import Phase, Recording
from enose.signal import (
    DEFAULT_HUMIDITY,
    HumidityResponse,
    MissingPhaseError,
    humidity_response_from_recording,
    judge_humidity,
)
from enose.signal.compensation import CompensationCoefficients, compensate
from firmware_protocol.emulator import UnitProfile
from firmware_protocol.messages import ChannelKind

SERIAL = "HUM-TEST-01"


def _recording(unit: UnitProfile, seed: int = 7) -> Recording:
    signals = calibration_signals(unit, seed=seed)
    n = signals.t_s.size
    return Recording(
        layout=default_layout(unit.n_mox),
        t_s=signals.t_s,
        values=signals.values,
        device_seq=(np.arange(n) % 65536).astype(np.uint16),
        device_t_ms=signals.device_t_ms,
        flags=signals.flags,
        period_ms=100,
        phases=[Phase(name, inlet, start, end) for name, inlet, start, end in signals.phases],
    )


@pytest.fixture(scope="module")
def unit() -> UnitProfile:
    return UnitProfile.from_serial(SERIAL, 8)


def test_the_measured_sensitivity_is_the_units_own_coefficient(unit):
    response = humidity_response_from_recording(_recording(unit))
    truth = unit.humidity_coeff / 100.0  # the physics: R *= exp(-h RH / 100)
    assert response.channels == tuple(f"mox{i}" for i in range(8))
    np.testing.assert_allclose(response.sensitivity_per_pct, truth, rtol=0.02)
    assert response.rh_dry_pct < 6.0
    assert response.rh_humid_pct == pytest.approx(unit.humidifier_rh_pct, abs=1.0)
    passed, reasons = judge_humidity(response)
    assert passed.all() and reasons == [None] * 8


def test_two_units_are_told_apart():
    a, b = (humidity_response_from_recording(_recording(UnitProfile.from_serial(s, 8))) for s in ("UNIT-A", "UNIT-B"))
    # the emulator draws 0.2-0.6 per 100 % RH per sensor: two units differ by far more than the measurement noise
    assert np.max(np.abs(a.sensitivity_per_pct - b.sensitivity_per_pct)) > 0.0005


def test_compensation_with_the_measured_sensitivity_removes_the_humidity_step(unit):
    """A unit with a known humidity coefficient is compensated to within noise."""
    rec = _recording(unit)
    response = humidity_response_from_recording(rec)
    mox, rh = rec.layout.indices(ChannelKind.MOX), rec.layout.indices(ChannelKind.HUMIDITY)[0]
    dry, humid = (rec.phase(name).mask(rec.t_s) for name in ("zero_air", "humid_zero_air"))
    log_r = np.log(rec.values[:, mox].astype(float)).T
    step_before = np.median(log_r[:, humid][:, -300:], axis=1) - np.median(log_r[:, dry][:, -300:], axis=1)
    s = response.sensitivity_per_pct
    compensated = compensate(log_r, rec.values[:, rh].astype(float), None, CompensationCoefficients(-s, np.zeros(8)))
    step_after = np.median(compensated[:, humid][:, -300:], axis=1) - np.median(compensated[:, dry][:, -300:], axis=1)
    assert np.all(step_before < -0.1)  # 0.2-0.6 x ~0.8: the uncompensated step is large
    assert np.all(np.abs(step_after) < 0.004)  # what is left is noise (white + 1/f, ~0.1-0.2 %)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (DEFAULT_HUMIDITY.min_sensitivity_per_pct * 0.99, "humidity_response_too_low"),
        (DEFAULT_HUMIDITY.min_sensitivity_per_pct, None),
        (DEFAULT_HUMIDITY.max_sensitivity_per_pct, None),
        (DEFAULT_HUMIDITY.max_sensitivity_per_pct * 1.01, "humidity_response_too_high"),
        (-0.003, "humidity_response_too_low"),  # resistance rising with humidity: not an n-type MOX
        (np.nan, "no_signal"),
    ],
)
def test_each_sensor_is_judged_against_the_plausible_range(value, reason):
    response = HumidityResponse(("mox0", "mox1"), np.array([0.004, value]), 3.0, 82.0)
    passed, reasons = judge_humidity(response)
    assert reasons == [None, reason]
    assert passed.tolist() == [True, reason is None]


@pytest.mark.parametrize(("dry", "humid"), [(3.0, 59.9), (25.0, 64.0)])
def test_a_humidifier_that_falls_short_fails_every_sensor(dry, humid):
    response = HumidityResponse(("mox0", "mox1"), np.array([0.004, 0.003]), dry, humid)
    passed, reasons = judge_humidity(response)
    assert not passed.any() and reasons == ["humidity_step_too_small"] * 2


def test_a_recording_without_the_humidified_step_is_refused_with_the_reason(unit):
    rec = _recording(unit)
    rec.phases = [p for p in rec.phases if p.name != "humid_zero_air"]
    with pytest.raises(MissingPhaseError, match="humid_zero_air"):
        humidity_response_from_recording(rec)
