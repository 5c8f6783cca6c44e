"""Simulated multi-site cohort: subjects, devices, sites and complete breath sessions.

The simulator writes sessions in exactly the schema a clinic records (sessions,
sample chunks, flags, phases, subjects, labels with ``source = 'simulated'``),
fast: signals come directly from the emulator's physics
(:func:`firmware_protocol.emulator.physics.simulate`), without the serial link,
in the emulator's channel layout (:func:`firmware_protocol.emulator.channel_layout`
of ``EmulatorConfig(n_mox=...)``), so a model trained on a cohort scores the
sessions ``enose demo`` records. There is no signal model in this module: it
only draws the world and maps it onto the physics' parameters.

The simulated world (every number is a field of :class:`CohortParams`)
------------------------------------------------------------------------
Subjects
    age ~ N(64, 8) clipped to 45-85 years; 55 % male; smoking never / former /
    current 20 / 45 / 35 %, pack-years ~ Gamma (mean 30 former, 38 current);
    COPD with a probability rising with pack-years; lung cancer with a
    probability rising with age, pack-years and COPD, intercept solved so the
    cohort prevalence is ``prevalence`` (a case-control-enriched cohort); stage
    IA-IV, which scales the cancer VOC signal (early cancers are harder).
Breath VOCs (the physics' :data:`~firmware_protocol.emulator.physics.VOC_CLASSES`)
    log-concentrations per subject = the physics' population median
    (``BREATH_MEDIAN_PPB``) + correlated between-subject variation (SD
    ``voc_sd``, shared share ``voc_correlation``) + cancer shift x stage factor
    (``cancer_shift``) + smoking shift (``smoking_shift``: aromatics, nitriles;
    former smokers x ``former_smoker_factor``) + COPD shift (``copd_shift``:
    alkanes and aldehydes, as cancer: a confounder) + a small age effect on
    acetone; each session adds day-to-day variation (SD ``voc_session_sd``). The
    shifts default to the physics' ``*_LOG_SHIFT`` constants; the cancer shift is
    multiplied by ``cancer_scale`` (default 2.5). Measured with a regularised
    logistic regression on the e-nose features and age, pack-years and COPD,
    500 subjects, 6 sites, 10 units, leave-one-site-out (mean of the six sites'
    AUCs) and on a fresh site and unit: x1.5 gives 0.76 / 0.77, x2 0.83 / 0.83,
    x2.5 0.87 / 0.88, x3 0.91 / 0.92. At x2.5 a good model lands in the
    published e-nose range (0.80-0.90), not at 1.0; at the physics' own size
    (x1, which is exactly what the emulator's ``cancer`` demo subject carries)
    the cancers are all but invisible through this array. The class
    distributions overlap on purpose.
    Breathing pattern, capnography, breath humidity and mask pressure come from
    :meth:`SubjectProfile.sample`.
Devices
    ``n_devices`` units, each bound to one site. Each is
    :meth:`UnitProfile.from_serial` of its serial (``SIMNOSE-<seed>-<n>``), so
    the unit-to-unit variation (baseline, sensitivities, exponents, humidity
    coefficients, time constants, noise) is the physics' own. The physics has no
    ageing over months, so it is applied here, on top, to the unit's constants
    before each session: baseline resistance up and sensitivity down linearly with
    the session's study month, at unit-specific rates ``drift_baseline_per_month``
    / ``drift_gain_per_month`` (x U(0.5, 1.5)). (Within a session the physics'
    own per-hour drift and warm-up apply.)
Sites
    ``n_sites`` sites, each an :class:`Environment`: ambient VOC background
    (physics' ``AMBIENT_PPB`` x log-normal, SD ``ambient_sd``), room humidity
    (``site_rh_range``), temperature and CO2; each session varies the site's air
    a little (``ambient_session_sd``, ``session_rh_sd``). Sites also shift the
    prevalence (``site_prevalence_sd``), so site is a confounder to block.
Sampling
    the mask fit dilutes the breath with room air (fit = exp(-|N(0,
    ``dilution_sd``)|); CO2 measures it): the physics sees a subject whose
    alveolar VOCs, CO2, humidity and mask pressure are mixed with the room's in
    that proportion. ``p_failed`` manoeuvres fail (mask leak, fit 2-8 %: almost no
    breath reaches the sensors, the quality gate blocks them) and ``p_noisy`` are
    noisy (the unit's noise x ``noisy_factor`` and electrical spikes on 0.2 % of
    MOX samples, added here on top of the physics); ``repeat_fraction`` of
    subjects come back for a second session (grouped CV keeps them together).
Technician calibration
    before its first session each unit gets the technician's zero-air calibration as
    ``enose calibrate --kind zero`` records it (:class:`~enose.acquisition.protocol.CalibrationProtocol`:
    dry zero air, then humidified zero air, ICD revision 1.1), simulated with the same
    physics and judged by :func:`enose.pipeline.calibrate_session`: the humidity
    sensitivity each session is compensated with is *measured*, with the unit's noise,
    never read from the physics. ``calibrate=False`` leaves the units uncalibrated.
Session timeline
    as :class:`enose.acquisition.protocol.ScreeningEngine` records it: streaming
    starts a few seconds after power-up (uniform 2-6 s), on zero air while the
    sensors warm up (``warmup`` phase, WARMING_UP flag until ``warmup_s`` of
    device time), then ``baseline`` (ambient), ``breath`` (mask), ``purge`` (zero
    air). Sample flags and the device clock are the physics'/device's.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from scipy import optimize
from tqdm import tqdm

from enose.acquisition.protocol import ScreeningProtocol
from enose.labels import add_label
from enose.recording import ChannelLayout
from enose.security.accounts import User
from enose.storage.chunks import SampleBlock
from enose.storage.store import Store, utc_now
from firmware_protocol.emulator import EmulatorConfig, Environment, SubjectProfile, UnitProfile, channel_layout, physics
from firmware_protocol.messages import Inlet

__all__ = [
    "CohortParams",
    "World",
    "SessionSignals",
    "default_layout",
    "make_world",
    "simulate_world",
    "world_on_unit",
    "calibration_signals",
    "session_signals",
    "simulate_cohort",
]

log = logging.getLogger(__name__)

STAGES = ("IA", "IB", "IIA", "IIB", "IIIA", "IIIB", "IV")
STAGE_P = (0.18, 0.12, 0.1, 0.1, 0.15, 0.1, 0.25)
STAGE_FACTOR = (0.5, 0.6, 0.8, 0.9, 1.1, 1.2, 1.4)
HISTOLOGY = ("adenocarcinoma", "squamous", "SCLC", "other NSCLC")
HISTOLOGY_P = (0.5, 0.28, 0.14, 0.08)
_N_VOC = len(physics.VOC_CLASSES)
_ACETONE = physics.VOC_CLASSES.index("acetone")
_MMHG_PER_PPM = 760.0 / 1e6


def _shift(values: np.ndarray) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


@dataclass(frozen=True)
class CohortParams:
    """Every parameter of the simulated world (see the module docstring).

    VOC shifts are natural-log shifts per :data:`firmware_protocol.emulator.physics.VOC_CLASSES`.
    """

    n_subjects: int = 500
    n_sites: int = 5
    n_devices: int = 6
    seed: int = 0
    prevalence: float = 0.4
    site_prevalence_sd: float = 0.3
    voc_sd: float = physics.BREATH_LOG_SD
    voc_correlation: float = physics.BREATH_LOG_CORRELATION
    voc_session_sd: float = 0.1
    cancer_shift: tuple[float, ...] = _shift(physics.CANCER_LOG_SHIFT)
    cancer_scale: float = 2.5
    smoking_shift: tuple[float, ...] = _shift(physics.SMOKER_LOG_SHIFT)
    copd_shift: tuple[float, ...] = _shift(physics.COPD_LOG_SHIFT)
    former_smoker_factor: float = 0.25
    drift_baseline_per_month: float = 0.01
    drift_gain_per_month: float = 0.008
    study_months: float = 18.0
    ambient_sd: float = 0.5
    ambient_session_sd: float = 0.2
    site_rh_range: tuple[float, float] = (30.0, 60.0)
    session_rh_sd: float = 3.0
    dilution_sd: float = 0.15
    p_failed: float = 0.03
    p_noisy: float = 0.05
    noisy_factor: float = 10.0
    repeat_fraction: float = 0.1
    n_mox: int = 8
    period_ms: int = 100
    warmup_s: float = 30.0
    baseline_s: float = 60.0
    breath_s: float = 300.0
    purge_s: float = 120.0
    site_prefix: str = "SITE"
    subject_prefix: str = "SIM"

    def __post_init__(self) -> None:
        for name in ("cancer_shift", "smoking_shift", "copd_shift"):
            if len(getattr(self, name)) != _N_VOC:
                raise ValueError(f"{name} needs one log-shift per VOC class {physics.VOC_CLASSES}")
        if self.n_sites < 1 or self.n_devices < self.n_sites:
            raise ValueError("need at least one site and at least one device per site (--devices >= --sites)")
        if not 1 <= self.period_ms <= 1000:
            raise ValueError(f"period_ms must be within 1..1000, got {self.period_ms}")
        EmulatorConfig(n_mox=self.n_mox)  # raises for a sensor count the emulated device cannot have

    def as_dict(self) -> dict:
        return asdict(self)


def emulator_config(n_mox: int = 8) -> EmulatorConfig:
    """The emulated device type the cohort's units are: the emulator's defaults with ``n_mox`` sensors."""
    return EmulatorConfig(n_mox=n_mox)


def default_layout(n_mox: int = 8) -> ChannelLayout:
    """The cohort's INFO layout: the emulator's, ``channel_layout(EmulatorConfig(n_mox=n_mox))``."""
    channels, _ = channel_layout(emulator_config(n_mox))
    return ChannelLayout(tuple(channels))


@dataclass
class World:
    """One drawn cohort: per-subject, per-device, per-site and per-session draws (no signals yet)."""

    params: CohortParams
    subjects: list[dict]
    cancer: np.ndarray
    stage: list[str | None]
    histology: list[str | None]
    voc_log_ppb: np.ndarray  # (n_subjects, n_voc) alveolar, natural log of ppb
    profiles: list[SubjectProfile]  # breathing pattern of each subject (VOCs set per session)
    sites: list[str]
    environments: list[Environment]  # per site
    devices: list[str]
    device_site: np.ndarray
    device_drift: np.ndarray  # (n_devices, 2) baseline and sensitivity rates, per month
    session_subject: np.ndarray
    session_device: np.ndarray
    session_month: np.ndarray
    session_fit: np.ndarray  # share of the breath the mask delivers (the rest is room air)
    session_failed: np.ndarray
    session_noisy: np.ndarray
    session_boot_s: np.ndarray  # device uptime when streaming starts
    session_voc_log: np.ndarray  # (n_sessions, n_voc) day-to-day VOC variation
    session_ambient_log: np.ndarray  # (n_sessions, n_voc) day-to-day ambient variation
    session_rh: np.ndarray  # (n_sessions,) room humidity on the day

    @property
    def site_rh(self) -> np.ndarray:
        return np.array([e.room_rh_pct for e in self.environments])


def _correlated(rng: np.random.Generator, n: int, k: int, sd: float, rho: float) -> np.ndarray:
    """``(n, k)`` normal draws with SD ``sd`` and a share ``rho`` of the variance common to all columns."""
    return sd * (np.sqrt(rho) * rng.standard_normal((n, 1)) + np.sqrt(1 - rho) * rng.standard_normal((n, k)))


def make_world(params: CohortParams) -> World:
    """Draw subjects, sites, devices and sessions (no signals yet)."""
    rng = np.random.default_rng(params.seed)
    n, k = params.n_subjects, _N_VOC
    sites = [f"{params.site_prefix}{i + 1}" for i in range(params.n_sites)]
    subject_site = rng.integers(0, params.n_sites, n)
    age = np.clip(rng.normal(64, 8, n), 45, 85).round()
    male = rng.random(n) < 0.55
    smoking = rng.choice(np.array(["never", "former", "current"]), n, p=[0.2, 0.45, 0.35])
    pack_years = np.where(
        smoking == "never",
        0.0,
        np.where(smoking == "former", rng.gamma(3.0, 10.0, n), rng.gamma(4.0, 9.5, n)),
    ).round(1)
    copd = rng.random(n) < 1 / (1 + np.exp(-(-2.6 + 0.035 * pack_years + 0.4 * (smoking == "current"))))
    site_shift = rng.normal(0, params.site_prevalence_sd, params.n_sites)[subject_site]
    risk = 0.045 * (age - 64) + 0.02 * (pack_years - 25) + 0.5 * copd + site_shift

    def gap(b0: float) -> float:
        return float(np.mean(1 / (1 + np.exp(-(b0 + risk)))) - params.prevalence)

    b0 = optimize.brentq(gap, -10, 10)
    cancer = rng.random(n) < 1 / (1 + np.exp(-(b0 + risk)))
    stage_idx = rng.choice(len(STAGES), n, p=STAGE_P)
    stage_factor = np.where(cancer, np.array(STAGE_FACTOR)[stage_idx], 0.0)
    smoke_level = np.where(smoking == "current", 1.0, np.where(smoking == "former", params.former_smoker_factor, 0.0))
    voc = (
        np.log(physics.BREATH_MEDIAN_PPB)[None, :]
        + _correlated(rng, n, k, params.voc_sd, params.voc_correlation)
        + (params.cancer_scale * stage_factor)[:, None] * np.array(params.cancer_shift)[None, :]
        + smoke_level[:, None] * np.array(params.smoking_shift)[None, :]
        + copd[:, None] * np.array(params.copd_shift)[None, :]
        + 0.004 * (age - 64)[:, None] * np.eye(k)[_ACETONE][None, :]
    )
    codes = [
        f"{params.subject_prefix}{params.seed % 1000:03d}-{sites[s]}-{i + 1:04d}" for i, s in enumerate(subject_site)
    ]
    subjects = [
        {
            "code": codes[i],
            "site": sites[subject_site[i]],
            "age_years": int(age[i]),
            "sex": "M" if male[i] else "F",
            "smoking": str(smoking[i]),
            "pack_years": float(pack_years[i]),
            "copd": int(copd[i]),
            "previous_cancer": int(rng.random() < 0.05),
        }
        for i in range(n)
    ]
    # breathing pattern, capnography, breath humidity, mask pressure: the physics' own subject draw
    # (its VOCs are replaced per session by this world's, which carry stage, pack-years and age)
    breath_rng = np.random.default_rng(np.random.SeedSequence([params.seed, 0xB4EA7]))
    profiles = [
        SubjectProfile.sample(breath_rng, cancer=bool(cancer[i]), smoker=smoking[i] == "current", copd=bool(copd[i]))
        for i in range(n)
    ]
    # devices: at least one per site, the rest spread at random
    device_site = np.concatenate(
        [np.arange(params.n_sites), rng.integers(0, params.n_sites, params.n_devices - params.n_sites)]
    )
    devices = [f"SIMNOSE-{params.seed % 1000:03d}-{i + 1:02d}" for i in range(params.n_devices)]
    device_drift = rng.uniform(0.5, 1.5, (params.n_devices, 2)) * [
        params.drift_baseline_per_month,
        params.drift_gain_per_month,
    ]
    environments = [draw_site_air(rng, params) for _ in range(params.n_sites)]
    # sessions: one per subject, plus repeats, each on a device of the subject's site
    repeats = np.flatnonzero(rng.random(n) < params.repeat_fraction)
    session_subject = np.concatenate([np.arange(n), repeats])
    n_sessions = session_subject.size
    session_device = np.empty(n_sessions, dtype=int)
    for i, s in enumerate(session_subject):
        session_device[i] = rng.choice(np.flatnonzero(device_site == subject_site[s]))
    failed = rng.random(n_sessions) < params.p_failed
    fit = np.where(
        failed, rng.uniform(0.02, 0.08, n_sessions), np.exp(-np.abs(rng.normal(0, params.dilution_sd, n_sessions)))
    )
    site_rh = np.array([e.room_rh_pct for e in environments])[device_site[session_device]]
    return World(
        params=params,
        subjects=subjects,
        cancer=cancer.astype(int),
        stage=[STAGES[stage_idx[i]] if cancer[i] else None for i in range(n)],
        histology=[str(rng.choice(HISTOLOGY, p=HISTOLOGY_P)) if cancer[i] else None for i in range(n)],
        voc_log_ppb=voc,
        profiles=profiles,
        sites=sites,
        environments=environments,
        devices=devices,
        device_site=device_site,
        device_drift=device_drift,
        session_subject=session_subject,
        session_device=session_device,
        session_month=rng.uniform(0, params.study_months, n_sessions),
        session_fit=fit,
        session_failed=failed,
        session_noisy=rng.random(n_sessions) < params.p_noisy,
        session_boot_s=rng.uniform(2.0, 6.0, n_sessions),
        session_voc_log=rng.normal(0.0, params.voc_session_sd, (n_sessions, k)),
        session_ambient_log=rng.normal(0.0, params.ambient_session_sd, (n_sessions, k)),
        session_rh=np.clip(site_rh + rng.normal(0.0, params.session_rh_sd, n_sessions), 10.0, 90.0),
    )


@dataclass
class SessionSignals:
    """One simulated session as the host records it (times in session seconds, values in INFO order)."""

    t_s: np.ndarray  # (n,)
    device_t_ms: np.ndarray  # (n,) uint32
    values: np.ndarray  # (n, n_channels) float32, INFO order
    flags: np.ndarray  # (n,) uint16
    phases: list[tuple[str, int, float, float]]  # (name, inlet, start_s, end_s)


def draw_site_air(rng: np.random.Generator, params: CohortParams) -> Environment:
    """One site's air: VOC background, room humidity, temperature and CO2 (the world's draw of each site)."""
    return Environment(
        ambient_ppb=physics.AMBIENT_PPB * np.exp(rng.normal(0.0, params.ambient_sd, _N_VOC)),
        room_rh_pct=float(rng.uniform(*params.site_rh_range)),
        room_temp_c=float(rng.uniform(20.0, 25.0)),
        room_co2_ppm=float(rng.uniform(380.0, 480.0)),
    )


def _steps_timeline(
    steps: list[tuple[str, int, float]], period_ms: int, warmup_s: float, boot_s: float
) -> tuple[np.ndarray, list[tuple[str, int, float, float]]]:
    """Sample times and phases as the engine records them: warm-up on zero air until ``warmup_s`` of device
    time, then the timed ``(name, inlet, duration_s)`` steps."""
    dt = period_ms / 1000
    warm = max(0.0, float(np.ceil(round((warmup_s - boot_s) / dt, 9))) * dt)
    phases = [("warmup", int(Inlet.ZERO_AIR), 0.0, warm)] if warm > 0 else []
    start = warm
    for name, inlet, duration in steps:
        phases.append((name, inlet, start, start + duration))
        start += duration
    t = np.arange(int(round(start / dt)) + 1) * dt
    return t, phases


def _timeline(p: CohortParams, boot_s: float) -> tuple[np.ndarray, list[tuple[str, int, float, float]]]:
    """Session sample times and phases: warm-up on zero air until ``warmup_s`` of device time, then the protocol."""
    steps = [("baseline", int(Inlet.AMBIENT), p.baseline_s), ("breath", int(Inlet.MASK), p.breath_s),
             ("purge", int(Inlet.ZERO_AIR), p.purge_s)]  # fmt: skip
    return _steps_timeline(steps, p.period_ms, p.warmup_s, boot_s)


def _as_recorded(values: np.ndarray, flags: np.ndarray, t: np.ndarray, boot_s: float, n_mox: int,
                 phases: list[tuple[str, int, float, float]]) -> SessionSignals:  # fmt: skip
    """Physics output (canonical channel order) as the host records it: INFO order, the device's u32 clock."""
    _, source = channel_layout(emulator_config(n_mox))
    device_ms = np.round((boot_s + t) * 1000).astype(np.int64) % 2**32
    return SessionSignals(t, device_ms.astype(np.uint32), values[:, source], flags, phases)


