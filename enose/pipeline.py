"""Glue between stored sessions and the signal code: a device's calibration state, a session's QC.

:mod:`enose.signal` is pure computation on arrays; :mod:`enose.storage` only
stores. These functions load what the one needs from the other and store the
result, for the CLI, the screening summary and the GUI alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from enose.storage.analysis import CalibrationRecord, calibrations, json_numbers, latest_calibration, save_qc

__all__ = [
    "HUMIDITY_FAILED",
    "HUMIDITY_MEASURED",
    "HUMIDITY_NOT_MEASURED",
    "HumidityInForce",
    "humidity_in_force",
    "humidity_sensitivity",
    "REFERENCE_RESPONSE_FLOOR",
    "REFERENCE_TOLERANCE",
    "calibrate_session",
    "calibrations_in_force",
    "DeviceDrift",
    "device_calibration",
    "device_drift",
    "judge_reference",
    "quality_reasons",
    "session_qc",
    "zero_air_age_days",
    "zero_air_due",
]


def _aligned(record: CalibrationRecord, channels: tuple[str, ...], values=None) -> np.ndarray:
    """A record's values (or other per-channel ``values`` in its channel order) in the order of ``channels``
    (NaN where the record lacks one)."""
    by_name = dict(zip(record.channels, record.values if values is None else values, strict=True))
    return np.array([np.nan if by_name.get(c) is None else by_name[c] for c in channels], dtype=float)


def _age_days(record: CalibrationRecord, at: str) -> float:
    from datetime import datetime

    return (datetime.fromisoformat(at) - datetime.fromisoformat(record.created_at)).total_seconds() / 86400.0


def device_calibration(store, device_serial: str | None, at: str | None = None):
    """The device's calibration state for the signal code, from its stored records (None if never calibrated).

    ``at`` (ISO time, e.g. a session's ``started_at``) takes the calibration that was in force then,
    not a later one: a session is judged against what the device knew when it was recorded.
    """
    from enose.signal import DeviceCalibration

    if not device_serial:
        return None
    zero = latest_calibration(store, device_serial, "zero", before=at)
    if zero is None:
        return None
    channels = zero.channels
    references = calibrations(store, device_serial, "reference")
    nominal = next((r for r in references if r.detail.get("commissioning")), None)
    latest_ref = latest_calibration(store, device_serial, "reference", before=at)
    return DeviceCalibration(channels, _aligned(zero, channels),
                             None if latest_ref is None else _aligned(latest_ref, channels),
                             None if nominal is None else _aligned(nominal, channels),
                             humidity_sensitivity(zero))  # fmt: skip


def humidity_sensitivity(record: CalibrationRecord) -> np.ndarray | None:
    """The humidity sensitivity per channel of a zero-air record (its ``channels`` order), or None.

    None unless the record measured the humidity response and it passed: a unit without it
    has no humidity calibration in force, and its scores get no zone.
    """
    humidity = record.detail.get("humidity") or {}
    if humidity.get("status") != HUMIDITY_MEASURED:
        return None
    return np.array([np.nan if v is None else v for v in humidity["sensitivity_per_pct"]], dtype=float)


#: Status of a zero-air record's humidity step: measured and plausible, refused by the device's
#: firmware or not recorded, or measured and failed (then the whole record fails).
HUMIDITY_MEASURED, HUMIDITY_NOT_MEASURED, HUMIDITY_FAILED = "measured", "not_measured", "failed"


@dataclass(frozen=True)
class HumidityInForce:
    """Whether a session's unit had a humidity calibration in force when it was recorded.

    Attributes:
        in_force: a passing zero-air calibration with a measured humidity response was in force.
        calibration_id: the zero-air record in force (None when there was none).
        code: ``None`` when in force, else ``no_calibration`` or ``humidity_not_measured``.
        text: why not, in words (English; the GUI translates by ``code``).
    """

    in_force: bool
    calibration_id: int | None
    code: str | None
    text: str | None

    def as_dict(self) -> dict:
        return {"in_force": self.in_force, "calibration_id": self.calibration_id, "code": self.code,
                "text": self.text}  # fmt: skip


def humidity_in_force(store, device_serial: str | None, at: str | None) -> HumidityInForce:
    """The humidity calibration in force for a session of ``device_serial`` started at ``at``."""
    zero = latest_calibration(store, device_serial, "zero", before=at) if device_serial else None
    if zero is None:
        return HumidityInForce(False, None, "no_calibration",
                               f"device {device_serial or '?'} had no passing zero-air calibration when this session "
                               "was recorded, so its humidity response is unknown: calibrate it "
                               "(enose calibrate --kind zero) before the next screening")  # fmt: skip
    if humidity_sensitivity(zero) is None:
        return HumidityInForce(False, zero.id, "humidity_not_measured",
                               f"the calibration in force (record {zero.id}) did not measure the humidity response of "
                               f"device {device_serial} (its firmware has no humidified zero air, ICD revision 1.1): "
                               "update the firmware and calibrate again")  # fmt: skip
    return HumidityInForce(True, zero.id, None, None)


def calibrations_in_force(store, recordings) -> list:
    """Per recording, its device's calibration state when it was recorded (:func:`device_calibration` at
    ``started_at``): what its features are compensated with, the same for training, scoring and ``enose features``."""
    return [device_calibration(store, rec.meta.get("device_serial"), at=rec.meta.get("started_at"))
            for rec in recordings]  # fmt: skip


def zero_air_age_days(store, device_serial: str, at: str) -> float | None:
    """Days between the device's last passing zero-air calibration before ``at`` and ``at``; None if none."""
    zero = latest_calibration(store, device_serial, "zero", before=at)
    return None if zero is None else _age_days(zero, at)


