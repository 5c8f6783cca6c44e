"""Physical signal model of the e-nose: MOX array, capnography, humidity, mask pressure.

Used by the live emulator (in small blocks, between commands) and by offline
simulators (whole sessions in one call), so it is a pure, vectorised model: no
I/O, no wall clock, no Python loop over samples. Randomness comes from numpy
Generators seeded by the caller (unit variation from the serial number), never
from the clock, so a session is reproducible bit for bit.

The world it models
-------------------
Gas at the cell
    The pump draws gas from one of four inlets. ``AMBIENT``: room air with the
    site's VOC background (:class:`Environment`). ``MASK``: the patient's mask;
    during exhalation the line carries mostly alveolar gas (a fraction
    :data:`MASK_SAMPLING_FRACTION` of it, the rest entrained room air), during
    inhalation mostly room air, so VOCs reach the cell mostly on exhalation.
    ``ZERO_AIR``: charcoal-filtered purge, no VOC, dry. ``REFERENCE``: the
    calibration gas :data:`REFERENCE_GAS_PPB` (1 ppm ethanol, an alcohol, in dry
    synthetic air), whose steady response per channel is fixed by the unit.
    ``HUMID_ZERO_AIR`` (ICD revision 1.1): the same zero air through the unit's
    calibration humidifier, no VOC, at the humidifier's level
    (:attr:`UnitProfile.humidifier_rh_pct`, 78-88 % RH at the cell); the cell
    humidity reaches it with the humidity sensor's own time constant, and each
    sensor responds through its own humidity coefficient, as to any other gas.
    Gas reaches the cell :data:`LINE_DELAY_S` after it entered the mask. With the
    pump off no gas is drawn: the cell stagnates, the hot sensors burn off what
    they adsorbed (VOC load decays) and the cell humidity drifts to the room's.
MOX resistance (ohm), per sensor ``i``
    ``R_i = R0_i(t) / (1 + x_i) * exp(-h_i * RH/100) * (1 + noise)``, where the
    target load is the power law ``L_i = sum_j S_ij * c_j ** beta_i`` over the
    VOC classes ``c_j`` (ppb) and ``x_i`` follows it with Langmuir-like
    first-order kinetics: rate ``1/tau_decay + (1/tau_rise - 1/tau_decay) *
    L/(L + L_half)``, i.e. fast uptake under gas, slow recovery in clean air.
    ``R0_i(t)`` settles after power-up (warm-up excess decaying with
    ``warmup_s / 5``) and drifts slowly (fraction per hour). Noise is white plus
    a 1/f-like sum of three Ornstein-Uhlenbeck processes (0.5, 5 and 50 s).
Auxiliary channels
    Cell temperature (degC): heater set-point reached from room temperature
    during warm-up, warmed slightly by breath, small slow fluctuation; a
    modulated heater profile swings it by +-5 degC over 20 s (and the MOX with it).
    Cell relative humidity (%): first-order sensor (about 1 s) following the gas
    (breath 80-95 %, room 30-50 %, zero air and reference gas dry).
    Mask differential pressure (Pa): > 0 on exhalation, < 0 on inhalation,
    tens of pascals, 0 when the patient is not on the mask.
    Mask CO2 (ppm): a capnogram (dead space, steep rise, alveolar plateau rising
    to end-tidal 40,000-50,000 ppm, fall to the inspired room level) through a
    fast NDIR sensor (about 0.1 s).
Breathing
    Closed-form in time, so any block of samples can be computed alone: 12-16
    breaths/min with a slow, smooth rate variation, exhalation about 55-62 % of
    the cycle. The patient is assumed to breathe into the mask exactly while the
    inlet is ``MASK``.

Channel order of every array here is canonical: the ``n_mox`` MOX sensors, then
temperature, humidity, pressure, CO2 (:data:`AUX_KINDS`). The device maps it to
its INFO order.

All first-order dynamics are solved exactly for each sample interval (exact
exponential discretisation, zero-order hold on the input) with a parallel
prefix scan over the samples, so irregular sampling, gaps while the device is
idle and block boundaries are all handled without a Python loop, and a session
computed in one call equals the same session computed block by block.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from firmware_protocol.messages import ChannelKind, Inlet, SampleFlag

__all__ = [
    "VOC_CLASSES",
    "BREATH_MEDIAN_PPB",
    "REFERENCE_GAS_PPB",
    "AMBIENT_PPB",
    "AUX_KINDS",
    "MASK_SAMPLING_FRACTION",
    "LINE_DELAY_S",
    "INLET_SWITCHING_S",
    "LOW_FLOW_SCCM",
    "HUMIDIFIER_RH_RANGE_PCT",
    "MAX_INLET",
    "Environment",
    "SubjectProfile",
    "UnitProfile",
    "SensorModel",
    "inlet_per_sample",
    "simulate",
]

#: Breath VOC classes the model tracks (each stands for a family of compounds).
VOC_CLASSES: tuple[str, ...] = ("acetone", "isoprene", "aldehydes", "alkanes", "aromatics", "nitriles", "alcohols")
_N_VOC = len(VOC_CLASSES)
#: Population median of each class in exhaled alveolar breath of a healthy non-smoker, ppb.
BREATH_MEDIAN_PPB = np.array([450.0, 120.0, 8.0, 12.0, 2.0, 4.0, 150.0])
#: Between-subject log-SD and the share of it common to all classes (metabolic state, dilution).
BREATH_LOG_SD = 0.45
BREATH_LOG_CORRELATION = 0.3
#: Log-shifts of the class concentrations (natural log units, i.e. 0.5 = x1.65).
CANCER_LOG_SHIFT = np.array([0.10, -0.05, 0.35, 0.30, 0.0, 0.0, 0.0])
SMOKER_LOG_SHIFT = np.array([0.0, -0.15, 0.10, 0.05, 1.10, 1.30, 0.0])
COPD_LOG_SHIFT = np.array([0.0, 0.0, 0.15, 0.35, 0.0, 0.0, 0.0])
#: Typical indoor background, ppb (alcohols from hand sanitiser, alkanes from traffic).
AMBIENT_PPB = np.array([20.0, 2.0, 3.0, 10.0, 1.5, 0.5, 60.0])
#: Calibration gas on the REFERENCE inlet: 1 ppm ethanol (an alcohol) in dry synthetic air.
REFERENCE_GAS_PPB = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1000.0])
REFERENCE_GAS_RH_PCT = 2.0
ZERO_AIR_RH_PCT = 3.0
#: Range of the level a unit's calibration humidifier brings zero air to, at the cell, % RH (ICD: 75-90 %).
HUMIDIFIER_RH_RANGE_PCT = (78.0, 88.0)
#: Highest inlet code of the physics (HUMID_ZERO_AIR, ICD revision 1.1).
MAX_INLET = int(Inlet.HUMID_ZERO_AIR)
#: Auxiliary channels, in canonical order after the MOX sensors.
AUX_KINDS: tuple[ChannelKind, ...] = (
    ChannelKind.TEMPERATURE,
    ChannelKind.HUMIDITY,
    ChannelKind.PRESSURE,
    ChannelKind.CO2,
)
#: Share of alveolar gas in the sample line at the end of exhalation (the rest is entrained room air).
MASK_SAMPLING_FRACTION = 0.8
#: Transport delay from the mask to the sensor cell, s.
LINE_DELAY_S = 0.4
#: Duration of the INLET_SWITCHING flag after the valve moves, s.
INLET_SWITCHING_S = 0.5
#: Below this pump flow the cell gets no gas and LOW_FLOW is raised, sccm.
LOW_FLOW_SCCM = 50
#: Resistance range the ADC can measure; beyond it values are clipped and ADC_SATURATED is set, ohm.
ADC_RANGE_OHM = (100.0, 1.0e7)
_MMHG_TO_PPM = 1e6 / 760.0
_OU_TAUS_S = np.array([0.5, 5.0, 50.0])  # 1/f-like noise from three relaxation times
_L_HALF = 0.2  # load at which the uptake rate is halfway between decay and rise rates
_HEATER_SWING_C = 5.0
_HEATER_PERIOD_S = 20.0
_MOX_TEMP_COEFF_PER_C = 0.04  # resistance falls ~4 %/degC with cell temperature


@dataclass(frozen=True, eq=False)
class Environment:
    """The room or site: ambient VOC background (ppb, per :data:`VOC_CLASSES`), humidity, temperature, CO2."""

    ambient_ppb: np.ndarray = field(default_factory=lambda: AMBIENT_PPB.copy())
    room_rh_pct: float = 40.0
    room_temp_c: float = 22.0
    room_co2_ppm: float = 400.0

    @classmethod
    def sample(cls, rng: np.random.Generator) -> Environment:
        """A random site: background x lognormal(0, 0.5) per class, RH 30-50 %, 20-25 degC, CO2 350-400 ppm."""
        return cls(
            ambient_ppb=AMBIENT_PPB * np.exp(rng.normal(0.0, 0.5, _N_VOC)),
            room_rh_pct=float(rng.uniform(30.0, 50.0)),
            room_temp_c=float(rng.uniform(20.0, 25.0)),
            room_co2_ppm=float(rng.uniform(350.0, 400.0)),
        )


@dataclass(frozen=True, eq=False)
class SubjectProfile:
    """One person's breath: VOCs, breathing pattern, capnography, humidity, mask pressure.

    Attributes:
        voc_ppb: ``(n_voc,)`` alveolar concentration of each :data:`VOC_CLASSES` entry, ppb.
        breath_rate_per_min: mean breathing rate, breaths per minute (12-16).
        alveolar_co2_mmhg: alveolar CO2 partial pressure at the end of exhalation, mmHg
            (39-46.5); after mask sampling it reads as 40,000-50,000 ppm end-tidal.
        exhale_fraction: share of each cycle spent exhaling.
        breath_rh_pct: relative humidity of the exhaled gas at the cell, %.
        exhale_pressure_pa / inhale_pressure_pa: peak mask pressure swings, Pa (both > 0).
        rate_variation: ``(3, 3)`` rows of (relative amplitude, frequency Hz, phase rad)
            of the slow variation of the breathing rate.
        cancer, smoker, copd: what the profile was drawn for (labels, not used by the physics).
    """

    voc_ppb: np.ndarray
    breath_rate_per_min: float = 14.0
    alveolar_co2_mmhg: float = 42.0
    exhale_fraction: float = 0.6
    breath_rh_pct: float = 92.0
    exhale_pressure_pa: float = 25.0
    inhale_pressure_pa: float = 15.0
    rate_variation: np.ndarray = field(
        default_factory=lambda: np.array([[0.03, 0.011, 0.3], [0.025, 0.023, 2.1], [0.02, 0.041, 4.0]])
    )
    cancer: bool = False
    smoker: bool = False
    copd: bool = False

    @classmethod
    def sample(cls, rng: np.random.Generator, cancer: bool, smoker: bool = False, copd: bool = False) -> SubjectProfile:
        """Draw one subject from ``rng``.

        The class distributions overlap: cancer shifts aldehydes and alkanes up by
        about 0.7 between-subject SD (single-class AUC about 0.7); smoking
        (aromatics, nitriles) and COPD (alkanes, aldehydes) are confounders.
        """
        common = rng.standard_normal()
        own = rng.standard_normal(_N_VOC)
        z = np.sqrt(BREATH_LOG_CORRELATION) * common + np.sqrt(1 - BREATH_LOG_CORRELATION) * own
        log_ppb = np.log(BREATH_MEDIAN_PPB) + BREATH_LOG_SD * z
        log_ppb = log_ppb + cancer * CANCER_LOG_SHIFT + smoker * SMOKER_LOG_SHIFT + copd * COPD_LOG_SHIFT
        variation = np.column_stack(
            [rng.uniform(0.01, 0.035, 3), rng.uniform(0.005, 0.05, 3), rng.uniform(0, 2 * np.pi, 3)]
        )
        return cls(
            voc_ppb=np.exp(log_ppb),
            breath_rate_per_min=float(rng.uniform(12.5, 15.5)),
            alveolar_co2_mmhg=float(rng.uniform(39.0, 46.5)),
            exhale_fraction=float(rng.uniform(0.55, 0.62)),
            breath_rh_pct=float(rng.uniform(86.0, 95.0)),
            exhale_pressure_pa=float(rng.uniform(15.0, 40.0)),
            inhale_pressure_pa=float(rng.uniform(10.0, 30.0)),
            rate_variation=variation,
            cancer=bool(cancer),
            smoker=bool(smoker),
            copd=bool(copd),
        )

    @classmethod
    def preset(cls, name: str) -> SubjectProfile:
        """The named demo subjects: ``"control"`` (median breath) or ``"cancer"`` (median plus the cancer shift)."""
        if name == "control":
            return cls(voc_ppb=BREATH_MEDIAN_PPB.copy())
        if name == "cancer":
            return cls(voc_ppb=BREATH_MEDIAN_PPB * np.exp(CANCER_LOG_SHIFT), cancer=True)
        raise ValueError(f"unknown subject preset {name!r}; choose 'control' or 'cancer'")

    @property
    def end_tidal_co2_ppm(self) -> float:
        """CO2 the mask sensor reads at the end of a typical exhalation, ppm."""
        return self.alveolar_co2_mmhg * _MMHG_TO_PPM * MASK_SAMPLING_FRACTION

    @property
    def period_s(self) -> float:
        return 60.0 / self.breath_rate_per_min

    def breath_cycles(self, t_s: np.ndarray) -> np.ndarray:
        """Breathing phase in cycles (integer part = breath index) at times ``t_s`` ``(n,)``, s."""
        f0 = self.breath_rate_per_min / 60.0
        amp, freq, phase = self.rate_variation.T
        wobble = (amp * f0 / (2 * np.pi * freq))[None, :] * np.sin(
            2 * np.pi * freq[None, :] * t_s[:, None] + phase[None, :]
        )
        return f0 * t_s + wobble.sum(axis=1)

    def exhaled_fraction(self, t_s: np.ndarray) -> np.ndarray:
        """Normalised capnogram ``(n,)`` in [0, ~1]: share of alveolar gas in the mask at ``t_s``.

        Phase I (dead space, first 8 % of exhalation), phase II (steep rise, 0.05 of
        the exhalation), phase III (plateau rising 7 % to the end), then a fast fall
        (60 ms) on inhalation. Each breath's height varies by +-0.5 %.
        """
        cycles = self.breath_cycles(t_s)
        index = np.floor(cycles)
        p = cycles - index
        e = self.exhale_fraction
        u = p / e
        exhale = (1.0 - np.exp(-np.maximum(u - 0.08, 0.0) / 0.05)) * (0.93 + 0.07 * u)
        end = (1.0 - np.exp(-0.92 / 0.05)) * 1.0
        inhale = end * np.exp(-np.maximum(p - e, 0.0) * self.period_s / 0.06)
        height = 1.0 + 0.005 * np.sin(index * 12.9898 + 78.233)
        return np.where(p < e, exhale, inhale) * height

    def mask_pressure_pa(self, t_s: np.ndarray) -> np.ndarray:
        """Mask differential pressure ``(n,)`` at ``t_s``, Pa: positive exhaling, negative inhaling."""
        cycles = self.breath_cycles(t_s)
        p = cycles - np.floor(cycles)
        e = self.exhale_fraction
        exhale = self.exhale_pressure_pa * np.sin(np.pi * np.clip(p / e, 0, 1)) ** 0.7
        inhale = -self.inhale_pressure_pa * np.sin(np.pi * np.clip((p - e) / (1 - e), 0, 1)) ** 0.7
        return np.where(p < e, exhale, inhale)


def _seed_from_serial(serial: str) -> int:
    # hashlib, not hash(): Python salts str hashes per process.
    return int.from_bytes(hashlib.sha256(serial.encode("utf-8")).digest()[:8], "little")


#: Seed of the emulated device model's sensor types (part numbers): the same in every unit and every process.
_SENSOR_TYPES_SEED = 0x5E2502


def sensor_types() -> tuple[np.ndarray, np.ndarray]:
    """The sensor types' shared constants: exponents ``(n_voc,)`` and cross-sensitivity ``(n_voc, n_voc)``.

    Type ``k`` responds most to VOC class ``k`` (selectivity 1) and 5-30 % as much
    to the others; its exponent is 0.3-0.8. Fixed for the device model, so units
    differ mostly by a gain per sensor, which one reference gas can measure.
    """
    rng = np.random.default_rng(_SENSOR_TYPES_SEED)
    beta = rng.uniform(0.3, 0.8, _N_VOC)
    selectivity = rng.uniform(0.05, 0.3, (_N_VOC, _N_VOC))
    selectivity[np.arange(_N_VOC), np.arange(_N_VOC)] = 1.0
    return beta, selectivity


@dataclass(frozen=True, eq=False)
class UnitProfile:
    """One manufactured unit: every per-sensor constant, fixed by the serial number.

    Array attributes are ``(n_mox,)`` unless stated.

    Attributes:
        r0_ohm: clean-air baseline resistance at the operating temperature, ohm (1e4..2e5).
        sensitivity: ``(n_mox, n_voc)`` power-law coefficients S_ij, per ppb**beta_i.
        beta: power-law exponents (0.3-0.8).
        humidity_coeff: ``R *= exp(-h * RH/100)``, dimensionless (0.2-0.6).
        tau_rise_s / tau_decay_s: uptake and recovery time constants, s.
        drift_per_h: relative baseline drift, per hour of operation.
        warmup_excess: relative baseline excess just after power-up.
        noise_white / noise_flicker: relative noise SDs (white, and each 1/f component).
        cell_setpoint_c: heater set-point of the cell, degC.
        rh_tau_s / co2_tau_s: humidity and CO2 sensor time constants, s.
        co2_gain: CO2 sensor calibration factor (1 +- 0.5 %).
        humidifier_rh_pct: cell humidity the unit's calibration humidifier reaches on
            ``HUMID_ZERO_AIR``, % (78-88).
    """

    serial: str
    n_mox: int
    r0_ohm: np.ndarray
    sensitivity: np.ndarray
    beta: np.ndarray
    humidity_coeff: np.ndarray
    tau_rise_s: np.ndarray
    tau_decay_s: np.ndarray
    drift_per_h: np.ndarray
    warmup_excess: np.ndarray
    noise_white: np.ndarray
    noise_flicker: np.ndarray
    cell_setpoint_c: float
    rh_tau_s: float
    co2_tau_s: float
    co2_gain: float
    humidifier_rh_pct: float = 83.0

    @classmethod
    def from_serial(cls, serial: str, n_mox: int) -> UnitProfile:
        """The unit with this serial number (same serial, same unit, in every process).

        Sensor ``i`` is of type ``i % n_voc``: it responds most to that VOC class
        and 5-30 % as much to the others; its sensitivities are normalised so a
        median breath concentration of its favourite class lowers its resistance
        by about a third, then varied per unit (log-SD 0.3).

        What a sensor *type* fixes is shared by every unit, as with a real sensor
        part number: the power-law exponent (0.3-0.8) and the cross-sensitivity
        pattern (:func:`sensor_types`). A unit varies around its type: overall
        sensitivity (log-SD 0.3, the large manufacturing spread a reference-gas
        calibration measures), exponent (SD 0.03) and cross-sensitivities (log-SD 0.15).
        """
        if n_mox < 1:
            raise ValueError(f"a unit needs at least one MOX sensor, got n_mox={n_mox}")
        rng = np.random.default_rng(_seed_from_serial(serial))
        type_beta, type_selectivity = sensor_types()
        kind = np.arange(n_mox) % _N_VOC
        beta = np.clip(type_beta[kind] + rng.normal(0.0, 0.03, n_mox), 0.3, 0.8)
        selectivity = type_selectivity[kind] * np.exp(rng.normal(0.0, 0.15, (n_mox, _N_VOC)))
        selectivity[np.arange(n_mox), kind] = 1.0
        gain = np.exp(rng.normal(0.0, 0.3, (n_mox, 1)))
        sensitivity = 0.3 * gain * selectivity / BREATH_MEDIAN_PPB[None, :] ** beta[:, None]
        tau_rise = rng.uniform(1.5, 4.0, n_mox)
        return cls(
            serial=serial,
            n_mox=n_mox,
            r0_ohm=np.exp(rng.uniform(np.log(1e4), np.log(2e5), n_mox)),
            sensitivity=sensitivity,
            beta=beta,
            humidity_coeff=rng.uniform(0.2, 0.6, n_mox),
            tau_rise_s=tau_rise,
            tau_decay_s=tau_rise * rng.uniform(2.0, 4.0, n_mox),
            drift_per_h=rng.normal(0.0, 0.01, n_mox),
            warmup_excess=rng.uniform(0.5, 1.5, n_mox),
            noise_white=rng.uniform(0.0005, 0.002, n_mox),
            noise_flicker=rng.uniform(0.0005, 0.0015, n_mox),
            cell_setpoint_c=float(rng.uniform(35.0, 40.0)),
            rh_tau_s=float(rng.uniform(0.8, 1.5)),
            co2_tau_s=float(rng.uniform(0.08, 0.12)),
            co2_gain=float(1.0 + rng.uniform(-0.005, 0.005)),
            # its own stream, so the humidifier leaves every other constant of an existing unit unchanged
            humidifier_rh_pct=float(
                np.random.default_rng([_seed_from_serial(serial), 0x4D1D]).uniform(*HUMIDIFIER_RH_RANGE_PCT)
            ),
        )

    def load(self, voc_ppb: np.ndarray) -> np.ndarray:
        """Steady power-law load ``L = sum_j S_ij c_j**beta_i``: ``(..., n_voc)`` ppb -> ``(..., n_mox)``."""
        c = np.maximum(np.asarray(voc_ppb, dtype=float), 0.0)
        return np.einsum("...ij,ij->...i", c[..., None, :] ** self.beta[:, None], self.sensitivity)

    def steady_resistance(self, voc_ppb: np.ndarray, rh_pct: float, hours: float = 0.0) -> np.ndarray:
        """Noise-free settled resistance ``(n_mox,)`` in ohm for a gas, after warm-up."""
        r0 = self.r0_ohm * (1.0 + self.drift_per_h * hours)
        return r0 / (1.0 + self.load(voc_ppb)) * np.exp(-self.humidity_coeff * rh_pct / 100.0)

    def reference_response(self) -> np.ndarray:
        """Settled resistance ratio R(reference gas) / R(zero air), ``(n_mox,)``: the unit's calibration fingerprint."""
        return self.steady_resistance(REFERENCE_GAS_PPB, REFERENCE_GAS_RH_PCT) / self.steady_resistance(
            np.zeros(_N_VOC), REFERENCE_GAS_RH_PCT
        )


