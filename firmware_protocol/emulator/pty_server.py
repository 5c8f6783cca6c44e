"""Serve an :class:`EmulatedDevice` on a real pseudo-terminal, so the real host client runs unchanged.

The host opens a stable path (a symlink, like the ``/dev/serial/by-id/...``
link udev gives a USB device) with pyserial; behind it is the slave side of a
pty whose master this server drives from one background thread:

- wall time maps to emulation time with a ``speed`` factor (``speed=20`` runs a
  7-minute screening in about 21 s); the device's own timestamps still advance
  by exactly ``period_ms`` per sample;
- samples are generated in blocks (vectorised physics) and written in batches;
  the thread sleeps in ``poll`` between ticks, it never spins;
- like a USB CDC-ACM device, output is only delivered while a host has the
  port open (pty hang-up state = DTR low); what the device sends with nobody
  listening is counted and discarded, except the boot output after a re-plug,
  which waits for the host (so a reopening host sees the bootloader text and BOOT);
- the host gets ``SETTLE_S`` after opening before the first byte, because
  pyserial flushes its input buffer right after ``open``;
- "port vanishes" (``FaultConfig.vanish_at_s`` or :meth:`EmulatorServer.unplug`):
  the pty master is closed (the host's next read fails, as on a pulled cable),
  the symlink is removed, and after the outage a new pty is created, the
  symlink re-pointed and the device boots again (IDLE, sequence 0, clock 0).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import select
import shutil
import tempfile
import threading
import time
import tty
from dataclasses import dataclass

from firmware_protocol.emulator.config import EmulatorConfig
from firmware_protocol.emulator.device import EmulatedDevice, ResetReason

__all__ = ["EmulatorServer", "ServerStats", "SETTLE_S", "MAX_WAIT_S", "ATTACH_POLL_S", "MAX_PENDING_BYTES"]

log = logging.getLogger(__name__)

#: Wall seconds between the host opening the port and the first byte written to it.
SETTLE_S = 0.05
#: Longest pause of the serving loop while a host is attached / while waiting for one, wall s.
MAX_WAIT_S = 0.05
ATTACH_POLL_S = 0.01
#: Output waiting for a slow or absent host beyond this is discarded, bytes.
MAX_PENDING_BYTES = 1 << 20
_LINK_NAME = "ttyENOSE0"


@dataclass(frozen=True)
class ServerStats:
    """A snapshot of the server's and the device's counters."""

    frames_sent: int
    frames_dropped: int
    frames_corrupted: int
    samples: int
    statuses: int
    commands: int
    boots: int
    resets: int
    unplugs: int
    bytes_written: int
    bytes_discarded: int
    host_frames_dropped: int
    host_attached: bool
    emulation_ms: int


class EmulatorServer:
    """One emulated device on a pty: ``with EmulatorServer(config) as server: use(server.path)``."""

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config or EmulatorConfig()
        self.device = EmulatedDevice(self.config)
        self.error: BaseException | None = None
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._master = -1
        self._pty_path: str | None = None
        self._temp_dir: str | None = None
        self._link_path: str | None = self.config.link_path
        self._wall0 = 0.0
        self._unplug_request_ms: int | None = None
        self._unplug_done = threading.Event()
        self._replug_at_ms: int | None = None
        self._vanish_done = False
        self._hold_output = False
        self._attached = False
        self._attached_since = 0.0
        self._pending = bytearray()
        self.unplugs = 0
        self.bytes_written = 0
        self.bytes_discarded = 0

    # -- lifecycle -------------------------------------------------------------------

    @property
    def path(self) -> str:
        """The stable port path (a symlink to the current pty) the host should open."""
        if self._link_path is None:
            raise RuntimeError("the server is not started; call start() first")
        return self._link_path

    @property
    def pty_path(self) -> str | None:
        """The current ``/dev/pts/N``, or None while the port has vanished."""
        return self._pty_path

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> str:
        """Create the pty and the symlink, start serving, return the stable path."""
        if self._thread is not None:
            raise RuntimeError("the server is already started")
        if self._link_path is None:
            self._temp_dir = tempfile.mkdtemp(prefix="enose-emu-")
            self._link_path = os.path.join(self._temp_dir, _LINK_NAME)
        self._open_pty()
        # The device powered up before anyone could open the port: its boot output went nowhere.
        # (Discarded here, not by the thread, so a host that opens at once does not race for it.)
        self.bytes_discarded += len(self.device.read_output())
        self._wall0 = time.monotonic()
        self._thread = threading.Thread(target=self._serve, name=f"enose-emulator {self.config.serial}", daemon=True)
        self._thread.start()
        log.info("emulated %s %s on %s -> %s", self.config.model, self.config.serial, self._link_path, self._pty_path)
        return self._link_path

    def stop(self) -> None:
        """Stop serving, close the pty and remove the symlink (idempotent)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
        with self._lock:
            self._close_pty()
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None

    def __enter__(self) -> EmulatorServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- controls ----------------------------------------------------------------------

    def emulation_ms(self) -> int:
        """Emulation time now: ms since start, times ``speed``."""
        return int((time.monotonic() - self._wall0) * self.config.speed * 1000.0)

    def unplug(self, for_s: float) -> None:
        """Pull the cable for ``for_s`` emulated seconds (``for_s / speed`` on the wall); returns once
        the port is gone."""
        if not self.running:
            raise RuntimeError("the server is not running")
        if for_s <= 0:
            raise ValueError(f"for_s must be > 0, got {for_s}")
        self._unplug_done.clear()
        with self._lock:
            self._unplug_request_ms = int(round(for_s * 1000))
        if not self._unplug_done.wait(5.0):
            raise RuntimeError("the emulator thread did not process the unplug request")

    def reset(self, reason: ResetReason = ResetReason.SOFTWARE) -> None:
        """Reset the device now (bootloader text, BOOT), without touching the port."""
        with self._lock:
            self.device.advance(max(self.emulation_ms(), self.device.now_ms))
            self.device.reset(reason)

    @property
    def stats(self) -> ServerStats:
        with self._lock:
            c = self.device.counters
            return ServerStats(
                frames_sent=c.frames_sent,
                frames_dropped=c.frames_dropped,
                frames_corrupted=c.frames_corrupted,
                samples=c.samples,
                statuses=c.statuses,
                commands=c.commands,
                boots=c.boots,
                resets=c.resets,
                unplugs=self.unplugs,
                bytes_written=self.bytes_written,
                bytes_discarded=self.bytes_discarded,
                host_frames_dropped=self.device.decoder.dropped_total,
                host_attached=self._attached,
                emulation_ms=self.device.now_ms,
            )

    # -- pty -----------------------------------------------------------------------------

    def _open_pty(self) -> None:
        master, slave = os.openpty()
        tty.setraw(slave)
        self._pty_path = os.ttyname(slave)
        # Not keeping the slave open lets poll() report POLLHUP while no host has the port open.
        os.close(slave)
        fcntl.fcntl(master, fcntl.F_SETFL, fcntl.fcntl(master, fcntl.F_GETFL) | os.O_NONBLOCK)
        self._master = master
        assert self._link_path is not None
        temp = self._link_path + ".new"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        os.symlink(self._pty_path, temp)
        os.replace(temp, self._link_path)  # atomic: the path never points at a stale pty

    def _close_pty(self) -> None:
        if self._link_path is not None and os.path.islink(self._link_path):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._link_path)
        if self._master >= 0:
            with contextlib.suppress(OSError):
                os.close(self._master)
        self._master = -1
        self._pty_path = None
        self._attached = False
        self._pending.clear()

    # -- the serving thread ----------------------------------------------------------------

    def _serve(self) -> None:
        try:
            while not self._stop.is_set():
                self._tick()
        except BaseException as error:  # keep the failure visible to the owner, then stop serving
            self.error = error
            log.exception("emulator thread failed")

    def _timeout_s(self) -> float:
        """Wall time to wait for the host before updating the device.

        At least ``tick_s``, so frames due sooner are batched (a 2000 frames/s
        stream is written in blocks, not frame by frame); at most
        :data:`MAX_WAIT_S`, or :data:`ATTACH_POLL_S` while no host has the port
        open, so a host that opens it is noticed quickly. Host commands wake
        the loop at once whatever the timeout.
        """
        with self._lock:
            next_ms = self.device.next_event_ms()
            if self._replug_at_ms is not None:
                next_ms = self._replug_at_ms if next_ms is None else min(next_ms, self._replug_at_ms)
        longest = MAX_WAIT_S if self._attached else ATTACH_POLL_S
        if next_ms is None:
            return longest
        wait = (next_ms - self.emulation_ms()) / 1000.0 / self.config.speed
        return min(max(wait, self.config.tick_s), longest)

    def _tick(self) -> None:
        self._handle_port_events()
        if self._master < 0:
            self._stop.wait(self._timeout_s())
            return
        data = self._wait_for_host(self._timeout_s())
        with self._lock:
            self.device.advance(max(self.emulation_ms(), self.device.now_ms))
            if data:
                self.device.receive(data)
            out = self.device.read_output()
        self._deliver(out)

    def _handle_port_events(self) -> None:
        now = self.emulation_ms()
        with self._lock:
            vanish_at = self.config.faults.vanish_at_s
            if vanish_at is not None and not self._vanish_done and now >= vanish_at * 1000 and self._master >= 0:
                self._vanish_done = True
                self._unplug_now(now, int(round(self.config.faults.vanish_for_s * 1000)))
            if self._unplug_request_ms is not None:
                for_ms, self._unplug_request_ms = self._unplug_request_ms, None
                if self._master >= 0:
                    self._unplug_now(now, for_ms)
                self._unplug_done.set()
            if self._replug_at_ms is not None and now >= self._replug_at_ms:
                self._replug_at_ms = None
                self._open_pty()
                self.device.advance(max(now, self.device.now_ms))
                self.device.power_on()
                self._hold_output = True  # the reopening host must see the bootloader text and BOOT
                log.info("emulated port is back on %s -> %s; device rebooted", self._link_path, self._pty_path)

    def _unplug_now(self, now_ms: int, for_ms: int) -> None:
        self.device.advance(max(now_ms, self.device.now_ms))
        self.device.power_off()
        self._close_pty()
        self._hold_output = False
        self._replug_at_ms = now_ms + for_ms
        self.unplugs += 1
        log.info("emulated port vanished for %.1f emulated s", for_ms / 1000)

    def _wait_for_host(self, timeout_s: float) -> bytes:
        """Wait up to ``timeout_s`` for host bytes; track whether a host has the port open."""
        poller = select.poll()
        poller.register(self._master, select.POLLIN)
        events = dict(poller.poll(0)).get(self._master, 0)
        if events & select.POLLHUP:  # nobody has the port open: poll() would return at once, so sleep
            if self._attached:
                self._attached = False
                if not self._hold_output:
                    self.bytes_discarded += len(self._pending)
                    self._pending.clear()
            self._stop.wait(timeout_s)
            return b""
        if not self._attached:
            self._attached = True
            self._attached_since = time.monotonic()
        if not events & select.POLLIN:
            events = dict(poller.poll(timeout_s * 1000.0)).get(self._master, 0)
        if events & select.POLLIN:
            try:
                return os.read(self._master, 65536)
            except OSError:  # EIO: the host closed the port between poll and read
                return b""
        return b""

    def _deliver(self, out: bytes) -> None:
        if out:
            if not (self._attached or self._hold_output) or len(self._pending) + len(out) > MAX_PENDING_BYTES:
                self.bytes_discarded += len(out)
            else:
                self._pending += out
        if not self._pending or not self._attached or time.monotonic() - self._attached_since < SETTLE_S:
            return
        try:
            written = os.write(self._master, self._pending)
        except BlockingIOError:  # the host is not reading fast enough: keep it for the next tick
            return
        except OSError:  # the host went away mid-write
            return
        del self._pending[:written]
        self.bytes_written += written
        if not self._pending:
            self._hold_output = False
