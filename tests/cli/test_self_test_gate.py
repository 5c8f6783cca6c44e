"""A device that fails its self-test is refused before anyone breathes, naming the channel (issue 13, item 7)."""

from __future__ import annotations

import subprocess
import sys

from enose.acquisition import (
    Acquisition,
    ScreeningEngine,
    ScreeningProtocol,
    SelfTestFailed,
    check_self_test,
)
from enose.security import User
from enose.storage import Store
from firmware_protocol.emulator import EmulatorConfig, EmulatorServer, FaultConfig

DEAD = EmulatorConfig(speed=20, warmup_s=2, faults=FaultConfig(dead_channels=("mox3",)))


def test_screen_on_a_device_with_a_dead_sensor_stops_at_once_and_names_it(tmp_path):
    db = tmp_path / "clinic.db"
    with EmulatorServer(DEAD) as server:
        run = subprocess.run([sys.executable, "-m", "enose.cli", "screen", "--port", server.path, "--subject",
                              "DEA-0001", "--db", str(db), "--no-progress"],
                             capture_output=True, text=True, timeout=120)  # fmt: skip
        samples = server.stats.samples
    assert run.returncode == 2
    assert "self-test failed on mox3" in run.stderr and "nothing was recorded" in run.stderr
    with Store.open(db) as store:
        assert store.list_sessions(None) == [] and store.subject("DEA-0001") is None
    assert samples == 0  # the device never streamed: nobody was asked to breathe


def test_the_engine_itself_refuses_the_device_so_the_gui_gets_the_same_answer(tmp_path):
    with EmulatorServer(DEAD) as server, Store.open(tmp_path / "gui.db") as store:
        acquisition = Acquisition(server.path)
        acquisition.connect()
        try:
            engine = ScreeningEngine(acquisition, store, ScreeningProtocol(baseline_s=5, breath_s=5, purge_s=5),
                                     user=User("clin", "admin"), subject_code="DEA-0002")  # fmt: skip
            try:
                engine.run()
            except SelfTestFailed as refusal:
                assert "mox3" in str(refusal)
            else:
                raise AssertionError("a screening started on a device that failed its self-test")
            assert store.list_sessions(None) == []
        finally:
            acquisition.close()


def test_a_healthy_device_passes_the_gate(tmp_path):
    with EmulatorServer(EmulatorConfig(speed=20, warmup_s=2)) as server:
        acquisition = Acquisition(server.path)
        acquisition.connect()
        try:
            check_self_test(acquisition)  # no exception
        finally:
            acquisition.close()