def _session_unit(world: World, sid: int, units: dict[str, UnitProfile]) -> UnitProfile:
    """The session's unit, aged to the session's study month (and noisier for a noisy manoeuvre)."""
    p = world.params
    dev = int(world.session_device[sid])
    unit = units[world.devices[dev]]
    month = float(world.session_month[sid])
    baseline_rate, gain_rate = world.device_drift[dev]
    changes = {
        "r0_ohm": unit.r0_ohm * (1.0 + baseline_rate * month),
        "sensitivity": unit.sensitivity * max(0.5, 1.0 - gain_rate * month),
    }
    if world.session_noisy[sid]:
        changes["noise_white"] = unit.noise_white * p.noisy_factor
        changes["noise_flicker"] = unit.noise_flicker * p.noisy_factor
    return dataclasses.replace(unit, **changes)


def _session_environment(world: World, sid: int) -> Environment:
    env = world.environments[int(world.device_site[world.session_device[sid]])]
    return dataclasses.replace(
        env,
        ambient_ppb=env.ambient_ppb * np.exp(world.session_ambient_log[sid]),
        room_rh_pct=float(world.session_rh[sid]),
    )


def _session_subject(world: World, sid: int, env: Environment) -> SubjectProfile:
    """The breath the sensors get: the subject's, mixed with room air by the mask fit."""
    i = int(world.session_subject[sid])
    profile = world.profiles[i]
    fit = float(world.session_fit[sid])
    voc = np.exp(world.voc_log_ppb[i] + world.session_voc_log[sid])
    room_co2_mmhg = env.room_co2_ppm * _MMHG_PER_PPM
    return dataclasses.replace(
        profile,
        voc_ppb=env.ambient_ppb + fit * (voc - env.ambient_ppb),
        alveolar_co2_mmhg=room_co2_mmhg + fit * (profile.alveolar_co2_mmhg - room_co2_mmhg),
        breath_rh_pct=env.room_rh_pct + fit * (profile.breath_rh_pct - env.room_rh_pct),
        exhale_pressure_pa=profile.exhale_pressure_pa * fit,
        inhale_pressure_pa=profile.inhale_pressure_pa * fit,
    )


