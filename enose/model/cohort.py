"""Simulated multi-site cohort: subjects, devices, sites and complete breath sessions.

The simulator writes sessions in exactly the schema a clinic records (sessions,
sample chunks, phases, subjects, labels with ``source = 'simulated'``), fast:
signals are generated directly from a physical model of the sensor array,
vectorised over a batch of sessions, without the serial link.

The simulated world (every number is a field of :class:`CohortParams`)
------------------------------------------------------------------------
Subjects
    age ~ N(64, 8) clipped to 45-85 years; 55 % male; smoking never / former /
    current 20 / 45 / 35 %, pack-years ~ Gamma (mean 30 former, 38 current);
    COPD with a probability rising with pack-years; lung cancer with a
    probability rising with age, pack-years and COPD, intercept solved so the
    cohort prevalence is ``prevalence`` (a case-control-enriched cohort); stage
    IA-IV, which scales the cancer VOC signal (early cancers are harder).
Breath VOCs (:data:`VOCS`)
    log-concentrations per subject = population mean + correlated
    between-subject variation (SD ``voc_sd``) + cancer shift x stage factor
    (``cancer_shift``) + smoking shift (``smoking_shift``, raises benzene and
    acetonitrile, and a little of the cancer aldehydes) + COPD shift
    (``copd_shift``, raises the same aldehydes as cancer: a confounder). The
    class distributions overlap on purpose.
Devices
    ``n_devices`` units, each bound to one site; per-sensor sensitivity gain
    log-normal (SD ``device_gain_sd``), baseline resistance log-normal, and drift
    over the study months (baseline resistance up, sensitivity down, at
    unit-specific rates ``drift_baseline_per_month`` / ``drift_gain_per_month``).
Sites
    ``n_sites`` sites with their own ambient VOC background (SD ``ambient_sd``
    on the log scale), relative humidity (``site_rh_range``) and a small shift of
    the prevalence (``site_prevalence_sd``), so site is a confounder to block.
Sampling
    breathing at 12-18 / min through a mask whose fit dilutes the breath
    (``dilution_sd``; CO2 measures it); ``p_failed`` manoeuvres fail (mask leak:
    almost no breath reaches the sensors) and ``p_noisy`` are noisy (electrical
    spikes, 8x noise); ``repeat_fraction`` of subjects come back for a second
    session (grouped CV keeps them together).

Signals come from :mod:`firmware_protocol.emulator.physics` when it provides a
vectorised sensor model; until then :func:`render_sessions` (below) is the
physical model used: MOX resistance ``R = R0 * drift / (1 + A * gain * x)^beta *
exp(-h * RH)``, with ``x`` the cross-sensitivity-weighted VOC load and a
first-order sensor response.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from scipy import optimize, signal
from tqdm import tqdm

from enose.acquisition.protocol import ScreeningProtocol
from enose.recording import ChannelLayout
from enose.storage.chunks import SampleBlock
from enose.storage.store import Store, utc_now
from firmware_protocol.messages import ChannelInfo, ChannelKind, Inlet

__all__ = ["CohortParams", "VOCS", "simulate_cohort", "default_layout", "World", "make_world", "render_sessions"]

log = logging.getLogger(__name__)

#: The breath VOCs of the simulated world, with their population median in exhaled breath (ppb).
VOCS: dict[str, float] = {
    "acetone": 500.0,
    "isoprene": 150.0,
    "ethanol": 200.0,
    "2-butanone": 10.0,
    "hexanal": 5.0,
    "benzene": 3.0,
    "acetonitrile": 20.0,
    "nonanal": 6.0,
}

STAGES = ("IA", "IB", "IIA", "IIB", "IIIA", "IIIB", "IV")
STAGE_P = (0.18, 0.12, 0.1, 0.1, 0.15, 0.1, 0.25)
STAGE_FACTOR = (0.5, 0.6, 0.8, 0.9, 1.1, 1.2, 1.4)
HISTOLOGY = ("adenocarcinoma", "squamous", "SCLC", "other NSCLC")
HISTOLOGY_P = (0.5, 0.28, 0.14, 0.08)


@dataclass(frozen=True)
class CohortParams:
    """Every parameter of the simulated world (see the module docstring)."""

    n_subjects: int = 500
    n_sites: int = 5
    n_devices: int = 6
    seed: int = 0
    prevalence: float = 0.4
    site_prevalence_sd: float = 0.3
    voc_sd: float = 0.42
    voc_correlation: float = 0.3
    cancer_shift: tuple[float, ...] = (0.2, -0.05, 0.0, 0.6, 0.6, 0.0, 0.0, 0.55)
    smoking_shift: tuple[float, ...] = (0.0, -0.15, 0.0, 0.1, 0.15, 1.0, 0.9, 0.1)
    copd_shift: tuple[float, ...] = (0.0, 0.0, 0.0, 0.1, 0.35, 0.0, 0.0, 0.3)
    former_smoker_factor: float = 0.25
    device_gain_sd: float = 0.2
    drift_baseline_per_month: float = 0.01
    drift_gain_per_month: float = 0.008
    study_months: float = 18.0
    ambient_sd: float = 0.5
    site_rh_range: tuple[float, float] = (35.0, 70.0)
    dilution_sd: float = 0.15
    p_failed: float = 0.03
    p_noisy: float = 0.05
    repeat_fraction: float = 0.1
    n_mox: int = 8
    period_ms: int = 100
    baseline_s: float = 60.0
    breath_s: float = 300.0
    purge_s: float = 120.0
    site_prefix: str = "SITE"
    subject_prefix: str = "SIM"

    def as_dict(self) -> dict:
        return asdict(self)


def default_layout(n_mox: int = 8) -> ChannelLayout:
    """The simulated device's INFO layout; the emulator's default when it provides one."""
    try:  # the emulator owns the default layout of the demo device
        from firmware_protocol.emulator import default_layout as emulator_layout  # type: ignore[attr-defined]

        return ChannelLayout(tuple(emulator_layout()))
    except (ImportError, AttributeError, TypeError):
        pass
    channels = [ChannelInfo(int(ChannelKind.MOX), f"mox{i}", "ohm") for i in range(n_mox)]
    channels += [
        ChannelInfo(int(ChannelKind.TEMPERATURE), "temp", "degC"),
        ChannelInfo(int(ChannelKind.HUMIDITY), "rh", "%"),
        ChannelInfo(int(ChannelKind.PRESSURE), "p", "hPa"),
        ChannelInfo(int(ChannelKind.CO2), "co2", "ppm"),
    ]
    return ChannelLayout(tuple(channels))


@dataclass
class World:
    """One drawn cohort: per-subject, per-device, per-site and per-session arrays."""

    params: CohortParams
    subjects: list[dict]
    cancer: np.ndarray
    stage: list[str | None]
    histology: list[str | None]
    voc_log_ppb: np.ndarray  # (n_subjects, n_vocs)
    sites: list[str]
    site_rh: np.ndarray
    site_ambient_ppb: np.ndarray  # (n_sites, n_vocs)
    devices: list[str]
    device_site: np.ndarray
    device_gain: np.ndarray  # (n_devices, n_mox)
    device_r0: np.ndarray  # (n_devices, n_mox)
    device_drift: np.ndarray  # (n_devices, 2) baseline and gain rates
    session_subject: np.ndarray
    session_device: np.ndarray
    session_month: np.ndarray
    session_dilution: np.ndarray
    session_failed: np.ndarray
    session_noisy: np.ndarray
    session_resp_hz: np.ndarray
    cross_sensitivity: np.ndarray = field(repr=False)  # (n_mox, n_vocs), per ppb


def _correlated(rng: np.random.Generator, n: int, k: int, sd: float, rho: float) -> np.ndarray:
    cov = sd * sd * (rho * np.ones((k, k)) + (1 - rho) * np.eye(k))
    return rng.multivariate_normal(np.zeros(k), cov, size=n)


def make_world(params: CohortParams) -> World:
    """Draw subjects, sites, devices and sessions (no signals yet)."""
    rng = np.random.default_rng(params.seed)
    n, k = params.n_subjects, len(VOCS)
    if params.n_sites < 1 or params.n_devices < params.n_sites:
        raise ValueError("need at least one site and at least one device per site (--devices >= --sites)")
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
        np.log(np.array(list(VOCS.values())))[None, :]
        + _correlated(rng, n, k, params.voc_sd, params.voc_correlation)
        + stage_factor[:, None] * np.array(params.cancer_shift)[None, :]
        + smoke_level[:, None] * np.array(params.smoking_shift)[None, :]
        + copd[:, None] * np.array(params.copd_shift)[None, :]
        + 0.004 * (age - 64)[:, None] * np.eye(k)[0][None, :]
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
    # devices: at least one per site, the rest spread round-robin
    device_site = np.concatenate(
        [np.arange(params.n_sites), rng.integers(0, params.n_sites, params.n_devices - params.n_sites)]
    )
    devices = [f"SIMNOSE-{params.seed % 1000:03d}-{i + 1:02d}" for i in range(params.n_devices)]
    device_gain = np.exp(rng.normal(0, params.device_gain_sd, (params.n_devices, params.n_mox)))
    device_r0 = np.exp(rng.normal(np.log(50_000), 0.3, (params.n_devices, params.n_mox)))
    device_drift = rng.uniform(0.5, 1.5, (params.n_devices, 2)) * [
        params.drift_baseline_per_month,
        params.drift_gain_per_month,
    ]
    site_rh = rng.uniform(*params.site_rh_range, params.n_sites)
    ambient = np.array([100.0, 20.0, 300.0, 2.0, 2.0, 1.5, 1.0, 3.0])
    site_ambient = ambient[None, :] * np.exp(rng.normal(0, params.ambient_sd, (params.n_sites, k)))
    # sessions: one per subject, plus repeats
    repeats = np.flatnonzero(rng.random(n) < params.repeat_fraction)
    session_subject = np.concatenate([np.arange(n), repeats])
    n_sessions = session_subject.size
    session_device = np.empty(n_sessions, dtype=int)
    for i, s in enumerate(session_subject):
        options = np.flatnonzero(device_site == subject_site[s])
        session_device[i] = rng.choice(options)
    session_month = rng.uniform(0, params.study_months, n_sessions)
    # the sensor type's cross-sensitivity (fixed for the device model, not per unit)
    type_rng = np.random.default_rng(12345)
    cross = type_rng.uniform(0.0, 0.25, (params.n_mox, k))
    cross[np.arange(params.n_mox), np.arange(params.n_mox) % k] += 1.0  # each sensor has a favourite VOC
    cross /= np.array(list(VOCS.values()))[None, :]  # per ppb: each VOC loads its sensor alike at its median
    return World(
        params=params,
        subjects=subjects,
        cancer=cancer.astype(int),
        stage=[STAGES[stage_idx[i]] if cancer[i] else None for i in range(n)],
        histology=[str(rng.choice(HISTOLOGY, p=HISTOLOGY_P)) if cancer[i] else None for i in range(n)],
        voc_log_ppb=voc,
        sites=sites,
        site_rh=site_rh,
        site_ambient_ppb=site_ambient,
        devices=devices,
        device_site=device_site,
        device_gain=device_gain,
        device_r0=device_r0,
        device_drift=device_drift,
        session_subject=session_subject,
        session_device=session_device,
        session_month=session_month,
        session_dilution=np.exp(rng.normal(0, params.dilution_sd, n_sessions)),
        session_failed=rng.random(n_sessions) < params.p_failed,
        session_noisy=rng.random(n_sessions) < params.p_noisy,
        session_resp_hz=rng.uniform(0.2, 0.3, n_sessions),
        cross_sensitivity=cross,
    )


def _first_order(x: np.ndarray, tau_s: float, dt_s: float) -> np.ndarray:
    """First-order sensor response along the last axis, starting settled at the first value."""
    a = np.exp(-dt_s / tau_s)
    zi = (x[..., :1] * a).astype(float)
    y, _ = signal.lfilter([1 - a], [1, -a], x, axis=-1, zi=zi)
    return y


def render_sessions(world: World, sessions: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Signals of a batch of sessions: ``(t_s (n_samples,), values (n_batch, n_samples, n_channels) float32)``.

    Channel order is :func:`default_layout`: MOX resistances (ohm), temperature,
    relative humidity, pressure, CO2.
    """
    p = world.params
    dt = p.period_ms / 1000
    total = p.baseline_s + p.breath_s + p.purge_s
    t = np.arange(int(round(total / dt))) * dt
    n_b, n_t = sessions.size, t.size
    breath = (t >= p.baseline_s) & (t < p.baseline_s + p.breath_s)
    purge = t >= p.baseline_s + p.breath_s
    subj = world.session_subject[sessions]
    dev = world.session_device[sessions]
    site = world.device_site[dev]
    # fraction of exhaled breath at the sensor inlet: breathing cycles x mask fit
    phase0 = rng.uniform(0, 2 * np.pi, n_b)
    cycle = (
        np.clip(np.sin(2 * np.pi * world.session_resp_hz[sessions, None] * t[None, :] + phase0[:, None]), 0, 1) ** 0.5
    )
    fit = np.where(
        world.session_failed[sessions], rng.uniform(0.03, 0.15, n_b), 0.85 / world.session_dilution[sessions]
    )
    exhaled = np.where(breath[None, :], cycle * np.clip(fit, 0, 1)[:, None], 0.0)  # (n_b, n_t)
    ambient = world.site_ambient_ppb[site]  # (n_b, k)
    breath_ppb = np.exp(world.voc_log_ppb[subj])  # (n_b, k)
    # VOC at the inlet: ambient in baseline, mixture in breath, clean zero air in purge
    inlet = (
        np.where(purge[None, :, None], 0.0, ambient[:, None, :])
        + exhaled[..., None] * (breath_ppb - ambient)[:, None, :]
    )
    load = np.einsum("btk,sk->bst", inlet, world.cross_sensitivity)  # (n_b, n_mox, n_t), dimensionless
    load = _first_order(load, tau_s=8.0, dt_s=dt)
    rh_site = world.site_rh[site]
    rh = np.where(purge[None, :], 3.0, rh_site[:, None]) + exhaled * (92.0 - rh_site[:, None])
    rh_at_sensor = _first_order(rh, tau_s=4.0, dt_s=dt)
    month = world.session_month[sessions]
    drift_r0 = 1 + world.device_drift[dev, 0] * month
    drift_gain = np.clip(1 - world.device_drift[dev, 1] * month, 0.5, 1)
    gain = world.device_gain[dev] * drift_gain[:, None]  # (n_b, n_mox)
    humidity_coefficient = np.linspace(0.25, 0.45, p.n_mox)
    r = (
        (world.device_r0[dev] * drift_r0[:, None])[:, :, None]
        / (1 + 1.5 * gain[:, :, None] * load) ** 0.55
        * np.exp(-humidity_coefficient[None, :, None] * rh_at_sensor[:, None, :] / 100)
    )
    noise = np.where(world.session_noisy[sessions], 0.02, 0.0025)
    r = r * (1 + noise[:, None, None] * rng.standard_normal(r.shape))
    spikes = world.session_noisy[sessions][:, None, None] & (rng.random(r.shape) < 0.002)
    r = np.where(spikes, r * rng.uniform(0.3, 3.0, r.shape), r)
    co2 = 420 + _first_order(exhaled * 38_000, tau_s=0.7, dt_s=dt) + rng.normal(0, 15, (n_b, n_t))
    temp = 24.0 + rng.normal(0, 0.5, n_b)[:, None] + 2.0 * rh_at_sensor / 100 + rng.normal(0, 0.05, (n_b, n_t))
    pressure = 1013.0 + rng.normal(0, 3, n_b)[:, None] + 0.8 * exhaled + rng.normal(0, 0.05, (n_b, n_t))
    rh_measured = rh_at_sensor + rng.normal(0, 0.3, (n_b, n_t))
    values = np.concatenate(
        [r, temp[:, None, :], rh_measured[:, None, :], pressure[:, None, :], co2[:, None, :]], axis=1
    ).transpose(0, 2, 1)
    return t, values.astype(np.float32)


