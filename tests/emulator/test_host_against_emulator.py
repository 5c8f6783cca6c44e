"""Acceptance: the project's real host stack completes a screening against the emulator with every fault on."""

from __future__ import annotations

import numpy as np

from enose.acquisition import Acquisition, ScreeningEngine, ScreeningProtocol
from enose.security import User
from enose.storage import Store
from firmware_protocol.emulator import EmulatorConfig, EmulatorServer, FaultConfig
from firmware_protocol.messages import ChannelKind


def test_screening_survives_resets_vanishing_port_and_lossy_link(db_path):
    faults = FaultConfig(
        corrupt_rate=0.002,
        drop_rate=0.002,
        reset_after_mask_s=5.0,
        vanish_at_s=20.0,
        vanish_for_s=10.0,
        dead_channels=("mox2",),
    )
    config = EmulatorConfig(
        speed=20, n_mox=10, order="shuffled", warmup_s=3, clock_start_ms=2**32 - 4000, faults=faults, seed=4
    )
    with EmulatorServer(config) as server, Store.open(db_path) as store:
        acquisition = Acquisition(server.path, expected_samples=20_000)
        acquisition.connect()
        try:
            protocol = ScreeningProtocol(baseline_s=4, breath_s=40, purge_s=4, period_ms=10)
            # the dead channel is here to be carried through the link faults: the self-test gate that would refuse
            # it before a real screening is tested in tests/cli/test_self_test_gate.py
            result = ScreeningEngine(acquisition, store, protocol, user=User("t", "admin"), subject_code="EMU-0001",
                                     self_test=False).run()  # fmt: skip
        finally:
            acquisition.close()
        recording = store.load_recording(result.session_id)
        kinds = [e["kind"] for e in store.events(result.session_id)]
    stats = server.stats
    assert result.status == "complete"
    assert stats.unplugs == 1 and stats.resets == 2 and server.error is None
    assert acquisition.interruptions >= 2 and kinds.count("recovered") >= 2  # the reset, the pulled cable
    assert 0 < acquisition.lost_samples <= stats.frames_dropped + stats.frames_corrupted
    assert np.all(np.diff(recording.t_s) > 0)
    names = list(recording.layout.names)
    assert np.isnan(recording.values[:, names.index("mox2")]).all()
    breath = recording.phase("breath").mask(recording.t_s)
    co2 = recording.values[breath, recording.layout.index(ChannelKind.CO2)]
    assert 40_000 < np.nanmax(co2) < 50_000