def session_signals(world: World, sid: int, units: dict[str, UnitProfile] | None = None) -> SessionSignals:
    """Simulate session ``sid`` of ``world`` with the emulator's physics, as the host would record it."""
    p = world.params
    units = units if units is not None else {}
    serial = world.devices[int(world.session_device[sid])]
    if serial not in units:
        units[serial] = UnitProfile.from_serial(serial, p.n_mox)
    env = _session_environment(world, sid)
    boot_s = float(world.session_boot_s[sid])
    t, phases = _timeline(p, boot_s)
    schedule = [(boot_s + start, inlet) for _, inlet, start, _ in phases]
    values, flags = physics.simulate(
        _session_unit(world, sid, units),
        _session_subject(world, sid, env),
        boot_s + t,
        schedule,
        environment=env,
        seed=np.random.SeedSequence([p.seed, 0x5E55, sid]),
        warmup_s=p.warmup_s,
    )
    if world.session_noisy[sid]:  # electrical spikes: a fault of the manoeuvre, not in the physics
        spike_rng = np.random.default_rng(np.random.SeedSequence([p.seed, 0x5B1CE, sid]))
        mox = values[:, : p.n_mox]
        spikes = spike_rng.random(mox.shape) < 0.002
        mox[spikes] *= spike_rng.uniform(0.3, 3.0, int(spikes.sum())).astype(np.float32)
        values[:, : p.n_mox] = np.clip(mox, *physics.ADC_RANGE_OHM)
    return _as_recorded(values, flags, t, boot_s, p.n_mox, phases)


