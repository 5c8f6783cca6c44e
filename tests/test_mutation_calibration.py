"""Exact verdicts of calibrate_session, humidity_detail and judge_reference, written to kill their mutants.

scripts/mutation.py (module ``calibration``) runs mutmut on the three calibration-verdict functions of
enose/pipeline.py against this file and the calibration tests. Two kinds of recordings: hand-made ones with
constant levels per phase (the ratios, responses and deviations below follow by hand: a reference ratio of
0.6 against a commissioned 0.5 is a response ln(1/0.6) against ln(2), a deviation of -0.26303), and the
emulator physics' zero-air calibration with its humidified step (seeded).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from enose.model.cohort import calibration_signals, default_layout
from enose.pipeline import calibrate_session, judge_reference
from enose.recording import ChannelLayout
from enose.security import User
from enose.storage import SampleBlock, Store
from firmware_protocol.emulator import UnitProfile
from firmware_protocol.messages import ChannelInfo, ChannelKind

LAYOUT = ChannelLayout((ChannelInfo(int(ChannelKind.CO2), "co2", "ppm"), ChannelInfo(1, "mox0", "ohm"),
                        ChannelInfo(1, "mox1", "ohm")))  # fmt: skip
TECH = User("tech1", "technician")
LIMITS = {"min_sensitivity_per_pct": 0.0005, "max_sensitivity_per_pct": 0.015, "min_humid_rh_pct": 60.0,
          "min_step_rh_pct": 40.0}  # fmt: skip
ZERO_AND_REFERENCE = [("zero_air", 2, 0.0, 10.0), ("reference", 3, 10.0, 20.0)]


def _write(store, phases, levels, events=()) -> int:
    """A 20 s calibration session at 100 ms: CO2 400 ppm, the two sensors at ``levels[i]`` during ``phases[i]``."""
    writer = store.create_session(operator="tech1", layout=LAYOUT, period_ms=100, protocol={}, device_serial="CAL-1",
                                  site="LIL", kind="calibration")  # fmt: skip
    t = np.arange(200) * 0.1
    values = np.full((200, 3), 400.0, np.float32)
    for (_, _, start, end), level in zip(phases, levels, strict=True):
        values[(t >= start) & (t < end), 1:] = level
    writer.append(SampleBlock(t_s=t, device_seq=np.arange(200).astype(np.uint16),
                              device_t_ms=(np.arange(200) * 100).astype(np.uint32),
                              flags=np.zeros(200, np.uint16), values=values))  # fmt: skip
    for kind in events:
        writer.event(kind, 1.0)
    for phase in phases:
        writer.phase(*phase)
    writer.finish("complete")
    return writer.session_id


@pytest.fixture
def store(db_path):
    with Store.open(db_path) as store:
        store.upsert_device("CAL-1", "m", "1.0", 100, LAYOUT)
        yield store


def test_the_first_reference_check_commissions_the_device(store):
    session = _write(store, ZERO_AND_REFERENCE, [[1000.0, 2000.0], [500.0, 1940.0]])
    assert calibrate_session(store, session, "reference", TECH) == {
        "passed": True, "channels": ["mox0", "mox1"], "values": [0.5, 0.97], "expected": None, "tolerance": 0.2,
        "per_channel_passed": [True, True], "record_id": 1, "error": None,
        "detail": {"commissioning": True, "tolerance": 0.2, "per_channel_passed": [True, True], "expected": None},
    }  # fmt: skip


def test_a_later_reference_check_is_judged_on_the_response_against_the_commissioned_one(store):
    _write(store, ZERO_AND_REFERENCE, [[1000.0, 2000.0], [500.0, 1940.0]])
    calibrate_session(store, 1, "reference", TECH)
    session = _write(store, ZERO_AND_REFERENCE, [[1000.0, 2000.0], [600.0, 1000.0]])
    result = calibrate_session(store, session, "reference", TECH)
    deviation = (math.log(1 / 0.6) - math.log(2)) / math.log(2)
    assert result == {
        "passed": False, "channels": ["mox0", "mox1"], "values": [0.6, 0.5], "expected": [0.5, 0.97],
        "tolerance": 0.2, "per_channel_passed": [False, None], "record_id": 2, "error": None,
        "detail": {"commissioned_by": 1, "judged_on": "response ln(R(zero air)/R(reference))",
                   "assessable": [True, False], "deviation": [pytest.approx(deviation, rel=1e-6), None],
                   "response_floor": 0.05, "tolerance": 0.2, "per_channel_passed": [False, None],
                   "expected": [0.5, 0.97]},
    }  # fmt: skip
    # a wider tolerance passes the same deviation; the sensor the gas barely moves stays unjudged
    loose = calibrate_session(store, session, "reference", TECH, tolerance=0.3)
    assert (loose["passed"], loose["per_channel_passed"], loose["tolerance"]) == (True, [True, None], 0.3)
    assert loose["detail"]["tolerance"] == 0.3


def test_a_reference_check_without_its_phases_is_an_error_and_stores_nothing(store):
    session = _write(store, [("zero_air", 2, 0.0, 20.0)], [[1000.0, 2000.0]])
    assert calibrate_session(store, session, "reference", TECH) == {
        "passed": False, "channels": [], "values": [], "expected": None, "tolerance": 0.2, "per_channel_passed": [],
        "record_id": None, "detail": {},
        "error": "a reference check needs a 'zero_air' and a 'reference' phase, the recording has ['zero_air']; "
                 "record it with the reference calibration protocol",
    }  # fmt: skip
    assert store.conn.execute("SELECT count(*) FROM calibrations").fetchone()[0] == 0


def test_an_unknown_kind_is_refused(store):
    with pytest.raises(ValueError) as error:
        calibrate_session(store, 1, "span", TECH)
    assert str(error.value) == "calibration kind must be 'zero' or 'reference', got 'span'"


def test_a_zero_air_check_fails_a_sensor_without_a_positive_level(store):
    session = _write(store, [("zero_air", 2, 0.0, 20.0)], [[1000.0, 0.0]])
    assert calibrate_session(store, session, "zero", TECH) == {
        "passed": False, "channels": ["mox0", "mox1"], "values": [1000.0, 0.0], "expected": None, "tolerance": 0.2,
        "per_channel_passed": [True, False], "record_id": 1, "error": None,
        "detail": {"humidity": {"status": "not_measured", "code": "no_humidified_step", "limits": LIMITS,
                                "reason": "a humidity calibration needs a 'zero_air' then a 'humid_zero_air' phase, "
                                          "the recording has ['zero_air']"},
                   "tolerance": 0.2, "per_channel_passed": [True, False], "expected": None},
    }  # fmt: skip


def test_a_device_that_refused_the_humidifier_keeps_its_dry_calibration(store):
    session = _write(store, [("zero_air", 2, 0.0, 20.0)], [[1000.0, 2000.0]], events=["humidifier_unavailable"])
    result = calibrate_session(store, session, "zero", TECH)
    assert (result["passed"], result["per_channel_passed"], result["values"]) == (True, [True, True], [1000.0, 2000.0])
    assert result["detail"]["humidity"] == {
        "status": "not_measured", "code": "humidifier_unavailable", "limits": LIMITS,
        "reason": "the device refused the humidified zero-air inlet (firmware before ICD revision 1.1)"}  # fmt: skip


def test_a_humidified_step_without_a_humidity_channel(store):
    session = _write(store, [("zero_air", 2, 0.0, 10.0), ("humid_zero_air", 4, 10.0, 20.0)],
                     [[1000.0, 2000.0], [900.0, 1800.0]])  # fmt: skip
    humidity = calibrate_session(store, session, "zero", TECH)["detail"]["humidity"]
    assert (humidity["status"], humidity["code"], humidity["limits"]) == ("not_measured", "no_humidity_channel", LIMITS)
    assert humidity["reason"]


def _physics_session(store, rh_scale: float = 1.0) -> int:
    """The emulator's zero-air calibration of one unit (dry, then humidified); humid RH scaled by ``rh_scale``."""
    layout = default_layout(4)
    store.upsert_device("HUM-TEST-01", "m", "1.0", 100, layout)
    signals = calibration_signals(UnitProfile.from_serial("HUM-TEST-01", 4), seed=7)
    values = signals.values.copy()
    (humid,) = [p for p in signals.phases if p[0] == "humid_zero_air"]
    values[(signals.t_s >= humid[2]) & (signals.t_s < humid[3]), layout.names.index("rh")] *= rh_scale
    writer = store.create_session(operator="t", layout=layout, period_ms=100, protocol={},
                                  device_serial="HUM-TEST-01", kind="calibration")  # fmt: skip
    writer.append(SampleBlock(t_s=signals.t_s, device_seq=(np.arange(signals.t_s.size) % 65536).astype(np.uint16),
                              device_t_ms=signals.device_t_ms, flags=signals.flags, values=values))  # fmt: skip
    for phase in signals.phases:
        writer.phase(*phase)
    writer.finish("complete")
    return writer.session_id