def _affine_scan(a: np.ndarray, b: np.ndarray, x0: np.ndarray) -> np.ndarray:
    """Solve ``x[n] = a[n] * x[n-1] + b[n]`` with ``x[-1] = x0`` for every ``n`` at once.

    ``a``, ``b``: ``(n, m)``; ``x0``: ``(m,)``. A Hillis-Steele prefix scan over the
    composition of affine maps: ``log2(n)`` vectorised passes, and stable because
    it only ever multiplies the ``a`` (all in [0, 1]) together.
    """
    a = a.copy()
    b = b.copy()
    d = 1
    n = a.shape[0]
    while d < n:
        b[d:] = a[d:] * b[:-d] + b[d:]
        a[d:] = a[d:] * a[:-d]
        d *= 2
    return a * x0[None, :] + b


class SensorModel:
    """Stateful signal generator for one unit, one subject, one room.

    Call :meth:`step` with consecutive blocks of sample times; the sensor
    dynamics and noise continue across blocks exactly (a block split anywhere
    gives the same values as one call, to float rounding). Times are device
    seconds since power-up (they drive warm-up and drift), strictly increasing.

    Output: ``values`` ``(n_samples, n_mox + 4)`` float32 in canonical order (MOX
    ohm, temperature degC, humidity %, pressure Pa, CO2 ppm) and ``flags``
    ``(n_samples,)`` uint16 (:class:`SampleFlag` bits WARMING_UP, INLET_SWITCHING,
    LOW_FLOW, ADC_SATURATED).
    """

    def __init__(
        self,
        unit: UnitProfile,
        subject: SubjectProfile | None = None,
        environment: Environment | None = None,
        *,
        seed: int | np.random.SeedSequence = 0,
        warmup_s: float = 30.0,
        inlet: int = Inlet.AMBIENT,
        flow_sccm: int = 250,
        heater_profile: int = 0,
    ) -> None:
        self.unit = unit
        self.subject = subject if subject is not None else SubjectProfile.preset("control")
        self.environment = environment if environment is not None else Environment()
        self.warmup_s = float(warmup_s)
        self.inlet = int(inlet)
        self.flow_sccm = int(flow_sccm)
        self.heater_profile = int(heater_profile)
        sequence = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
        white, ou, start = sequence.spawn(3)
        # One generator per noise source, each drawing one array per block: the
        # stream is then the same however the samples are split into blocks.
        self._rng_white = np.random.default_rng(white)
        self._rng_ou = np.random.default_rng(ou)
        n = unit.n_mox
        self._n_ou = 3 * n + 1  # three 1/f components per MOX sensor, one for the cell temperature
        env = self.environment
        self._ou_tau = np.concatenate([np.repeat(_OU_TAUS_S, n), [20.0]])
        self._ou_sd = np.concatenate([np.tile(unit.noise_flicker, 3), [0.05]])
        ou0 = self._ou_sd * np.random.default_rng(start).standard_normal(self._n_ou)  # stationary start
        # state: MOX surface load (n), OU noise (3n + 1), cell RH, mask CO2
        self._x = np.concatenate([np.zeros(n), ou0, [env.room_rh_pct, env.room_co2_ppm]])
        self._t_last: float | None = None
        self._switch_t = -np.inf
        self._gas = np.stack(
            [env.ambient_ppb, env.ambient_ppb, np.zeros(_N_VOC), REFERENCE_GAS_PPB, np.zeros(_N_VOC)]
        )  # indexed by Inlet code
        self._rh_base = np.array(
            [env.room_rh_pct, env.room_rh_pct, ZERO_AIR_RH_PCT, REFERENCE_GAS_RH_PCT, unit.humidifier_rh_pct]
        )

    @property
    def n_channels(self) -> int:
        return self.unit.n_mox + len(AUX_KINDS)

    @property
    def channel_kinds(self) -> tuple[ChannelKind, ...]:
        """Kind of each output column, canonical order."""
        return (ChannelKind.MOX,) * self.unit.n_mox + AUX_KINDS

    # -- controls ------------------------------------------------------------

    def set_inlet(self, inlet: int, t_s: float) -> None:
        """Move the inlet valve at device time ``t_s`` (starts the INLET_SWITCHING window if it moved)."""
        _check_inlet(inlet)
        if int(inlet) != self.inlet:
            self.inlet = int(inlet)
            self._switch_t = float(t_s)

    def set_flow(self, flow_sccm: int) -> None:
        self.flow_sccm = int(flow_sccm)

    def set_heater(self, heater_profile: int) -> None:
        self.heater_profile = int(heater_profile)

    def flags_at(self, t_s: float) -> int:
        """The state flags at device time ``t_s`` without generating a sample (for STATUS)."""
        flags = 0
        if t_s < self.warmup_s:
            flags |= SampleFlag.WARMING_UP
        if t_s - self._switch_t < INLET_SWITCHING_S:
            flags |= SampleFlag.INLET_SWITCHING
        if self.flow_sccm < LOW_FLOW_SCCM:
            flags |= SampleFlag.LOW_FLOW
        return int(flags)

    # -- generation --------------------------------------------------------------

    def step(self, t_s: np.ndarray, inlet: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Generate the samples at device times ``t_s`` ``(n,)`` s with the inlet held at ``inlet``
        (default: the current one). Returns ``values (n, n_channels) float32, flags (n,) uint16``."""
        t = np.asarray(t_s, dtype=float)
        code = self.inlet if inlet is None else int(inlet)
        _check_inlet(code)
        return self._render(t, np.full(t.shape, code, dtype=np.int8))

    def simulate(
        self, t_s: np.ndarray, inlet_schedule: np.ndarray | Sequence[tuple[float, int]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Generate a whole session in one vectorised call, continuing from the current state.

        ``inlet_schedule`` is either ``(n,)`` inlet codes, one per sample, or a list of
        ``(start_s, inlet)`` steps in time order (before the first step the current inlet holds).
        """
        t = np.asarray(t_s, dtype=float)
        return self._render(t, inlet_per_sample(t, inlet_schedule, self.inlet))

    def _render(self, t: np.ndarray, inlets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n = t.shape[0]
        unit, subject, env = self.unit, self.subject, self.environment
        n_mox = unit.n_mox
        if n == 0:
            return np.empty((0, self.n_channels), np.float32), np.empty(0, np.uint16)
        if np.any(np.diff(t) <= 0) or (self._t_last is not None and t[0] <= self._t_last):
            raise ValueError("sample times must be strictly increasing across calls")
        inlets = inlets.astype(np.intp)
        dt = np.diff(t, prepend=t[0] if self._t_last is None else self._t_last)

        # valve moves and their INLET_SWITCHING windows
        previous = np.concatenate(([self.inlet], inlets[:-1]))
        switch_t = np.where(inlets != previous, t, -np.inf)
        switch_t[0] = max(switch_t[0], self._switch_t)
        switch_t = np.maximum.accumulate(switch_t)

        # gas reaching the cell
        pumping = self.flow_sccm >= LOW_FLOW_SCCM
        on_mask = inlets == Inlet.MASK
        breath_cell = np.where(on_mask, subject.exhaled_fraction(t - LINE_DELAY_S), 0.0)
        w = MASK_SAMPLING_FRACTION * breath_cell
        voc = self._gas[inlets] + w[:, None] * (subject.voc_ppb - env.ambient_ppb)[None, :]
        rh_target = self._rh_base[inlets] + on_mask * (subject.breath_rh_pct - env.room_rh_pct) * (
            0.7 + 0.3 * breath_cell
        )
        if not pumping:
            voc = np.zeros_like(voc)
            rh_target = np.full(n, env.room_rh_pct)
        breath_mask = np.where(on_mask, subject.exhaled_fraction(t), 0.0)
        co2_alveolar = subject.alveolar_co2_mmhg * _MMHG_TO_PPM
        co2_target = env.room_co2_ppm + (co2_alveolar - env.room_co2_ppm) * MASK_SAMPLING_FRACTION * breath_mask

        # exact first-order dynamics of every state, one scan
        load = unit.load(voc)  # (n, n_mox)
        rate = 1 / unit.tau_decay_s + (1 / unit.tau_rise_s - 1 / unit.tau_decay_s) * load / (load + _L_HALF)
        a_mox = np.exp(-rate * dt[:, None])
        a_ou = np.exp(-dt[:, None] / self._ou_tau[None, :])
        innovations = self._rng_ou.standard_normal((n, self._n_ou))
        a_rh = np.exp(-dt / unit.rh_tau_s)
        a_co2 = np.exp(-dt / unit.co2_tau_s)
        a = np.concatenate([a_mox, a_ou, a_rh[:, None], a_co2[:, None]], axis=1)
        b = np.concatenate(
            [
                (1 - a_mox) * load,
                self._ou_sd[None, :] * np.sqrt(1 - a_ou**2) * innovations,
                ((1 - a_rh) * rh_target)[:, None],
                ((1 - a_co2) * co2_target)[:, None],
            ],
            axis=1,
        )
        x = _affine_scan(a, b, self._x)
        surface = x[:, :n_mox]
        ou = x[:, n_mox : n_mox + self._n_ou]
        rh_cell, co2_mask = x[:, -2], x[:, -1]

        # measured values
        white = self._rng_white.standard_normal((n, self.n_channels))
        settle = np.exp(-t / (self.warmup_s / 5)) if self.warmup_s > 0 else np.zeros(n)
        heater_c = (
            _HEATER_SWING_C * np.sin(2 * np.pi * t / _HEATER_PERIOD_S) if self.heater_profile == 1 else np.zeros(n)
        )
        r0 = unit.r0_ohm[None, :] * (1 + unit.drift_per_h[None, :] * (t / 3600)[:, None])
        r0 = r0 * (1 + unit.warmup_excess[None, :] * settle[:, None])
        flicker = ou[:, :n_mox] + ou[:, n_mox : 2 * n_mox] + ou[:, 2 * n_mox : 3 * n_mox]
        resistance = (
            r0
            / (1 + surface)
            * np.exp(-unit.humidity_coeff[None, :] * rh_cell[:, None] / 100)
            * np.exp(-_MOX_TEMP_COEFF_PER_C * heater_c)[:, None]
            * (1 + flicker + unit.noise_white[None, :] * white[:, :n_mox])
        )
        saturated = np.any((resistance < ADC_RANGE_OHM[0]) | (resistance > ADC_RANGE_OHM[1]), axis=1)
        resistance = np.clip(resistance, *ADC_RANGE_OHM)
        temperature = (
            unit.cell_setpoint_c
            + (env.room_temp_c - unit.cell_setpoint_c) * settle
            + heater_c
            + 0.3 * w
            + ou[:, -1]
            + 0.02 * white[:, n_mox]
        )
        humidity = np.clip(rh_cell + 0.3 * white[:, n_mox + 1], 0.0, 100.0)
        pressure = np.where(on_mask, subject.mask_pressure_pa(t), 0.0) + 0.3 * white[:, n_mox + 2]
        co2 = np.maximum(co2_mask * unit.co2_gain + 25.0 * white[:, n_mox + 3], 0.0)

        values = np.empty((n, self.n_channels), np.float32)
        values[:, :n_mox] = resistance
        values[:, n_mox] = temperature
        values[:, n_mox + 1] = humidity
        values[:, n_mox + 2] = pressure
        values[:, n_mox + 3] = co2
        flags = np.zeros(n, np.uint16)
        flags[t < self.warmup_s] |= np.uint16(SampleFlag.WARMING_UP)
        flags[t - switch_t < INLET_SWITCHING_S] |= np.uint16(SampleFlag.INLET_SWITCHING)
        flags[saturated] |= np.uint16(SampleFlag.ADC_SATURATED)
        if not pumping:
            flags |= np.uint16(SampleFlag.LOW_FLOW)

        self._x = x[-1].copy()
        self._t_last = float(t[-1])
        self.inlet = int(inlets[-1])
        self._switch_t = float(switch_t[-1])
        return values, flags


_INLETS_TEXT = "0 AMBIENT, 1 MASK, 2 ZERO_AIR, 3 REFERENCE or 4 HUMID_ZERO_AIR"


def _check_inlet(inlet: int) -> None:
    if not 0 <= int(inlet) <= MAX_INLET:
        raise ValueError(f"inlet {inlet} is not one of {_INLETS_TEXT}")


def inlet_per_sample(
    t_s: np.ndarray, schedule: np.ndarray | Sequence[tuple[float, int]], initial: int = Inlet.AMBIENT
) -> np.ndarray:
    """Expand an inlet schedule to one code per sample: ``(n,)`` codes pass through, a list of
    ``(start_s, inlet)`` steps is looked up by time (``initial`` before the first step)."""
    t = np.asarray(t_s, dtype=float)
    array = np.asarray(schedule)
    if array.ndim == 1 and array.shape == t.shape:
        codes = array.astype(np.int8)
    else:
        steps = sorted((float(start), int(code)) for start, code in schedule)
        starts = np.array([s for s, _ in steps])
        table = np.array([initial] + [c for _, c in steps], dtype=np.int8)
        codes = table[np.searchsorted(starts, t, side="right")]
    if codes.size and (codes.min() < 0 or codes.max() > MAX_INLET):
        raise ValueError(f"inlet codes must be {_INLETS_TEXT}")
    return codes


def simulate(
    unit: UnitProfile,
    subject: SubjectProfile | None,
    t_s: np.ndarray,
    inlet_schedule: np.ndarray | Sequence[tuple[float, int]],
    *,
    environment: Environment | None = None,
    seed: int | np.random.SeedSequence = 0,
    warmup_s: float = 30.0,
    flow_sccm: int = 250,
    heater_profile: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """One whole session from power-up, without the serial link (for cohort simulators).

    ``t_s`` ``(n,)`` device seconds since power-up; returns ``values (n, n_mox + 4)
    float32`` (canonical order) and ``flags (n,) uint16``. Pure: same arguments, same arrays.
    """
    model = SensorModel(
        unit, subject, environment, seed=seed, warmup_s=warmup_s, flow_sccm=flow_sccm, heater_profile=heater_profile
    )
    return model.simulate(t_s, inlet_schedule)
