"""Small deterministic synthetic recordings for the signal tests, clean or with one fault each.

The generator is deliberately simple (not the emulator's physics): a MOX
power-law-free response ``R = R0 exp(-h RH/100) / (1 + load)`` with first-order
kinetics, a square-ish capnogram, mask pressure and humidity following the
breathing, and an AUX-first, interleaved channel order so nothing may assume
where CO2 is. Same arguments, same arrays (seeded numpy).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal as sps

from enose.recording import ChannelLayout, Phase, Recording
from firmware_protocol.messages import ChannelInfo, ChannelKind, Inlet, SampleFlag

FAULTS = (
    "warming_up",
    "baseline_unstable",
    "too_few_breaths",
    "dead_channel",
    "saturated_channel",
    "flat_channel",
    "humidity_out_of_range",
    "ambient_contaminated",
    "lost_samples",
    "interrupted_breath",
)

WARMUP_S, BASELINE_S, PURGE_S = 10.0, 60.0, 120.0


def synthetic_layout(n_mox: int = 6) -> ChannelLayout:
    """CO2 first, MOX interleaved with the AUX channels (channel order is not fixed by the ICD)."""
    aux = [
        ChannelInfo(int(ChannelKind.CO2), "co2", "ppm"),
        ChannelInfo(int(ChannelKind.TEMPERATURE), "temp", "degC"),
        ChannelInfo(int(ChannelKind.HUMIDITY), "rh", "%"),
        ChannelInfo(int(ChannelKind.PRESSURE), "dp", "Pa"),
    ]
    mox = [ChannelInfo(int(ChannelKind.MOX), f"mox{i}", "ohm") for i in range(n_mox)]
    channels: list[ChannelInfo] = []
    for i in range(max(len(aux), len(mox))):
        if i < len(aux):
            channels.append(aux[i])
        if i < len(mox):
            channels.append(mox[i])
    return ChannelLayout(tuple(channels))


def make_synthetic(
    fault: str | None = None,
    *,
    seed: int = 0,
    period_ms: int = 50,
    n_mox: int = 6,
    rate_per_min: float = 14.0,
    breath_s: float = 300.0,
    voc_load: float = 0.3,
    ambient_load: float = 0.05,
) -> Recording:
    """One complete session (warm-up, baseline, breath, purge), with ``fault`` injected (see FAULTS)."""
    if fault is not None and fault not in FAULTS:
        raise ValueError(f"unknown fault {fault!r}")
    rng = np.random.default_rng(seed)
    dt = period_ms / 1000
    t_b0 = WARMUP_S
    t_br0 = t_b0 + BASELINE_S
    t_p0 = t_br0 + breath_s
    t_end = t_p0 + PURGE_S
    t = np.arange(int(round(t_end / dt))) * dt
    n = t.size
    baseline = (t >= t_b0) & (t < t_br0)
    breath = (t >= t_br0) & (t < t_p0)
    purge = t >= t_p0

    # breathing on the mask: phase within the cycle, exhalation for the first 60 %
    phi = (t - t_br0) * rate_per_min / 60.0 % 1.0
    on_mask = breath.copy()
    if fault == "too_few_breaths":
        on_mask &= t < t_br0 + 30.0  # the subject left the mask after ~7 breaths
    exh = 1 / (1 + np.exp(-(phi - 0.03) / 0.01)) / (1 + np.exp(-(0.6 - phi) / 0.01))
    exh = np.where(on_mask, exh, 0.0)
    co2 = 400 + 39600 * exh * (0.9 + 0.1 * phi / 0.6) + 25 * rng.standard_normal(n)
    press = np.where(
        phi < 0.6, 25 * np.sin(np.pi * phi / 0.6), -15 * np.sin(np.pi * (phi - 0.6) / 0.4)
    ) * on_mask + 0.3 * rng.standard_normal(n)

    room_rh = 90.0 if fault == "humidity_out_of_range" else 40.0
    rh = np.where(t < t_b0, 3.0, room_rh)
    rh = np.where(breath, np.where(on_mask, 85.0 + 5.0 * exh, room_rh), rh)
    rh = np.where(purge, 3.0 + (room_rh + 40.0 - 3.0) * np.exp(-(t - t_p0) / 2.0), rh)
    rh = np.clip(rh + 0.3 * rng.standard_normal(n), 0, 100)
    temp = 37.0 + 0.02 * rng.standard_normal(n)

    # gas load seen by the MOX cell: first-order kinetics (tau 3 s) on a piecewise target
    ambient = 3.0 if fault == "ambient_contaminated" else ambient_load
    target = np.where(baseline, ambient, 0.0)
    target = np.where(breath, ambient + voc_load * np.roll(exh, int(0.4 / dt)) * on_mask, target)
    a = np.exp(-dt / 3.0)
    load = sps.lfilter([1 - a], [1, -a], target)
    r0 = np.exp(rng.uniform(np.log(2e4), np.log(2e5), n_mox))
    h = rng.uniform(0.2, 0.5, n_mox)
    gain = rng.uniform(0.6, 1.4, n_mox)
    warm = 1 + np.exp(-t / 1.5)
    mox = (
        r0[:, None]
        * warm
        * np.exp(-h[:, None] * rh[None, :] / 100)
        / (1 + gain[:, None] * load[None, :])
        * (1 + 0.001 * rng.standard_normal((n_mox, n)))
    )
    flags = np.zeros(n, np.uint16)
    flags[t < t_b0] |= np.uint16(SampleFlag.WARMING_UP)
    if fault == "warming_up":
        flags[(t >= t_b0) & (t < t_b0 + 30)] |= np.uint16(SampleFlag.WARMING_UP)
    if fault == "baseline_unstable":
        mox[:, baseline] *= np.exp(0.1 * (t[baseline] - t_b0) / 60.0)  # 10 %/min drift
        mox[:, t >= t_br0] *= np.exp(0.1)
    if fault == "dead_channel":
        mox[2] = np.nan
    if fault == "saturated_channel":
        mox[1, breath] = 1e7
        flags[breath] |= np.uint16(SampleFlag.ADC_SATURATED)
    if fault == "flat_channel":
        mox[3] = 12345.0

    layout = synthetic_layout(n_mox)
    kinds = layout.kinds
    values = np.empty((n, len(layout)), np.float32)
    values[:, kinds == ChannelKind.MOX] = mox.T
    values[:, layout.index(ChannelKind.CO2)] = co2
    values[:, layout.index(ChannelKind.PRESSURE)] = press
    values[:, layout.index(ChannelKind.HUMIDITY)] = rh
    values[:, layout.index(ChannelKind.TEMPERATURE)] = temp

    keep = np.ones(n, bool)
    interruptions: list[float] = []
    if fault == "lost_samples":
        keep &= rng.random(n) > 0.15
    if fault == "interrupted_breath":
        interruptions.append(t_br0 + 150.0)
        keep &= ~((t >= t_br0 + 150.0) & (t < t_br0 + 153.0))  # the device reset: 3 s without data
    seq = (np.arange(n) % 65536).astype(np.uint16)
    device_t_ms = np.round(t * 1000).astype(np.uint32)
    phases = [
        Phase("warmup", int(Inlet.ZERO_AIR), 0.0, t_b0),
        Phase("baseline", int(Inlet.AMBIENT), t_b0, t_br0),
        Phase("breath", int(Inlet.MASK), t_br0, t_p0),
        Phase("purge", int(Inlet.ZERO_AIR), t_p0, t_end),
    ]
    return Recording(
        layout=layout,
        t_s=t[keep],
        values=values[keep],
        device_seq=seq[keep],
        device_t_ms=device_t_ms[keep],
        flags=flags[keep],
        period_ms=period_ms,
        phases=phases,
        meta={
            "lost_samples": int((~keep).sum()),
            "interruptions": interruptions,
            "device_serial": "SYN-0001",
            "session_id": seed,
        },
    )


def pytest_generate_tests(metafunc):
    """A test taking a ``fault`` argument runs once per fault of :data:`FAULTS`."""
    if "fault" in metafunc.fixturenames:
        metafunc.parametrize("fault", FAULTS)


@pytest.fixture(scope="session")
def fault_names() -> tuple[str, ...]:
    return FAULTS


@pytest.fixture(scope="session")
def make_recording():
    """The generator :func:`make_synthetic` (a fixture, so tests need no import path tricks)."""
    return make_synthetic


@pytest.fixture(scope="session")
def clean_recording() -> Recording:
    return make_synthetic(seed=1)