def calibration_signals(unit: UnitProfile, *, seed: int, period_ms: int = 100, warmup_s: float = 30.0,
                        zero_s: float = 60.0, humid_s: float = 60.0, boot_s: float = 3.0) -> SessionSignals:  # fmt: skip
    """A technician's zero-air calibration of ``unit`` as the host records it: warm-up, dry, humidified zero air.

    The timeline and phase names are those of ``CalibrationProtocol("zero")`` on the screening engine.
    """
    steps = [("zero_air", int(Inlet.ZERO_AIR), zero_s), ("humid_zero_air", int(Inlet.HUMID_ZERO_AIR), humid_s)]
    t, phases = _steps_timeline(steps, period_ms, warmup_s, boot_s)
    values, flags = physics.simulate(
        unit, None, boot_s + t, [(boot_s + start, inlet) for _, inlet, start, _ in phases],
        seed=np.random.SeedSequence([seed, 0xCA1B]), warmup_s=warmup_s,
    )  # fmt: skip
    return _as_recorded(values, flags, t, boot_s, unit.n_mox, phases)


def _store_signals(writer, signals: SessionSignals) -> None:
    n_t = signals.t_s.size
    writer.append(SampleBlock(t_s=signals.t_s, device_seq=(np.arange(n_t) % 65536).astype(np.uint16),
                              device_t_ms=signals.device_t_ms, flags=signals.flags, values=signals.values))  # fmt: skip
    for name, inlet, start, end in signals.phases:
        writer.phase(name, inlet, start, end)
    writer.finish("complete")


