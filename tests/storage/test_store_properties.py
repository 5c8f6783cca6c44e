"""Property test of the store: any interleaving of writes, interruptions, finishes and reopenings keeps
the file intact and every appended sample, bit for bit, in its session (issue 13)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from enose.recording import ChannelLayout
from enose.storage import Store
from enose.storage.chunks import SampleBlock
from firmware_protocol.messages import ChannelInfo, ChannelKind

LAYOUT = ChannelLayout((ChannelInfo(int(ChannelKind.MOX), "mox0", "ohm"), ChannelInfo(int(ChannelKind.CO2), "co2", "ppm")))
values = st.floats(allow_nan=True, allow_infinity=True, width=32)


class StoreMachine(RuleBasedStateMachine):
    """A model of what the database must hold: per session, the samples appended and the status it was given."""

    @initialize()
    def open_store(self) -> None:
        self.folder = tempfile.TemporaryDirectory()
        self.path = Path(self.folder.name) / "prop.db"
        self.store = Store.open(self.path)
        self.store.upsert_device("EMU-PROP", "ENOSE-EMU", "x", 10, LAYOUT)
        self.expected: dict[int, list[np.ndarray]] = {}
        self.statuses: dict[int, str] = {}
        self.interruptions: dict[int, int] = {}
        self.writer = None
        self.t = 0.0

    def teardown(self) -> None:
        self.store.close()
        self.folder.cleanup()

    @rule()
    def start_session(self) -> None:
        self.writer = self.store.create_session(operator="t", layout=LAYOUT, period_ms=10, protocol={},
                                                subject_code=None, device_serial="EMU-PROP", firmware="x")  # fmt: skip
        self.expected[self.writer.session_id] = []
        self.statuses[self.writer.session_id] = "running"
        self.interruptions[self.writer.session_id] = 0

    @precondition(lambda self: self.writer is not None)
    @rule(rows=st.lists(st.tuples(values, values), min_size=0, max_size=40))
    def append(self, rows) -> None:
        n = len(rows)
        t = self.t + 0.01 * (1 + np.arange(n))
        self.t = float(t[-1]) if n else self.t
        block = SampleBlock(t_s=t, device_seq=(np.arange(n) % 65536).astype(np.uint16),
                            device_t_ms=(t * 1000).astype(np.uint32), flags=np.zeros(n, np.uint16),
                            values=np.array(rows, dtype=np.float32).reshape(n, 2))  # fmt: skip
        self.writer.append(block)
        if n:
            self.expected[self.writer.session_id].append(block.values.copy())

    @precondition(lambda self: self.writer is not None)
    @rule()
    def interrupt(self) -> None:
        self.writer.event("interruption", self.t)
        self.interruptions[self.writer.session_id] += 1

    @precondition(lambda self: self.writer is not None)
    @rule(status=st.sampled_from(["complete", "aborted", "interrupted"]))
    def finish(self, status) -> None:
        self.writer.finish(status)
        self.statuses[self.writer.session_id] = status
        self.writer = None

    @rule()
    def reopen(self) -> None:
        """The process goes away (its writer with it) and the file is opened again."""
        self.store.close()
        self.writer = None
        self.store = Store.open(self.path)

    @invariant()
    def every_sample_is_stored_exactly_and_the_file_is_intact(self) -> None:
        assert self.store.conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        for session_id, blocks in self.expected.items():
            recording = self.store.load_recording(session_id)
            want = np.concatenate(blocks) if blocks else np.empty((0, 2), np.float32)
            assert recording.values.tobytes() == want.tobytes()  # NaN payloads and -0.0 included
            assert len(recording.meta["interruptions"]) == self.interruptions[session_id]
            if self.statuses[session_id] != "running":
                assert recording.meta["status"] == self.statuses[session_id]


TestStore = StoreMachine.TestCase
TestStore.settings = settings(max_examples=25, stateful_step_count=12, deadline=None)
