"""Acceptance: a full screening against an independent ICD device with faults.

14 channels with the aux channels first, 0.2 % corrupted and 0.2 % dropped
frames, bootloader junk and a reset in the middle of the breath phase, and a
device clock that wraps past 2^32 ms. Every intact sample must be stored
bit-exact, none invented or duplicated, the losses and the interruption
recorded as events, and the session completed after recovery.
"""

from __future__ import annotations

import numpy as np
import pytest

from enose.acquisition import Acquisition, ScreeningEngine, ScreeningProtocol
from enose.security import User
from enose.storage import Store
from tests.acquisition.icd_device import IcdTestDevice

CHANNELS = [
    "co2",
    "p_mask",
    "rh",
    "mox3",
    "mox0",
    "temp",
    "mox1",
    "mox2",
    "mox4",
    "mox5",
    "mox6",
    "mox7",
    "mox8",
    "mox9",
]
PROTOCOL = ScreeningProtocol(baseline_s=4, breath_s=20, purge_s=4, period_ms=10)


def _run(device: IcdTestDevice, db_path) -> tuple[Acquisition, object]:
    with Store.open(db_path) as store:
        acquisition = Acquisition(device.path, expected_samples=8000)
        acquisition.connect()
        try:
            result = ScreeningEngine(acquisition, store, PROTOCOL, user=User("tester", "admin"), subject_code="TST-0001").run()
        finally:
            acquisition.close()
    return acquisition, result


def _expected_detectable_losses(ledger) -> int:
    """Lost samples that lie between two delivered samples of the same device epoch."""
    total = 0
    for epoch in {s.epoch for s in ledger}:
        fates = [s.fate for s in ledger if s.epoch == epoch]
        delivered = [i for i, fate in enumerate(fates) if fate == "sent"]
        if delivered:
            total += sum(fate != "sent" for fate in fates[delivered[0] : delivered[-1]])
    return total


@pytest.fixture(params=[True, False], ids=["boot-frame-seen", "boot-frame-lost-in-junk"])
def faulty_device(request):
    device = IcdTestDevice(
        CHANNELS,
        speed=10,
        seed=11,
        corrupt_rate=0.002,
        drop_rate=0.002,
        reset_after_mask_s=8,
        warmup_s=1,
        junk_delimited=request.param,
    )
    with device:
        yield device


def test_every_intact_sample_is_stored_bit_exact_through_faults_and_a_reset(faulty_device, db_path):
    acquisition, result = _run(faulty_device, db_path)
    assert result.status == "complete", result.error
    assert faulty_device.resets == 1

    with Store.open(db_path) as store:
        recording = store.load_recording(result.session_id)
        events = store.events(result.session_id)

    assert recording.layout.names == tuple(CHANNELS)
    intact = [s for s in faulty_device.ledger if s.fate == "sent"]
    stored = recording.values.tobytes()
    assert recording.n_samples == len(intact)
    assert stored == b"".join(s.values for s in intact)  # bit-exact, in order, nothing added
    assert recording.device_t_ms.tolist() == [s.t_ms for s in intact]
    assert recording.device_seq.tolist() == [s.seq for s in intact]
    assert np.all(np.diff(recording.t_s) > 0), "session time must be strictly increasing across wrap and reset"
    first_epoch = [s.t_ms for s in intact if s.epoch == 0]
    assert any(b < a for a, b in zip(first_epoch, first_epoch[1:], strict=False)), "the device clock must have wrapped"
    assert acquisition.clock.epochs == 2, "exactly one reset, seen as one new clock epoch"

    lost = _expected_detectable_losses(faulty_device.ledger)
    assert lost > 0
    assert result.lost_samples == lost
    assert sum(e["detail"]["lost_samples"] for e in events if e["kind"] == "gap") == lost
    kinds = [e["kind"] for e in events]
    assert kinds.count("interruption") >= 1 and kinds.count("recovered") >= 1
    reasons = " ".join(e["detail"]["reason"] for e in events if e["kind"] == "interruption")
    assert ("device reset" in reasons) if faulty_device.junk_delimited else ("no sample" in reasons)
    assert [p.name for p in recording.phases] == ["warmup", "baseline", "breath", "purge"]
    breath = recording.phase("breath")
    interruption_t = [e["t_s"] for e in events if e["kind"] == "interruption"]
    assert any(breath.start_s <= t <= breath.end_s for t in interruption_t)
    assert breath.end_s - breath.start_s >= PROTOCOL.breath_s
    assert acquisition.client.stats.dropped["crc"] + acquisition.client.stats.dropped["cobs"] > 0