def calibrate_units(store: Store, world: World, units: dict[str, UnitProfile], operator: str) -> dict[str, int | None]:
    """Record and judge each unit's zero-air calibration (dry + humidified); ``{serial: record id}``."""
    from enose.acquisition.protocol import CalibrationProtocol
    from enose.pipeline import calibrate_session

    p = world.params
    config, layout = emulator_config(p.n_mox), default_layout(p.n_mox)
    protocol = CalibrationProtocol("zero", period_ms=p.period_ms).as_dict()
    records: dict[str, int | None] = {}
    for i, serial in enumerate(world.devices):
        unit = units.setdefault(serial, UnitProfile.from_serial(serial, p.n_mox))
        writer = store.create_session(operator=operator, layout=layout, period_ms=p.period_ms, protocol=protocol,
                                      subject_code=None, device_serial=serial, firmware=config.firmware,
                                      site=world.sites[world.device_site[i]], kind="calibration")  # fmt: skip
        _store_signals(writer, calibration_signals(unit, seed=p.seed * 1000 + i, period_ms=p.period_ms,
                                                   warmup_s=p.warmup_s))  # fmt: skip
        # the simulator is not a signed-in person: its records say so (see enose.security.signin)
        simulator = User(operator, "technician", authenticated=False)
        records[serial] = calibrate_session(store, writer.session_id, "zero", simulator)["record_id"]
    return records