def zero_air_due(store, device_serial: str, at: str | None = None) -> bool:
    """True when the device has no passing zero-air calibration younger than ``DriftConfig.max_age_days``."""
    from enose.signal.config import DriftConfig
    from enose.storage.store import utc_now

    age = zero_air_age_days(store, device_serial, at or utc_now())
    return age is None or age > DriftConfig().max_age_days


@dataclass(frozen=True)
class DeviceDrift:
    """A device's calibration history as control charts: what ``enose drift`` and the technician's Drift tab show.

    Attributes:
        serial: the device.
        channels: channel names of the newest passing zero-air record; the charts' columns.
        zeros, references: the passing zero-air and reference records, oldest first.
        baselines_ohm: ``(len(zeros), len(channels))``, aligned by channel name (NaN where a record lacks one).
        responses: ``(len(references), len(channels))`` or None.
        age_days: days from the newest passing record to ``now``.
        status: :class:`enose.signal.DriftStatus` (EWMA charts, ``recalibration_due`` and reasons).
        humidity_records: the zero-air records that measured the humidity response, oldest first.
        humidity: ``(len(humidity_records), len(channels))`` humidity sensitivities per % RH, or None.
    """

    serial: str
    channels: tuple[str, ...]
    zeros: tuple[CalibrationRecord, ...]
    references: tuple[CalibrationRecord, ...]
    baselines_ohm: np.ndarray
    responses: np.ndarray | None
    age_days: float
    status: object
    humidity_records: tuple[CalibrationRecord, ...] = ()
    humidity: np.ndarray | None = None