def test_a_measured_humidity_sensitivity_passes_with_its_numbers(store):
    result = calibrate_session(store, _physics_session(store), "zero", TECH)
    humidity = result["detail"]["humidity"]
    assert (result["passed"], result["per_channel_passed"]) == (True, [True] * 4)
    assert result["channels"] == ["mox0", "mox1", "mox2", "mox3"]
    assert humidity == {
        "status": "measured",
        "sensitivity_per_pct": pytest.approx([0.0031920882, 0.0037018391, 0.0049048237, 0.0042709781], rel=1e-6),
        "per_channel_passed": [True] * 4, "per_channel_reason": [None] * 4, "rh_dry_pct": 2.99, "rh_humid_pct": 86.52,
        "limits": LIMITS,
    }  # fmt: skip
    assert list(humidity) == ["status", "sensitivity_per_pct", "per_channel_passed", "per_channel_reason",
                              "rh_dry_pct", "rh_humid_pct", "limits"]  # fmt: skip


def test_a_humidity_step_too_small_fails_every_sensor(store):
    result = calibrate_session(store, _physics_session(store, rh_scale=0.3), "zero", TECH)
    humidity = result["detail"]["humidity"]
    assert (result["passed"], result["per_channel_passed"]) == (False, [False] * 4)
    assert (humidity["status"], humidity["per_channel_passed"]) == ("failed", [False] * 4)
    assert humidity["per_channel_reason"] == ["humidity_step_too_small"] * 4
    assert (humidity["rh_dry_pct"], humidity["rh_humid_pct"]) == (2.99, 25.96)