def simulate_cohort(
    db: str | Path | Store,
    params: CohortParams = CohortParams(),
    *,
    progress: bool = False,
    operator: str = "simulator",
    calibrate: bool = True,
) -> dict:
    """Simulate a cohort and write it to the database; return a summary (counts, sites, devices, session ids).

    With ``calibrate`` (the default) each unit first gets its technician's zero-air calibration
    with the humidified step, as a clinic would have it before screening.
    """
    return simulate_world(db, make_world(params), progress=progress, operator=operator, calibrate=calibrate)


def world_on_unit(world: World, serial: str, environment: Environment | None = None) -> World:
    """The same subjects and sessions recorded on another unit (every session on ``serial``).

    Why: the between-unit spread of a model's output is measured on the *same* people
    breathing into every unit, so no subject-sampling noise is mistaken for a unit effect.
    ``environment`` also moves them to another site's air (default: the world's first site).
    """
    environments = [environment or world.environments[0]]
    n = world.session_subject.size
    return dataclasses.replace(world, devices=[serial], device_site=np.zeros(1, dtype=int), environments=environments,
                               sites=[world.sites[0]], device_drift=world.device_drift[:1],
                               session_device=np.zeros(n, dtype=int))  # fmt: skip


def simulate_world(
    db: str | Path | Store, world: World, *, progress: bool = False, operator: str = "simulator", calibrate: bool = True
) -> dict:
    """Write a drawn :class:`World` to the database (see :func:`simulate_cohort`)."""
    params = world.params
    store = db if isinstance(db, Store) else Store.open(db)
    try:
        config = emulator_config(params.n_mox)
        layout = default_layout(params.n_mox)
        protocol = ScreeningProtocol(
            baseline_s=params.baseline_s, breath_s=params.breath_s, purge_s=params.purge_s, period_ms=params.period_ms
        ).as_dict()
        for serial in world.devices:
            store.upsert_device(serial, config.model, config.firmware, params.period_ms, layout)
        now = utc_now()
        with store.conn:
            for s in world.subjects:
                store.conn.execute(
                    """INSERT INTO subjects (code, created_at, site, age_years, sex, smoking, pack_years, copd,
                       previous_cancer) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(code) DO NOTHING""",
                    (s["code"], now, s["site"], s["age_years"], s["sex"], s["smoking"], s["pack_years"], s["copd"],
                     s["previous_cancer"]),
                )  # fmt: skip
        simulator = User(operator, "admin", authenticated=False)  # not a signed-in person: its records say so
        for i, s in enumerate(world.subjects):  # through the one label writer: audited with fingerprints
            add_label(store, simulator, subject_code=s["code"], cancer=bool(world.cancer[i]),
                      histology=world.histology[i], stage=world.stage[i], diagnosis_date=None, source="simulated")
        units: dict[str, UnitProfile] = {}
        calibrations = calibrate_units(store, world, units, operator) if calibrate else {}
        session_ids: list[int] = []
        n_sessions = world.session_subject.size
        for sid in tqdm(range(n_sessions), desc="simulating sessions", unit="session", disable=not progress):
            subject = world.subjects[world.session_subject[sid]]
            dev = int(world.session_device[sid])
            signals = session_signals(world, sid, units)
            writer = store.create_session(
                operator=operator,
                layout=layout,
                period_ms=params.period_ms,
                protocol={
                    **protocol,
                    "simulated": {"seed": params.seed, "month": round(float(world.session_month[sid]), 2)},
                },
                subject_code=subject["code"],
                device_serial=world.devices[dev],
                firmware=config.firmware,
                site=world.sites[world.device_site[dev]],
                kind="screening",
            )
            _store_signals(writer, signals)
            session_ids.append(writer.session_id)
        return {
            "db": str(store.path),
            "n_subjects": len(world.subjects),
            "n_sessions": n_sessions,
            "n_cancer": int(world.cancer.sum()),
            "sites": world.sites,
            "devices": world.devices,
            "device_site": {d: world.sites[s] for d, s in zip(world.devices, world.device_site, strict=True)},
            "n_failed": int(world.session_failed.sum()),
            "n_noisy": int(world.session_noisy.sum()),
            "session_ids": session_ids,
            "calibrations": calibrations,
            "params": params.as_dict(),
        }
    finally:
        if not isinstance(db, Store):
            store.close()