def device_drift(store, device_serial: str, now: str | None = None) -> DeviceDrift | None:
    """The device's drift charts from its passing calibrations; None when it has no passing zero-air record.

    Why passing records only: a failed calibration is a failed procedure as often as a
    changed sensor, and the chart must not learn its limits from it.
    """
    from enose.signal import drift_status
    from enose.storage.store import utc_now

    zeros = tuple(r for r in calibrations(store, device_serial, "zero") if r.passed is not False)
    refs = tuple(r for r in calibrations(store, device_serial, "reference") if r.passed is not False)
    if not zeros:
        return None
    channels = tuple(zeros[-1].channels)

    def matrix(records: tuple[CalibrationRecord, ...]) -> np.ndarray:
        return np.array([_aligned(r, channels) for r in records], dtype=float).reshape(len(records), len(channels))

    age_days = _age_days(max(zeros + refs, key=lambda r: r.created_at), now or utc_now())
    baselines, responses = matrix(zeros), (matrix(refs) if refs else None)
    measured = [(r, s) for r in zeros if (s := humidity_sensitivity(r)) is not None]
    humid_records = tuple(r for r, _ in measured)
    humidity = np.array([_aligned(r, channels, s) for r, s in measured]) if measured else None
    status = drift_status(baselines, responses, max(0.0, age_days), humidity=humidity)
    return DeviceDrift(device_serial, channels, zeros, refs, baselines, responses, age_days, status, humid_records,
                       humidity)  # fmt: skip


def quality_reasons(store, recording, grids=None) -> list:
    """The quality gate's reasons for a stored recording: the one QC policy of the CLI, GUI and scoring.

    The gate compares the room air with the zero-air calibration in force when the
    session was recorded, and a warning ``calibration_overdue`` is added when there
    was none, or it was older than ``DriftConfig.max_age_days``.
    """
    from enose.signal import quality_gate
    from enose.signal.config import DriftConfig
    from enose.signal.quality import Reason

    serial, started = recording.meta.get("device_serial"), recording.meta.get("started_at")
    reasons = list(quality_gate(recording, calibration=device_calibration(store, serial, at=started), grids=grids))
    if serial and started:
        max_age = DriftConfig().max_age_days
        zero = latest_calibration(store, serial, "zero", before=started)
        age_days = None if zero is None else _age_days(zero, started)
        if age_days is None or age_days > max_age:
            last = None if zero is None else zero.created_at
            days = None if age_days is None else round(age_days, 1)
            reasons.append(Reason.of("calibration_overdue", last_zero_air=last, age_days=days, max_age_days=max_age))
    return reasons


def session_qc(store, session_id: int, user) -> dict:
    """Run the quality gate on a stored session, store the verdict, and return it as a dictionary.

    Needs :attr:`Permission.READ_RESULTS` (a QC verdict is a result).
    """
    from enose.security.permissions import Permission, require
    from enose.signal import PROCESSING_VERSION
    from enose.signal.quality import is_blocked

    require(user, Permission.READ_RESULTS)
    recording = store.load_recording(session_id)
    reasons = quality_reasons(store, recording)
    verdict = {"session_id": session_id, "passed": not is_blocked(reasons),
               "reasons": [r.as_dict() for r in reasons], "processing_version": PROCESSING_VERSION}  # fmt: skip
    save_qc(store, session_id, PROCESSING_VERSION, verdict["passed"], verdict["reasons"])
    return verdict


#: Relative tolerance of a reference-gas check: of each sensor's response ln(R(zero air)/R(reference)),
#: against the response the device had when it was commissioned.
REFERENCE_TOLERANCE = 0.20

#: A sensor whose commissioning response is below this (|ln ratio| < 0.05: the reference gas moves it by
#: less than 5 %) cannot be judged by the reference gas; it is reported "not assessable", not "passed".
REFERENCE_RESPONSE_FLOOR = 0.05


