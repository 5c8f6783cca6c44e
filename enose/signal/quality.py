"""The quality gate: may a risk score be given for this session, and if not, why.

Each finding is a :class:`Reason` with a stable ``code`` (stored in the
database, used by the GUI to pick a translated text), a ``severity``
(``block``: no score may be given; ``warn``: shown, scoring allowed), a short
English ``message`` (a literal per code in :data:`MESSAGES`, ready for
translation: numbers go in ``detail``, never into the message) and a
``detail`` dict (channel names, measured values, thresholds).

Checks whose input is missing are not run (a dead CO2 channel is reported as
``dead_channel``, not also as ``too_few_breaths``), so each fault gives one
reason. Thresholds: :class:`~enose.signal.config.QualityConfig`.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass, field

import numpy as np

from enose.recording import Recording
from enose.signal._stats import nanmedian
from enose.signal.breath import breath_cycles
from enose.signal.calibration import DeviceCalibration
from enose.signal.config import DEFAULT_PROCESSING, DEFAULT_QUALITY, ProcessingConfig, QualityConfig
from enose.signal.features import SessionGrids, preprocess, session_grids
from enose.signal.grid import lost_sample_count
from firmware_protocol.messages import ChannelKind, Inlet, SampleFlag

__all__ = ["Severity", "Reason", "MESSAGES", "SEVERITIES", "QualityBlocked", "quality_gate", "is_blocked",
           "lost_samples"]

log = logging.getLogger(__name__)


class Severity(enum.StrEnum):
    BLOCK = "block"
    WARN = "warn"


#: One short, literal, translatable message per reason code.
MESSAGES: dict[str, str] = {
    "missing_phase": "The session lacks a baseline or breath phase, or it is too short.",
    "missing_channel": "The device has no channel of a kind the analysis needs.",
    "warming_up": "The sensors were still warming up during the measurement.",
    "baseline_unstable": "The sensor baseline was unstable before the breath sample.",
    "too_few_breaths": "Too few valid breath cycles were recorded.",
    "dead_channel": "A sensor channel gave no data.",
    "saturated_channel": "A sensor channel was saturated.",
    "flat_channel": "A sensor channel did not change at all.",
    "humidity_out_of_range": "The room humidity was outside the allowed range.",
    "temperature_out_of_range": "The sensor cell temperature was outside the allowed range.",
    "ambient_contaminated": "The room air was contaminated with volatile compounds.",
    "lost_samples": "Too many samples were lost during the recording.",
    "interrupted_breath": "The recording was interrupted during the breath sample.",
    "interrupted_other_phase": "The recording was interrupted outside the breath sample.",
    "device_fault": "The device reported a heater, pump or flow fault.",
    "no_purge": "The session has no purge phase; recovery features are missing.",
    "calibration_overdue": "The device had no recent zero-air calibration when the session was recorded.",
}

#: Severity of each code (fixed: a code means the same thing everywhere).
SEVERITIES: dict[str, Severity] = {
    code: Severity.WARN if code in ("interrupted_other_phase", "no_purge", "calibration_overdue") else Severity.BLOCK
    for code in MESSAGES
}


@dataclass(frozen=True)
class Reason:
    """One finding of the quality gate (``code`` stable, ``message`` translatable, ``detail`` data)."""

    code: str
    severity: Severity
    message: str
    detail: dict = field(default_factory=dict)

    @classmethod
    def of(cls, code: str, **detail) -> Reason:
        return cls(code, SEVERITIES[code], MESSAGES[code], detail)

    def as_dict(self) -> dict:
        return {"code": self.code, "severity": str(self.severity), "message": self.message, "detail": self.detail}


class QualityBlocked(Exception):
    """Raised by callers that need a score when the gate blocked the session; carries the reasons."""

    def __init__(self, reasons: list[Reason]) -> None:
        self.reasons = [r for r in reasons if r.severity == Severity.BLOCK]
        codes = ", ".join(r.code for r in self.reasons)
        super().__init__(f"no score may be given for this session ({codes}); repeat the measurement")


def is_blocked(reasons: list[Reason]) -> bool:
    """True when any reason blocks scoring."""
    return any(r.severity == Severity.BLOCK for r in reasons)


def _flag_fraction(flags: np.ndarray, mask: np.ndarray, bits: int) -> float:
    return float(((flags[mask] & bits) != 0).mean()) if mask.any() else 0.0


def _robust_slope_noise(t: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares slope (per s) and robust noise SD of ``y`` ``(n_channels, n)`` over ``t`` ``(n,)``."""
    ok = np.isfinite(y)
    n = ok.sum(axis=-1)
    tt = np.broadcast_to(t, y.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        tm = np.where(ok, tt, 0).sum(-1) / n
        ym = np.where(ok, y, 0).sum(-1) / n
        tc = np.where(ok, tt - tm[:, None], 0)
        slope = (tc * np.where(ok, y - ym[:, None], 0)).sum(-1) / (tc**2).sum(-1)
        # a live sensor reading 0 twice running gives ln 0 = -inf twice: their difference is NaN, not a warning
        d = np.diff(y, axis=-1)
        noise = 1.4826 * nanmedian(np.abs(d - nanmedian(d)[:, None])) / np.sqrt(2)
    return slope, noise


def lost_samples(rec: Recording) -> int:
    """The samples a session lost: the one number of the summary, QC, GUI and exports.

    The larger of what the acquisition counted from the device clock (``meta["lost_samples"]``) and
    what the stored times show (:func:`lost_sample_count`). Why both: a device that reboots after a
    pulled cable restarts its clock, so the acquisition sees a new epoch, not a gap, while the
    session time keeps the outage as a hole in ``t_s``.
    """
    t = rec.t_s
    counted = int(rec.meta.get("lost_samples", 0) or 0)
    return max(counted, lost_sample_count(t, rec.period_ms / 1000.0) if t.size > 1 else 0)


def quality_gate(
    rec: Recording,
    *,
    calibration: DeviceCalibration | None = None,
    config: QualityConfig = DEFAULT_QUALITY,
    processing: ProcessingConfig = DEFAULT_PROCESSING,
    grids: SessionGrids | None = None,
) -> list[Reason]:
    """Every quality finding of one session (empty list: clean).

    Args:
        rec: the session as recorded (any channel order; ``meta`` may hold
            ``lost_samples`` and ``interruptions``).
        calibration: the device's latest zero-air calibration; without it the
            ambient check compares the baseline with the session's own purge tail.
        config: thresholds.
        processing: grid and breath-cycle definition (shared with the features).
        grids: the session's :func:`session_grids` under ``processing``, when the caller already has
            them (the features need the same ones): not resampled twice.

    Returns:
        Reasons in a fixed order; block reasons mean no score may be given.
    """
    base_p, breath_p = rec.phase("baseline"), rec.phase("breath")
    short = []
    tol_s = 1e-6  # phase bounds are sums of float seconds
    if base_p is None or base_p.end_s - base_p.start_s < config.min_baseline_s - tol_s:
        short.append("baseline")
    if breath_p is None or breath_p.end_s - breath_p.start_s < config.min_breath_s - tol_s:
        short.append("breath")
    if short:
        return [Reason.of("missing_phase", phases=short)]
    gate = _Gate.of(rec, calibration, config, processing, grids)
    return [reason for check in CHECKS for reason in check(gate)]


@dataclass
class _Gate:
    """What every check reads: the session, its phases and masks, the thresholds; ``bad`` is set by
    :func:`_check_channels` (dead, flat or saturated channels) for the checks after it."""

    rec: Recording
    calibration: DeviceCalibration | None
    config: QualityConfig
    processing: ProcessingConfig
    grids: SessionGrids | None
    base_p: object
    breath_p: object
    purge_p: object
    in_base: np.ndarray
    in_base_window: np.ndarray
    in_use: np.ndarray
    mox: np.ndarray
    i_co2: int | None
    i_rh: int | None
    i_t: int | None
    i_p: int | None
    bad: np.ndarray | None = None

    @classmethod
    def of(cls, rec: Recording, calibration, config, processing, grids) -> _Gate:
        layout, t = rec.layout, rec.t_s
        base_p, breath_p, purge_p = rec.phase("baseline"), rec.phase("breath"), rec.phase("purge")
        window_start, window_end = processing.baseline_window(base_p.start_s, base_p.end_s)
        in_base = base_p.mask(t)
        i_co2, i_rh, i_t, i_p = (layout.index(k) for k in (ChannelKind.CO2, ChannelKind.HUMIDITY,
                                                           ChannelKind.TEMPERATURE, ChannelKind.PRESSURE))  # fmt: skip
        return cls(rec, calibration, config, processing, grids, base_p, breath_p, purge_p, in_base,
                   (t >= window_start) & (t < window_end), in_base | breath_p.mask(t), layout.indices(ChannelKind.MOX),
                   i_co2, i_rh, i_t, i_p)  # fmt: skip

    @property
    def live_mox(self) -> np.ndarray:
        return self.mox[~self.bad[self.mox]]


def _check_phases_and_channels_present(g: _Gate) -> list[Reason]:
    """``no_purge`` (warn) and ``missing_channel`` (no MOX or no CO2 channel)."""
    reasons = [Reason.of("no_purge")] if g.purge_p is None else []
    missing = [kind for kind, absent in (("MOX", g.mox.size == 0), ("CO2", g.i_co2 is None)) if absent]
    return reasons + ([Reason.of("missing_channel", kinds=missing)] if missing else [])


def _check_acquisition(g: _Gate) -> list[Reason]:
    """Lost samples, interruptions, device fault flags and warm-up."""
    rec, config, t, flags = g.rec, g.config, g.rec.t_s, g.rec.flags
    reasons: list[Reason] = []
    period_s = rec.period_ms / 1000.0
    expected = max(1, int(round((t[-1] - t[0]) / period_s)) + 1) if t.size else 1
    lost = lost_samples(rec)
    lost_fraction = lost / max(expected, rec.n_samples + lost)
    if lost_fraction > config.max_lost_fraction:
        reasons.append(Reason.of("lost_samples", lost=lost, fraction=round(lost_fraction, 4),
                                 max_fraction=config.max_lost_fraction))  # fmt: skip
    recorded = list(rec.meta.get("interruptions", []) or [])
    stops = [float(s) for s in recorded if s is not None]
    # An interruption stored without a time (by versions before the fix of issue 13) cannot be placed
    # outside the breath: it may have cut it, so it blocks as one during the breath would.
    untimed = len(recorded) - len(stops)
    during = [s for s in stops if g.breath_p.start_s <= s < g.breath_p.end_s]
    if during or untimed:
        reasons.append(Reason.of("interrupted_breath", at_s=during, **({"untimed": untimed} if untimed else {})))
    elif stops:
        reasons.append(Reason.of("interrupted_other_phase", at_s=stops))
    faults = int(SampleFlag.HEATER_FAULT | SampleFlag.PUMP_FAULT | SampleFlag.LOW_FLOW)
    fault_fraction = _flag_fraction(flags, g.in_use, faults)
    if fault_fraction > config.max_fault_fraction:
        reasons.append(Reason.of("device_fault", fraction=round(fault_fraction, 4)))
    warm_fraction = _flag_fraction(flags, g.in_use, int(SampleFlag.WARMING_UP))
    if warm_fraction > config.max_warming_up_fraction:
        reasons.append(Reason.of("warming_up", fraction=round(warm_fraction, 4)))
    return reasons


def _check_channels(g: _Gate) -> list[Reason]:
    """Dead (more than ``max_dead_fraction`` NaN), saturated and flat channels; sets ``g.bad`` for the later checks."""
    layout, config = g.rec.layout, g.config
    reasons: list[Reason] = []
    used = g.rec.values[g.in_use].astype(np.float64)  # (n_used, n_channels)
    names = layout.names
    dead = np.isnan(used).mean(axis=0) > config.max_dead_fraction if used.size else np.ones(len(layout), bool)
    if dead.any():
        reasons.append(Reason.of("dead_channel", channels=[names[i] for i in np.flatnonzero(dead)]))
    with np.errstate(invalid="ignore"):
        hi, lo = np.nanmax(np.where(dead, 0, used), axis=0), np.nanmin(np.where(dead, 0, used), axis=0)
        pinned = np.maximum((used == hi).mean(axis=0), (used == lo).mean(axis=0))
        med = np.abs(nanmedian(used.T))
        flat = ~dead & ((hi - lo) <= config.flat_max_relative_range * np.maximum(med, 1e-12))
    saturated_flag = _flag_fraction(g.rec.flags, g.in_use, int(SampleFlag.ADC_SATURATED))
    sat = ~dead & ~flat & (pinned > config.max_saturated_fraction) & (np.asarray(layout.kinds) == ChannelKind.MOX)
    if saturated_flag > config.max_saturated_fraction or sat.any():
        reasons.append(Reason.of("saturated_channel", channels=[names[i] for i in np.flatnonzero(sat)],
                                 flagged_fraction=round(saturated_flag, 4)))  # fmt: skip
    if flat.any():
        reasons.append(Reason.of("flat_channel", channels=[names[i] for i in np.flatnonzero(flat)]))
    g.bad = dead | flat | sat
    return reasons


def _check_baseline(g: _Gate) -> list[Reason]:
    """``baseline_unstable``: ln R of a live gas sensor drifts or is noisy over the settled baseline window."""
    live, window, t, v = g.live_mox, g.in_base_window, g.rec.t_s, g.rec.values
    if not (live.size and window.sum() > 2):
        return []
    with np.errstate(invalid="ignore", divide="ignore"):
        y = np.log(v[window][:, live].T.astype(np.float64))
    slope, noise = _robust_slope_noise(t[window], y)
    slope_per_min = np.abs(slope) * 60.0
    unstable = (slope_per_min > g.config.baseline_max_slope_per_min) | (noise > g.config.baseline_max_noise)
    if not unstable.any():
        return []
    return [Reason.of("baseline_unstable", channels=[g.rec.layout.names[i] for i in live[unstable]],
                      max_slope_per_min=round(float(np.nanmax(slope_per_min)), 5),
                      max_noise=round(float(np.nanmax(noise)), 5))]  # fmt: skip


def _check_environment(g: _Gate) -> list[Reason]:
    """Room humidity of the room-air baseline and cell temperature within their ranges."""
    config, v = g.config, g.rec.values
    reasons: list[Reason] = []
    if g.i_rh is not None and not g.bad[g.i_rh]:
        rh = float(nanmedian(v[g.in_base_window, g.i_rh].astype(np.float64)))
        if g.base_p.inlet == Inlet.AMBIENT and not config.rh_min_pct <= rh <= config.rh_max_pct:
            reasons.append(Reason.of("humidity_out_of_range", rh_pct=round(rh, 2),
                                     range_pct=[config.rh_min_pct, config.rh_max_pct]))  # fmt: skip
    if g.i_t is not None and not g.bad[g.i_t]:
        temp = float(nanmedian(v[g.in_use, g.i_t].astype(np.float64)))
        if not config.temp_min_c <= temp <= config.temp_max_c:
            reasons.append(Reason.of("temperature_out_of_range", temp_c=round(temp, 2),
                                     range_c=[config.temp_min_c, config.temp_max_c]))  # fmt: skip
    return reasons


def _check_ambient(g: _Gate) -> list[Reason]:
    """``ambient_contaminated``: the room-air baseline against zero air (the calibration's, else the purge tail)."""
    live, t, v, names = g.live_mox, g.rec.t_s, g.rec.values, g.rec.layout.names
    if not (live.size and g.base_p.inlet == Inlet.AMBIENT):
        return []
    r_base = nanmedian(v[g.in_base_window][:, live].T.astype(np.float64))
    reference, source = None, None
    if g.calibration is not None:
        index = {n: i for i, n in enumerate(g.calibration.channels)}
        reference = np.array([g.calibration.zero_air_ohm[index[names[i]]] if names[i] in index else np.nan
                              for i in live], dtype=np.float64)  # fmt: skip
        source = "calibration"
    if (reference is None or not np.isfinite(reference).any()) and g.purge_p is not None:
        tail = (t >= g.purge_p.end_s - g.processing.level_window_s) & (t < g.purge_p.end_s)
        if tail.any():
            reference = nanmedian(v[tail][:, live].T.astype(np.float64))
            source = "session purge"
    if reference is None:
        return []
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = float(nanmedian(np.log(reference / r_base)))
    if np.isfinite(ratio) and ratio > g.config.ambient_max_log_ratio:
        return [Reason.of("ambient_contaminated", log_ratio=round(ratio, 3), reference=source,
                          max_log_ratio=g.config.ambient_max_log_ratio)]  # fmt: skip
    return []


def _check_breaths(g: _Gate) -> list[Reason]:
    """``too_few_breaths``: valid breath cycles on the common grid (the same definition as the features)."""
    if g.i_co2 is None or g.bad[g.i_co2]:
        return []
    grids = g.grids if g.grids is not None else session_grids(g.rec, g.processing)
    pick = [g.i_co2] + ([g.i_p] if g.i_p is not None and not g.bad[g.i_p] else [])
    breath = preprocess(grids.breath[pick], g.processing)
    cycles = breath_cycles(breath[0], g.processing.grid_period_s, breath[1] if len(pick) > 1 else None, g.processing)
    if int(cycles.n_valid) < g.config.min_valid_cycles:
        return [Reason.of("too_few_breaths", valid_cycles=int(cycles.n_valid), min_cycles=g.config.min_valid_cycles)]
    return []


#: The gate's checks in the order their reasons are reported; each reads the :class:`_Gate` and returns its
#: reasons (a check whose input channel is bad skips itself, so one fault gives one reason).
CHECKS = (_check_phases_and_channels_present, _check_acquisition, _check_channels, _check_baseline,
          _check_environment, _check_ambient, _check_breaths)  # fmt: skip