def test_judge_reference_vectors():
    ok, assessable, deviation = judge_reference(np.array([0.5, 0.6, np.nan, 0.97, 0.5, 0.5]),
                                                np.array([0.5, 0.5, 0.5, 0.97, np.nan, 0.5]), tolerance=0.2)  # fmt: skip
    assert ok.tolist() == [True, False, False, True, True, True]
    assert assessable.tolist() == [True, True, True, False, False, True]
    assert deviation[[0, 5]].tolist() == [0.0, 0.0]
    assert deviation[1] == pytest.approx((math.log(1 / 0.6) - math.log(2)) / math.log(2))
    assert np.isnan(deviation[2:5]).all()
    # tolerance 0.3 lets the -26 % through; the response floor is |ln ratio| >= 0.05
    assert judge_reference(np.array([0.6]), np.array([0.5]), 0.3)[0].tolist() == [True]
    assert judge_reference(np.array([0.6]), np.array([0.5]))[0].tolist() == [False]
    assert judge_reference([0.9], [math.exp(-0.051)])[1].tolist() == [True]
    assert judge_reference([0.9], [math.exp(-0.049)])[1].tolist() == [False]
    assert judge_reference([0.9], [math.exp(0.051)])[1].tolist() == [True]  # a response of either sign


def test_judge_reference_never_warns_and_reads_missing_ratios_as_not_ok():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ok, assessable, _ = judge_reference(np.array([0.0, -1.0, 0.5, 0.5]), np.array([0.5, 0.5, 0.0, -1.0]))
    # no response at all (ratio 0 or below) fails a judged sensor; an unjudgeable expectation is not assessable
    assert (ok.tolist(), assessable.tolist()) == ([False, False, True, True], [True, True, False, False])
    ok, assessable, _ = judge_reference([None, 0.5], [0.5, None])
    assert (ok.tolist(), assessable.tolist()) == ([False, True], [True, False])


def test_zero_air_levels_just_above_zero_pass_and_what_is_stored(store):
    session = _write(store, [("zero_air", 2, 0.0, 20.0)], [[0.5, 2000.0]])
    result = calibrate_session(store, session, "zero", TECH)
    assert (result["passed"], result["per_channel_passed"]) == (True, [True, True])
    stored = store.conn.execute("SELECT kind, passed, session_id, operator, device_serial FROM calibrations WHERE id = ?",
                                (result["record_id"],)).fetchone()  # fmt: skip
    assert tuple(stored) == ("zero", 1, session, "tech1", "CAL-1")


def test_a_commissioning_check_fails_a_zero_or_negative_ratio(store):
    session = _write(store, ZERO_AND_REFERENCE, [[1000.0, 1000.0], [0.0, -100.0]])
    result = calibrate_session(store, session, "reference", TECH)
    assert (result["passed"], result["per_channel_passed"], result["values"]) == (False, [False, False], [0.0, -0.1])
    stored = store.conn.execute("SELECT passed, session_id FROM calibrations WHERE id = ?",
                                (result["record_id"],)).fetchone()  # fmt: skip
    assert tuple(stored) == (0, session)


def test_humidity_detail_of_a_recording_without_event_kinds():
    from enose.pipeline import humidity_detail
    from tests.signal.conftest import make_synthetic

    rec = make_synthetic(seed=1)
    assert "event_kinds" not in rec.meta
    detail = humidity_detail(rec, ("mox0",))
    assert (detail["status"], detail["code"], detail["limits"]) == ("not_measured", "no_humidified_step", LIMITS)