def simulate_cohort(
    db: str | Path | Store,
    params: CohortParams = CohortParams(),
    *,
    batch: int = 50,
    progress: bool = False,
    operator: str = "simulator",
) -> dict:
    """Simulate a cohort and write it to the database; return a summary (counts, sites, devices, session ids)."""
    store = db if isinstance(db, Store) else Store.open(db)
    try:
        world = make_world(params)
        layout = default_layout(params.n_mox)
        if len(layout) != params.n_mox + 4:
            raise ValueError("the emulator's default layout differs from the simulator's channel model")
        protocol = ScreeningProtocol(
            baseline_s=params.baseline_s, breath_s=params.breath_s, purge_s=params.purge_s, period_ms=params.period_ms
        ).as_dict()
        for serial in world.devices:
            store.upsert_device(serial, "SIMNOSE", "sim-1.0", params.period_ms, layout)
        now = utc_now()
        with store.conn:
            for i, s in enumerate(world.subjects):
                store.conn.execute(
                    """INSERT INTO subjects (code, created_at, site, age_years, sex, smoking, pack_years, copd,
                       previous_cancer) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(code) DO NOTHING""",
                    (s["code"], now, s["site"], s["age_years"], s["sex"], s["smoking"], s["pack_years"], s["copd"],
                     s["previous_cancer"]),
                )  # fmt: skip
                store.conn.execute(
                    """INSERT INTO labels (subject_code, cancer, histology, stage, diagnosis_date, source, entered_by,
                       entered_at) VALUES (?,?,?,?,?,?,?,?)""",
                    (s["code"], int(world.cancer[i]), world.histology[i], world.stage[i], None, "simulated", operator, now),
                )  # fmt: skip
        rng = np.random.default_rng(params.seed + 1)
        session_ids: list[int] = []
        n_sessions = world.session_subject.size
        inlets = [int(Inlet.AMBIENT), int(Inlet.MASK), int(Inlet.ZERO_AIR)]
        bounds = np.cumsum([0.0, params.baseline_s, params.breath_s, params.purge_s])
        with tqdm(total=n_sessions, desc="simulating sessions", unit="session", disable=not progress) as bar:
            for start in range(0, n_sessions, batch):
                ids = np.arange(start, min(n_sessions, start + batch))
                t, values = render_sessions(world, ids, rng)
                n_t = t.size
                for j, sid in enumerate(ids):
                    subject = world.subjects[world.session_subject[sid]]
                    device = world.devices[world.session_device[sid]]
                    writer = store.create_session(
                        operator=operator,
                        layout=layout,
                        period_ms=params.period_ms,
                        protocol={
                            **protocol,
                            "simulated": {"seed": params.seed, "month": round(float(world.session_month[sid]), 2)},
                        },
                        subject_code=subject["code"],
                        device_serial=device,
                        firmware="sim-1.0",
                        site=world.sites[world.device_site[world.session_device[sid]]],
                        kind="screening",
                    )
                    device_t0 = int(rng.integers(0, 2**31))
                    writer.append(
                        SampleBlock(
                            t_s=t,
                            device_seq=(np.arange(n_t) % 65536).astype(np.uint16),
                            device_t_ms=((device_t0 + np.arange(n_t) * params.period_ms) % 2**32).astype(np.uint32),
                            flags=np.zeros(n_t, np.uint16),
                            values=values[j],
                        )
                    )
                    for name, inlet, a, b in zip(
                        ("baseline", "breath", "purge"), inlets, bounds[:-1], bounds[1:], strict=True
                    ):
                        writer.phase(name, inlet, float(a), float(b))
                    writer.finish("complete")
                    session_ids.append(writer.session_id)
                    bar.update(1)
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
            "params": params.as_dict(),
        }
    finally:
        if not isinstance(db, Store):
            store.close()