def judge_reference(
    ratios: np.ndarray, expected_ratios: np.ndarray, tolerance: float = REFERENCE_TOLERANCE
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Judge reference-gas ratios R(ref)/R(zero) on the sensors' responses: ``(ok, assessable, deviation)``.

    ``deviation`` is the relative change of the response ``ln(R(zero)/R(ref))`` against the
    expected one (NaN where not assessable); a sensor with an expected response under
    :data:`REFERENCE_RESPONSE_FLOOR` is not assessable and counts as ok; a missing
    measurement is not ok.
    """
    from enose.signal import reference_check

    values = np.asarray(ratios, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        response, expected_response = -np.log(values), -np.log(np.asarray(expected_ratios, dtype=float))
    assessable = np.isfinite(expected_response) & (np.abs(expected_response) >= REFERENCE_RESPONSE_FLOOR)
    check = reference_check(response, np.where(assessable, expected_response, np.nan), tolerance)
    ok = np.asarray(check.passed, bool) & np.isfinite(values)
    return ok, assessable, np.asarray(check.deviation, dtype=float)


def humidity_detail(recording, channels: tuple[str, ...]) -> dict:
    """The humidity part of a zero-air calibration record, for the sensors ``channels``.

    ``status`` is ``measured`` (every sensor plausible), ``failed`` (the step was too small
    or a sensor is implausible: ``per_channel_reason`` says which and why) or
    ``not_measured`` (no humidified step: ``code`` says why, ``humidifier_unavailable`` (the
    device refused inlet 4), ``no_humidified_step`` or ``no_humidity_channel``, and ``reason``
    in English words).
    """
    from enose.acquisition.protocol import HUMIDIFIER_UNAVAILABLE
    from enose.signal import (
        DEFAULT_HUMIDITY,
        HumidityResponse,
        MissingChannelError,
        SignalError,
        humidity_response_from_recording,
        judge_humidity,
    )

    config = DEFAULT_HUMIDITY
    limits = {"min_sensitivity_per_pct": config.min_sensitivity_per_pct,
              "max_sensitivity_per_pct": config.max_sensitivity_per_pct,
              "min_humid_rh_pct": config.min_humid_rh_pct, "min_step_rh_pct": config.min_step_rh_pct}  # fmt: skip
    if HUMIDIFIER_UNAVAILABLE in recording.meta.get("event_kinds", ()):
        return {"status": HUMIDITY_NOT_MEASURED, "code": HUMIDIFIER_UNAVAILABLE, "limits": limits,
                "reason": "the device refused the humidified zero-air inlet (firmware before ICD revision 1.1)"}  # fmt: skip
    try:
        response = humidity_response_from_recording(recording, config)
    except SignalError as error:
        code = "no_humidity_channel" if isinstance(error, MissingChannelError) else "no_humidified_step"
        return {"status": HUMIDITY_NOT_MEASURED, "code": code, "limits": limits, "reason": str(error)}
    by_name = dict(zip(response.channels, response.sensitivity_per_pct, strict=True))
    response_values = np.array([by_name.get(c, np.nan) for c in channels], dtype=float)
    passed, reasons = judge_humidity(
        HumidityResponse(tuple(channels), response_values, response.rh_dry_pct, response.rh_humid_pct), config
    )
    return {
        "status": HUMIDITY_MEASURED if passed.all() else HUMIDITY_FAILED,
        "sensitivity_per_pct": json_numbers(response_values),
        "per_channel_passed": [bool(p) for p in passed],
        "per_channel_reason": reasons,
        "rh_dry_pct": round(response.rh_dry_pct, 2),
        "rh_humid_pct": round(response.rh_humid_pct, 2),
        "limits": limits,
    }


def calibrate_session(store, session_id: int, kind: str, user, tolerance: float = REFERENCE_TOLERANCE) -> dict:
    """Judge a calibration recording and store it as a calibration record (one policy for CLI and GUI).

    * ``zero``: the zero-air resistance of every gas sensor; a sensor without a finite
      positive level fails (aux channels are not calibrated here). When the recording has
      the humidified step (ICD revision 1.1), each sensor's humidity sensitivity too, in
      ``detail.humidity`` (:func:`humidity_detail`); an implausible one fails the record. A
      device that refused the humidified step still gets its dry calibration, marked
      ``not_measured``: its screenings then get no zone.
    * ``reference``: each gas sensor's ratio R(reference)/R(zero air). The device's first
      reference check *commissions* it (its ratios become the expected values, stored with
      ``detail.commissioning``). A later check judges each sensor's *response*
      ``ln(R(zero air)/R(reference))`` against the commissioned one, within ``tolerance``.
      Why the response and not the ratio: a ratio near 1 is within ±20 % whatever the sensor
      does, and for a strong sensor ±20 % of the ratio lets half its response go. A sensor
      whose commissioned response is under :data:`REFERENCE_RESPONSE_FLOOR` is not judged
      (``detail.assessable`` False): the reference gas barely moves it.

    Returns ``passed``, ``channels``, ``values``, ``expected``, ``tolerance``,
    ``per_channel_passed`` (None for a sensor that is not assessable), ``record_id``,
    ``detail`` and ``error``. A recording that cannot be analysed (a missing phase) gives
    ``passed`` False with ``error`` and stores nothing. Needs :attr:`Permission.CALIBRATE`.
    """
    from enose.security.permissions import Permission, require

    require(user, Permission.CALIBRATE)
    from enose.signal import (
        SignalError,
        reference_response_from_recording,
        zero_air_from_recording,
    )
    from enose.storage.analysis import add_calibration
    from firmware_protocol.messages import ChannelKind

    if kind not in ("zero", "reference"):
        raise ValueError(f"calibration kind must be 'zero' or 'reference', got {kind!r}")
    recording = store.load_recording(session_id)
    serial = recording.meta.get("device_serial")
    expected = None
    try:
        if kind == "zero":
            channels, values = zero_air_from_recording(recording)
            mox = {recording.layout.names[i] for i in recording.layout.indices(ChannelKind.MOX)}
            keep = [i for i, name in enumerate(channels) if name in mox]
            channels, values = tuple(channels[i] for i in keep), np.asarray(values, dtype=float)[keep]
            ok = np.isfinite(values) & (values > 0)
            detail: dict = {"humidity": humidity_detail(recording, channels)}
            if detail["humidity"]["status"] == HUMIDITY_FAILED:
                ok = ok & np.array([p is not False for p in detail["humidity"]["per_channel_passed"]], bool)
        else:
            channels, values = reference_response_from_recording(recording)
            values = np.asarray(values, dtype=float)
            nominal = next((r for r in calibrations(store, serial, "reference") if r.detail.get("commissioning")), None)
            if nominal is None or tuple(nominal.channels) != tuple(channels):
                ok = np.isfinite(values) & (values > 0)
                detail = {"commissioning": True}
            else:
                expected = np.array([np.nan if v is None else v for v in nominal.values], dtype=float)
                ok, assessable, deviation = judge_reference(values, expected, tolerance)
                detail = {"commissioned_by": nominal.id, "judged_on": "response ln(R(zero air)/R(reference))",
                          "assessable": [bool(a) for a in assessable], "deviation": json_numbers(deviation),
                          "response_floor": REFERENCE_RESPONSE_FLOOR}  # fmt: skip
    except SignalError as error:
        return {"passed": False, "error": str(error), "channels": [], "values": [], "expected": None,
                "tolerance": tolerance, "per_channel_passed": [], "record_id": None, "detail": {}}  # fmt: skip
    passed = bool(ok.all())
    assessable = detail.get("assessable") or [True] * len(ok)
    per_channel = [bool(x) if judged else None for x, judged in zip(ok, assessable, strict=True)]
    detail.update({"tolerance": tolerance, "per_channel_passed": per_channel,
                   "expected": None if expected is None else json_numbers(expected)})  # fmt: skip
    record_id = add_calibration(store, device_serial=serial, kind=kind, operator=user.username, channels=channels,
                                values=values, passed=passed, detail=detail, session_id=session_id)  # fmt: skip
    return {
        "passed": passed,
        "channels": list(channels),
        "values": json_numbers(values),
        "expected": detail["expected"],
        "tolerance": tolerance,
        "per_channel_passed": detail["per_channel_passed"],
        "record_id": record_id,
        "detail": detail,
        "error": None,
    }
