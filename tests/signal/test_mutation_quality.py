"""Exact reasons of the quality gate, written to kill the mutants the other quality tests let live.

scripts/mutation.py (module ``quality``) runs mutmut on enose/signal/quality.py against this file,
test_quality.py and test_quality_boundaries.py. Each test pins a whole reason (code, severity, message,
detail) or a threshold from both sides, on the seeded synthetic sessions of conftest.py: baseline 10-70 s and
breath 70-370 s at 50 ms, so baseline + breath hold exactly 7200 samples.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest

from enose.recording import ChannelLayout
from enose.signal import quality_gate
from enose.signal.config import QualityConfig
from enose.signal.quality import MESSAGES, QualityBlocked, Reason, Severity, lost_samples
from firmware_protocol.messages import Inlet, SampleFlag

IN_USE = 7200  # samples of baseline + breath


def _reason(code: str, **detail) -> dict:
    severity = "warn" if code in ("interrupted_other_phase", "no_purge", "calibration_overdue") else "block"
    return {"code": code, "severity": severity, "message": MESSAGES[code], "detail": detail}


def _gate(rec, **kwargs) -> list[dict]:
    return [reason.as_dict() for reason in quality_gate(rec, **kwargs)]


def _in_use(rec) -> np.ndarray:
    return np.flatnonzero(rec.phase("baseline").mask(rec.t_s) | rec.phase("breath").mask(rec.t_s))


@pytest.fixture
def clean(make_recording):
    rec = make_recording(seed=1)
    assert _gate(rec) == [] and _in_use(rec).size == IN_USE
    return rec


@pytest.mark.parametrize(
    ("fault_name", "reasons"),
    [
        ("warming_up", [_reason("warming_up", fraction=0.0833)]),
        ("baseline_unstable", [_reason("baseline_unstable", channels=["mox0", "mox1", "mox2", "mox3", "mox4", "mox5"],
                                       max_slope_per_min=0.10018, max_noise=0.00183)]),
        ("saturated_channel", [_reason("saturated_channel", channels=["mox1"], flagged_fraction=0.8333)]),
        ("humidity_out_of_range", [_reason("humidity_out_of_range", rh_pct=90.0, range_pct=[10.0, 75.0])]),
        ("ambient_contaminated", [_reason("ambient_contaminated", log_ratio=1.525, reference="session purge",
                                          max_log_ratio=1.1)]),
        ("lost_samples", [_reason("lost_samples", lost=1472, fraction=0.1502, max_fraction=0.05)]),
        ("interrupted_breath", [_reason("interrupted_breath", at_s=[220.0])]),
        ("too_few_breaths", [_reason("too_few_breaths", valid_cycles=6, min_cycles=10)]),
        ("flat_channel", [_reason("flat_channel", channels=["mox3"])]),
    ],
)  # fmt: skip
def test_each_fault_gives_exactly_its_reason_with_its_numbers(make_recording, fault_name, reasons):
    assert _gate(make_recording(fault_name, seed=1)) == reasons


@pytest.mark.parametrize(("lost", "reasons"), [
    (515, []),  # 515 / 10315 = 0.04993
    (516, [_reason("lost_samples", lost=516, fraction=0.05, max_fraction=0.05)]),  # 516 / 10316 = 0.05002
    (9800, [_reason("lost_samples", lost=9800, fraction=0.5, max_fraction=0.05)]),
])  # fmt: skip
def test_lost_samples_counted_by_the_acquisition_against_all_samples(clean, lost, reasons):
    clean.meta["lost_samples"] = lost
    assert _gate(clean) == reasons


def test_lost_samples_of_a_session_that_does_not_start_at_zero(clean):
    shifted = dataclasses.replace(clean, t_s=clean.t_s + 1000.0, phases=[
        dataclasses.replace(p, start_s=p.start_s + 1000.0, end_s=p.end_s + 1000.0) for p in clean.phases])  # fmt: skip
    shifted.meta["lost_samples"] = 9800
    assert _gate(shifted) == [_reason("lost_samples", lost=9800, fraction=0.5, max_fraction=0.05)]


def test_no_lost_samples_key_or_none_counts_as_zero(clean):
    clean.meta.pop("lost_samples")
    assert _gate(clean) == []
    clean.meta["lost_samples"] = None
    assert _gate(clean) == []


def test_interruptions_inside_at_the_edges_and_untimed(clean):
    clean.meta["interruptions"] = [10.0, None, 70.0, 370.0]
    assert _gate(clean) == [_reason("interrupted_breath", at_s=[70.0], untimed=1)]
    clean.meta["interruptions"] = [5.0, 370.0]  # 370 s is the breath's end: outside it
    assert _gate(clean) == [_reason("interrupted_other_phase", at_s=[5.0, 370.0])]
    clean.meta["interruptions"] = [None, None]
    assert _gate(clean) == [_reason("interrupted_breath", at_s=[], untimed=2)]
    clean.meta.pop("interruptions")
    assert _gate(clean) == []


@pytest.mark.parametrize("flag", [SampleFlag.HEATER_FAULT, SampleFlag.PUMP_FAULT, SampleFlag.LOW_FLOW])
def test_each_device_fault_flag_counts_from_just_over_one_percent(clean, flag):
    used = _in_use(clean)
    clean.flags[used[:72]] |= np.uint16(flag)  # exactly 1 %: allowed
    assert _gate(clean) == []
    clean.flags[used[72]] |= np.uint16(flag)
    assert _gate(clean) == [_reason("device_fault", fraction=0.0101)]
    clean.flags[:] = 0
    clean.flags[np.setdiff1d(np.arange(clean.n_samples), used)] |= np.uint16(flag)  # outside baseline + breath: not counted
    assert _gate(clean) == []


def test_warming_up_counts_from_just_over_one_percent(clean):
    used = _in_use(clean)
    clean.flags[used[:72]] |= np.uint16(SampleFlag.WARMING_UP)
    assert _gate(clean) == []
    clean.flags[used[72]] |= np.uint16(SampleFlag.WARMING_UP)
    assert _gate(clean) == [_reason("warming_up", fraction=0.0101)]


def test_saturation_flags_alone_count_from_just_over_one_percent(clean):
    used = _in_use(clean)
    clean.flags[used[:72]] |= np.uint16(SampleFlag.ADC_SATURATED)
    assert _gate(clean) == []
    clean.flags[used[72]] |= np.uint16(SampleFlag.ADC_SATURATED)
    assert _gate(clean) == [_reason("saturated_channel", channels=[], flagged_fraction=0.0101)]


def _set_channel(rec, name: str, value: float) -> None:
    """``name`` = value everywhere but 10 breath samples (value + 1), so its median is value and it is not flat."""
    column = rec.layout.names.index(name)
    rec.values[:, column] = value
    rec.values[_in_use(rec)[-10:], column] = value + 1.0


@pytest.mark.parametrize(("rh", "reasons"), [
    (10.0, []), (75.0, []),
    (9.5, [_reason("humidity_out_of_range", rh_pct=9.5, range_pct=[10.0, 75.0])]),
    (75.25, [_reason("humidity_out_of_range", rh_pct=75.25, range_pct=[10.0, 75.0])]),
])  # fmt: skip
def test_room_humidity_limits_are_inclusive(clean, rh, reasons):
    _set_channel(clean, "rh", rh)
    assert _gate(clean) == reasons


def test_humidity_is_not_judged_when_the_baseline_is_not_room_air(clean):
    _set_channel(clean, "rh", 90.0)
    clean.phases[1] = dataclasses.replace(clean.phases[1], inlet=int(Inlet.ZERO_AIR))
    assert [r["code"] for r in _gate(clean)] == []


@pytest.mark.parametrize(("temp", "reasons"), [
    (15.0, []), (60.0, []),
    (14.5, [_reason("temperature_out_of_range", temp_c=14.5, range_c=[15.0, 60.0])]),
    (60.25, [_reason("temperature_out_of_range", temp_c=60.25, range_c=[15.0, 60.0])]),
])  # fmt: skip
def test_cell_temperature_limits_are_inclusive(clean, temp, reasons):
    _set_channel(clean, "temp", temp)
    assert _gate(clean) == reasons


def test_a_dead_temperature_or_humidity_channel_is_reported_once(clean):
    for name in ("temp", "rh"):
        clean.values[:, clean.layout.names.index(name)] = np.nan
    assert _gate(clean) == [_reason("dead_channel", channels=["temp", "rh"])]


def test_no_purge_is_a_warning_first(clean):
    no_purge = dataclasses.replace(clean, phases=[p for p in clean.phases if p.name != "purge"])
    assert _gate(no_purge) == [_reason("no_purge")]


def _without(rec, kind_name: str):
    keep = [i for i, c in enumerate(rec.layout.channels) if not c.name.startswith(kind_name)]
    return dataclasses.replace(rec, layout=ChannelLayout(tuple(rec.layout.channels[i] for i in keep)),
                               values=np.ascontiguousarray(rec.values[:, keep]))  # fmt: skip


def test_a_missing_co2_or_mox_kind_is_named(clean):
    assert _gate(_without(clean, "co2"))[0] == _reason("missing_channel", kinds=["CO2"])
    assert _gate(_without(clean, "mox"))[0] == _reason("missing_channel", kinds=["MOX"])


def test_phases_shorter_than_the_minimum_are_named(clean):
    short = dataclasses.replace(clean, phases=[dataclasses.replace(p, end_s=p.start_s + 10.0)
                                               if p.name in ("baseline", "breath") else p for p in clean.phases])  # fmt: skip
    assert _gate(short) == [_reason("missing_phase", phases=["baseline", "breath"])]


def test_reason_as_dict_and_blocked_message():
    reason = Reason.of("flat_channel", channels=["mox3"])
    assert reason.as_dict() == {"code": "flat_channel", "severity": "block", "message": MESSAGES["flat_channel"],
                                "detail": {"channels": ["mox3"]}}  # fmt: skip
    assert type(reason.as_dict()["severity"]) is str
    blocked = QualityBlocked([Reason.of("no_purge"), reason, Reason.of("lost_samples", lost=1)])
    assert [r.code for r in blocked.reasons] == ["flat_channel", "lost_samples"]
    assert str(blocked) == "no score may be given for this session (flat_channel, lost_samples); repeat the measurement"
    assert Reason.of("no_purge").severity is Severity.WARN


def test_the_gate_never_warns_on_zero_negative_or_missing_sensor_values(clean):
    window = np.flatnonzero((clean.t_s >= 30.0) & (clean.t_s < 70.0))  # the settled baseline window
    names = clean.layout.names
    clean.values[window[:30:10], names.index("mox0")] = 0.0  # too few to count as pinned (saturated): still live
    clean.values[window[5:35:10], names.index("mox1")] = -5.0
    clean.values[window[::13], names.index("mox2")] = np.nan
    clean.values[_in_use(clean)[::17], names.index("temp")] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reasons = quality_gate(clean)
    assert reasons == []  # isolated readings of 0 or below: outliers to the robust noise, never a warning


def test_lost_samples_is_the_larger_of_the_count_and_the_holes(make_recording, clean):
    holes = make_recording("lost_samples", seed=1)
    holes.meta["lost_samples"] = 0
    assert lost_samples(holes) == 1472
    holes.meta["lost_samples"] = 2000
    assert lost_samples(holes) == 2000
    clean.meta.pop("lost_samples")
    assert lost_samples(clean) == 0
    clean.meta["lost_samples"] = 0
    assert lost_samples(clean) == 0
    one = dataclasses.replace(clean, t_s=clean.t_s[:1], values=clean.values[:1], flags=clean.flags[:1])
    assert lost_samples(one) == 0


def test_exactly_the_minimum_of_valid_breath_cycles_is_enough(make_recording):
    rec = make_recording(seed=1, rate_per_min=11.0, breath_s=60.0)
    assert _gate(rec) == []
    assert _gate(rec, config=QualityConfig(min_valid_cycles=11)) == [
        _reason("too_few_breaths", valid_cycles=10, min_cycles=11)]


def test_phases_exactly_as_long_as_the_minimum_are_not_missing(clean):
    exact = dataclasses.replace(clean, phases=[
        dataclasses.replace(p, start_s=10.0, end_s=35.0) if p.name == "baseline"
        else dataclasses.replace(p, start_s=35.0, end_s=75.0) if p.name == "breath" else p for p in clean.phases])  # fmt: skip
    assert "missing_phase" not in [r["code"] for r in _gate(exact)]
    shorter = dataclasses.replace(exact, phases=[dataclasses.replace(p, end_s=p.end_s - 0.01)
                                                 if p.name in ("baseline", "breath") else p for p in exact.phases])  # fmt: skip
    assert _gate(shorter) == [_reason("missing_phase", phases=["baseline", "breath"])]


def test_baseline_slope_and_noise_skip_missing_samples(make_recording):
    rec = make_recording("baseline_unstable", seed=1)
    window = (rec.t_s >= 30.0) & (rec.t_s < 70.0)
    mox = [i for i, name in enumerate(rec.layout.names) if name.startswith("mox")]
    rng = np.random.default_rng(3)
    for i in mox:  # a different 5 % of the window missing on each sensor
        rec.values[np.flatnonzero(window)[rng.random(int(window.sum())) < 0.05], i] = np.nan
    slopes, noises = [], []
    for i in mox:
        y = np.log(rec.values[window, i].astype(np.float64))
        ok = np.isfinite(y)
        slopes.append(abs(np.polyfit(rec.t_s[window][ok], y[ok], 1)[0]) * 60.0)
        d = np.diff(y)
        d = d[np.isfinite(d)]
        noises.append(1.4826 * np.median(np.abs(d - np.median(d))) / np.sqrt(2))
    (reason,) = _gate(rec)
    assert reason["code"] == "baseline_unstable"
    assert reason["detail"]["max_slope_per_min"] == round(max(slopes), 5)
    assert reason["detail"]["max_noise"] == round(max(noises), 5)


def test_lost_fraction_is_against_what_the_time_span_should_hold_when_that_is_more(clean):
    # samples 1.4 periods apart: no interval hides a sample, yet the span should hold 13,720 samples
    stretched = dataclasses.replace(clean, t_s=clean.t_s * 1.4, phases=[
        dataclasses.replace(p, start_s=p.start_s * 1.4, end_s=p.end_s * 1.4) for p in clean.phases])  # fmt: skip
    stretched.meta["lost_samples"] = 1000
    lost = [r for r in _gate(stretched) if r["code"] == "lost_samples"]
    assert lost == [_reason("lost_samples", lost=1000, fraction=round(1000 / 13720, 4), max_fraction=0.05)]


def test_two_zero_readings_in_a_row_give_no_warning_in_the_noise_estimate():
    """Found by mutation testing: -inf - -inf in the baseline noise raised a RuntimeWarning (an error under -W error)."""
    import warnings

    import numpy as np

    from enose.signal.quality import _robust_slope_noise

    t = np.arange(50, dtype=float)
    with np.errstate(divide="ignore"):
        y = np.log(np.r_[np.full(20, 1000.0), 0.0, 0.0, np.full(28, 1000.0)])[None, :]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        slope, noise = _robust_slope_noise(t, y)
    assert np.isfinite(noise[0]) and noise[0] == 0.0
