"""Glue between stored sessions and the signal code: a device's calibration state, a session's QC.

:mod:`enose.signal` is pure computation on arrays; :mod:`enose.storage` only
stores. These functions load what the one needs from the other and store the
result, for the CLI, the screening summary and the GUI alike.
"""

from __future__ import annotations

import numpy as np

from enose.storage.analysis import CalibrationRecord, calibrations, latest_calibration, save_qc

__all__ = ["device_calibration", "session_qc"]


def device_calibration(store, device_serial: str | None):
    """The device's calibration state for the signal code, from its stored records (None if never calibrated)."""
    from enose.signal import DeviceCalibration

    if not device_serial:
        return None
    zero = latest_calibration(store, device_serial, "zero")
    if zero is None:
        return None
    channels = zero.channels

    def aligned(record: CalibrationRecord | None) -> np.ndarray | None:
        if record is None:
            return None
        by_name = dict(zip(record.channels, record.values, strict=True))
        return np.array([np.nan if by_name.get(c) is None else by_name[c] for c in channels], dtype=float)

    references = calibrations(store, device_serial, "reference")
    nominal = next((r for r in references if r.detail.get("commissioning")), None)
    latest_ref = latest_calibration(store, device_serial, "reference")
    return DeviceCalibration(channels, aligned(zero), aligned(latest_ref), aligned(nominal))


def session_qc(store, session_id: int) -> dict:
    """Run the quality gate on a stored session, store the verdict, and return it as a dictionary."""
    from enose.signal import PROCESSING_VERSION, quality_gate
    from enose.signal.quality import is_blocked

    recording = store.load_recording(session_id)
    reasons = quality_gate(recording, calibration=device_calibration(store, recording.meta.get("device_serial")))
    verdict = {"session_id": session_id, "passed": not is_blocked(reasons),
               "reasons": [r.as_dict() for r in reasons], "processing_version": PROCESSING_VERSION}  # fmt: skip
    save_qc(store, session_id, PROCESSING_VERSION, verdict["passed"], verdict["reasons"])
    return verdict
