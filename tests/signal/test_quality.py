"""The quality gate: each injected fault gives exactly its reason, clean sessions pass."""

from __future__ import annotations

import ast
import dataclasses
import inspect

import numpy as np
import pytest

from enose.recording import Phase
from enose.signal import (
    DEFAULT_QUALITY,
    MESSAGES,
    SEVERITIES,
    DeviceCalibration,
    QualityBlocked,
    QualityConfig,
    Reason,
    Severity,
    SignalError,
    is_blocked,
    quality_gate,
)
from firmware_protocol.messages import ChannelKind


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_clean_sessions_pass(make_recording, seed):
    assert quality_gate(make_recording(seed=seed)) == []


def test_each_fault_gives_exactly_its_reason(make_recording, fault):  # one run per conftest FAULTS entry
    reasons = quality_gate(make_recording(fault, seed=7))
    assert [r.code for r in reasons] == [fault]
    (reason,) = reasons
    assert reason.severity == Severity.BLOCK and is_blocked(reasons)
    assert reason.message == MESSAGES[fault]


def test_reasons_name_the_faulty_channel(make_recording):
    assert quality_gate(make_recording("dead_channel"))[0].detail["channels"] == ["mox2"]
    assert quality_gate(make_recording("flat_channel"))[0].detail["channels"] == ["mox3"]
    assert quality_gate(make_recording("saturated_channel"))[0].detail["channels"] == ["mox1"]


def test_dead_co2_is_one_reason_not_two(make_recording):
    rec = make_recording(seed=4)
    rec.values[:, rec.layout.index(ChannelKind.CO2)] = np.nan
    assert [r.code for r in quality_gate(rec)] == ["dead_channel"]


def test_interruption_outside_the_breath_only_warns(make_recording):
    rec = make_recording(seed=5)
    rec.meta["interruptions"] = [rec.phase("purge").start_s + 10]
    reasons = quality_gate(rec)
    assert [(r.code, r.severity) for r in reasons] == [("interrupted_other_phase", Severity.WARN)]
    assert not is_blocked(reasons)


def test_missing_or_short_phases_block_before_anything_else(make_recording):
    rec = make_recording(seed=6)
    rec.phases = [p for p in rec.phases if p.name != "breath"]
    assert [(r.code, r.detail) for r in quality_gate(rec)] == [("missing_phase", {"phases": ["breath"]})]
    rec = make_recording(seed=6)
    b = rec.phase("baseline")
    rec.phases[1] = Phase("baseline", b.inlet, b.end_s - 10, b.end_s)
    assert quality_gate(rec)[0].code == "missing_phase"


def test_ambient_check_uses_the_device_calibration_when_given(make_recording):
    rec = make_recording(seed=8)
    mox = rec.layout.indices(ChannelKind.MOX)
    names = tuple(rec.layout.names[i] for i in mox)
    purge = rec.phase("purge")
    tail = rec.values[(rec.t_s > purge.end_s - 20) & (rec.t_s < purge.end_s)][:, mox].astype(float)
    zero = np.median(tail, axis=0)
    assert quality_gate(rec, calibration=DeviceCalibration(names, zero)) == []
    dirty = quality_gate(rec, calibration=DeviceCalibration(names, zero * 10))  # room air 10x below zero air
    assert [r.code for r in dirty] == ["ambient_contaminated"]
    assert dirty[0].detail["reference"] == "calibration"


def test_thresholds_come_from_the_configuration(make_recording):
    rec = make_recording(seed=9)
    strict = dataclasses.replace(DEFAULT_QUALITY, rh_max_pct=35.0)
    assert [r.code for r in quality_gate(rec, config=strict)] == ["humidity_out_of_range"]
    assert [r.code for r in quality_gate(rec, config=QualityConfig(min_valid_cycles=500))] == ["too_few_breaths"]


def test_configuration_refuses_nonsense():
    with pytest.raises(SignalError, match="must be > 0"):
        QualityConfig(baseline_max_noise=0)
    with pytest.raises(SignalError, match="min < max"):
        QualityConfig(rh_min_pct=80.0)
    with pytest.raises(SignalError, match="finite"):
        QualityConfig(max_lost_fraction=float("nan"))


def test_every_code_has_a_message_and_a_severity(fault_names):
    assert set(MESSAGES) == set(SEVERITIES)
    assert all(m and "{" not in m for m in MESSAGES.values())  # literal, translatable
    assert len(fault_names) == 10 and set(fault_names) <= set(MESSAGES)


@pytest.mark.parametrize("config_class", ["QualityConfig", "ProcessingConfig", "DriftConfig"])
def test_every_threshold_has_a_docstring_and_a_unit_in_its_name(config_class):
    import enose.signal.config as module

    tree = ast.parse(inspect.getsource(module))
    (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == config_class]
    body = cls.body
    fields = [(i, n.target.id) for i, n in enumerate(body) if isinstance(n, ast.AnnAssign)]
    assert fields
    for i, name in fields:
        doc = body[i + 1] if i + 1 < len(body) else None
        assert isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant), f"{name} has no docstring"
    if config_class == "QualityConfig":
        units = ("_pct", "_c", "_s", "_fraction", "_per_min", "_noise", "_cycles", "_ratio", "_range")
        assert all(name.endswith(units) for _, name in fields), [n for _, n in fields if not n.endswith(units)]


def test_reason_serialises_and_blocked_error_carries_the_block_reasons(make_recording):
    reasons = quality_gate(make_recording("flat_channel"))
    data = reasons[0].as_dict()
    assert data["code"] == "flat_channel" and data["severity"] == "block" and data["detail"]["channels"]
    warn = Reason.of("no_purge")
    error = QualityBlocked([*reasons, warn])
    assert [r.code for r in error.reasons] == ["flat_channel"] and "flat_channel" in str(error)
