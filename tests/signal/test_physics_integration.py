"""Integration with the emulator's physical model: realistic sessions pass, physical faults are caught,
and the features see what the physics put in (breathing rate, end-tidal CO2, a VOC shift)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from enose.recording import ChannelLayout, Phase, Recording
from enose.signal import batch_features, quality_gate
from firmware_protocol.emulator import EmulatorConfig, channel_layout
from firmware_protocol.emulator.physics import (
    AMBIENT_PPB,
    Environment,
    SubjectProfile,
    UnitProfile,
    simulate,
)
from firmware_protocol.messages import Inlet

N_MOX = 8
PERIOD_MS = 100
WARMUP_S, BASELINE_S, BREATH_S, PURGE_S = 30.0, 60.0, 120.0, 60.0


def physics_recording(
    subject: SubjectProfile | None = None, environment: Environment | None = None, seed: int = 0
) -> Recording:
    """A screening session rendered by the physics in the emulator's (shuffled) INFO order."""
    unit = UnitProfile.from_serial("SIG-PHYS-0001", N_MOX)
    dt = PERIOD_MS / 1000
    starts = np.cumsum([0.0, WARMUP_S, BASELINE_S, BREATH_S, PURGE_S])
    t = np.arange(int(round(starts[-1] / dt))) * dt
    inlets = [Inlet.ZERO_AIR, Inlet.AMBIENT, Inlet.MASK, Inlet.ZERO_AIR]
    schedule = [(float(s), int(i)) for s, i in zip(starts[:-1], inlets, strict=True)]
    values, flags = simulate(unit, subject, t, schedule, environment=environment, seed=seed, warmup_s=WARMUP_S)
    channels, source = channel_layout(EmulatorConfig(n_mox=N_MOX, order="shuffled"))
    names = ("warmup", "baseline", "breath", "purge")
    phases = [
        Phase(n, int(i), float(a), float(b)) for n, i, a, b in zip(names, inlets, starts[:-1], starts[1:], strict=True)
    ]
    return Recording(
        layout=ChannelLayout(channels),
        t_s=t,
        values=values[:, source],
        device_seq=(np.arange(t.size) % 65536).astype(np.uint16),
        device_t_ms=np.round(t * 1000).astype(np.uint32),
        flags=flags,
        period_ms=PERIOD_MS,
        phases=phases,
        meta={"lost_samples": 0, "interruptions": []},
    )


@pytest.fixture(scope="module")
def control_and_cancer():
    return [physics_recording(SubjectProfile.preset(name)) for name in ("control", "cancer")]


def test_realistic_sessions_pass_the_gate(control_and_cancer):
    for rec in control_and_cancer:
        assert quality_gate(rec) == []


def test_features_see_the_physics(control_and_cancer):
    X, names = batch_features(control_and_cancer)  # noqa: N806
    col = {n: i for i, n in enumerate(names)}
    assert np.isfinite(X).all()
    subject = SubjectProfile.preset("control")
    assert X[0, col["breath.rate_per_min"]] == pytest.approx(subject.breath_rate_per_min, abs=1.0)
    expected_etco2 = 400 + (subject.alveolar_co2_mmhg * 1e6 / 760 - 400) * 0.8  # mask sampling fraction
    assert X[0, col["breath.etco2_ppm"]] == pytest.approx(expected_etco2, rel=0.08)
    assert X[0, col["breath.cycles"]] >= 0.85 * BREATH_S * subject.breath_rate_per_min / 60
    mox_dr = [col[f"mox{j:02d}.dr_r0"] for j in range(N_MOX)]
    assert np.all(X[:, mox_dr] < 0)
    # the cancer profile carries more aldehydes and alkanes: some sensor responds more, none much less
    delta = X[1, mox_dr] - X[0, mox_dr]
    assert delta.min() < -0.005 and delta.max() < 0.005


def test_batch_equals_single_on_physics_sessions(control_and_cancer):
    X, _ = batch_features(control_and_cancer)  # noqa: N806
    alone, _ = batch_features(control_and_cancer[1:])
    np.testing.assert_allclose(alone[0], X[1], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    "case, expected",
    [
        ("contaminated_room", "ambient_contaminated"),
        ("humid_room", "humidity_out_of_range"),
        ("leaky_mask", "too_few_breaths"),
    ],
)
def test_physical_faults_give_their_reason(case, expected):
    subject = SubjectProfile.preset("control")
    environment = Environment()
    if case == "contaminated_room":
        environment = Environment(ambient_ppb=AMBIENT_PPB * 40)
    elif case == "humid_room":
        environment = Environment(room_rh_pct=85.0)
    else:  # 5 % of the breath reaches the sampling line
        subject = dataclasses.replace(subject, alveolar_co2_mmhg=0.05 * subject.alveolar_co2_mmhg)
    assert [r.code for r in quality_gate(physics_recording(subject, environment))] == [expected]
