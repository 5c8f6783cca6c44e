"""A pulled cable mid-breath: the port vanishes, comes back, the device reboots; the session completes."""

from __future__ import annotations

import threading

import numpy as np

from enose.acquisition import Acquisition, LinkState, ScreeningEngine, ScreeningProtocol, Step
from enose.security import User, verify
from enose.storage import Store
from tests.acquisition.icd_device import IcdTestDevice

CHANNELS = ["co2", "mox0", "mox1", "mox2", "mox3", "temp", "rh", "p_mask"]


def test_port_vanishing_mid_breath_is_survived(tmp_path, db_path):
    device = IcdTestDevice(CHANNELS, speed=10, seed=8, warmup_s=0.5, link_path=str(tmp_path / "ttyENOSE0"))
    links_seen: list[str] = []
    unplugged = threading.Event()

    def on_progress(progress) -> None:
        links_seen.append(progress.link)
        if progress.step == Step.BREATH and progress.elapsed_s > 3 and not unplugged.is_set():
            unplugged.set()
            device.unplug(for_s=1.5)

    with device, Store.open(db_path) as store:
        acquisition = Acquisition(device.path, expected_samples=6000)
        acquisition.connect()
        try:
            protocol = ScreeningProtocol(baseline_s=2, breath_s=15, purge_s=2, period_ms=10)
            engine = ScreeningEngine(acquisition, store, protocol, user=User("t", "admin"), subject_code="USB-0001",
                                     on_progress=on_progress)  # fmt: skip
            result = engine.run()
        finally:
            acquisition.close()
        recording = store.load_recording(result.session_id)
        events = store.events(result.session_id)
        sent = [s for s in device.ledger if s.fate == "sent"]
        assert verify(store).ok  # sealed after its last sample: nothing is written after the end

    assert device.unplugs == 1
    assert result.status == "complete", result.error
    assert acquisition.client.stats.disconnects == 1
    assert LinkState.DISCONNECTED in links_seen or LinkState.RECOVERING in links_seen
    # Bytes in flight when the cable is pulled are lost on the wire, as with a real USB device:
    # the first boot's samples must be stored as an exact prefix (missing only that short tail),
    # and everything after the reboot exactly.
    before = [s.values for s in sent if s.epoch == 0]
    after = [s.values for s in sent if s.epoch == 1]
    stored = recording.values.tobytes()
    sample_bytes = len(before[0])
    kept_before = len(stored) // sample_bytes - len(after)
    in_flight = len(before) - kept_before
    assert 0 <= in_flight <= 100, "at most ~1 s of device time (0.1 s of host time) may be in flight"
    assert stored == b"".join(before[:kept_before]) + b"".join(after)
    assert np.all(np.diff(recording.t_s) > 0)
    interruptions = [e for e in events if e["kind"] == "interruption"]
    assert interruptions and "lost" in interruptions[0]["detail"]["reason"]
    assert any(e["kind"] == "recovered" for e in events)
    breath = recording.phase("breath")
    assert breath.end_s - breath.start_s >= 15


def test_reference_calibration_recording_switches_inlets_in_order(db_path):
    from enose.acquisition import CalibrationProtocol

    with IcdTestDevice(CHANNELS, speed=20, seed=9, warmup_s=0.5) as device, Store.open(db_path) as store:
        acquisition = Acquisition(device.path)
        acquisition.connect()
        inlets: list[int] = []
        try:
            protocol = CalibrationProtocol("reference", zero_s=2, reference_s=3, recovery_s=2, period_ms=50)
            engine = ScreeningEngine(acquisition, store, protocol, user=User("tech", "admin"), kind="calibration",
                                     on_progress=lambda p: inlets.append(device.inlet))  # fmt: skip
            result = engine.run()
        finally:
            acquisition.close()
        row = store.session(result.session_id)
        phases = store.phases(result.session_id)
    assert result.status == "complete" and row["kind"] == "calibration" and row["subject_code"] is None
    assert [(p.name, p.inlet) for p in phases] == [("warmup", 2), ("zero_air", 2), ("reference", 3), ("recovery", 2)]
    assert 3 in inlets
