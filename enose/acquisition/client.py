"""Host side of the ICD over a serial port: the one way to talk to any e-nose.

One reader thread owns the port's input: it decodes frames, answers waiting
commands (ACK/NAK matched by sequence number, INFO/PONG/SELF_TEST_RESULT by
type) and hands SAMPLE, BOOT, STATUS and LOG to the listener. Commands are
sent from any thread; each waits up to 200 ms for its reply and is retried up
to 3 times (ICD section 5), each retry being a new frame with a new sequence
number. When the port disappears the reader keeps trying to reopen the same
path and reports the outage, so a pulled cable costs the outage, not the
recording.
"""

from __future__ import annotations

import logging
import os
import select
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import serial

from enose.acquisition.errors import DeviceDisconnected, DeviceNak, DeviceNotResponding, PortBusy
from firmware_protocol.frames import FrameDecoder
from firmware_protocol.messages import (
    Ack,
    Boot,
    GetInfo,
    Info,
    Log,
    Message,
    MessageType,
    Nak,
    NakCode,
    PayloadError,
    Ping,
    Pong,
    Sample,
    SelfTest,
    SelfTestResult,
    Status,
    encode_message,
    parse_message,
)

__all__ = ["DeviceClient", "DeviceListener", "LinkStats", "REPLY_TIMEOUT_S", "RETRIES", "port_holder"]

log = logging.getLogger(__name__)

REPLY_TIMEOUT_S = 0.2
RETRIES = 3
BAUDRATE = 115200
READ_TIMEOUT_S = 0.02
READ_CHUNK_BYTES = 65536
#: Pause after a partial read so that frames arrive in small batches (adds at most this latency
#: to the sample stream; none to command replies).
BATCH_PAUSE_S = 0.04
#: Only a small read (no backlog) earns a pause; a pty hands over at most ~4 KiB per read, so a
#: fast stream (an accelerated emulator) is read back to back.
PAUSE_BELOW_BYTES = 2048
REOPEN_INTERVAL_S = 0.25
_DEVICE_LOG_LEVELS = (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR)


class DeviceListener:
    """Callbacks from the reader thread. They must be quick and must not send commands."""

    def on_sample(self, seq: int, sample: Sample) -> None: ...

    def on_boot(self, boot: Boot) -> None: ...

    def on_status(self, status: Status) -> None: ...

    def on_link(self, connected: bool, detail: str) -> None: ...


@dataclass
class LinkStats:
    """Counters of the link, for the session record and the technician screen."""

    frames_ok: int = 0
    dropped: Counter = field(default_factory=Counter)
    bad_payload: int = 0
    retries: int = 0
    disconnects: int = 0

    def as_dict(self) -> dict:
        return {
            "frames_ok": self.frames_ok,
            "frames_dropped": dict(self.dropped),
            "bad_payload": self.bad_payload,
            "command_retries": self.retries,
            "disconnects": self.disconnects,
        }


class _Pending:
    """A command waiting for its reply."""

    def __init__(self, command_type: int, reply_type: int | None) -> None:
        self.command_type = command_type
        self.reply_type = reply_type
        self.seqs: set[int] = set()
        self.event = threading.Event()
        self.reply: Message | None = None


class DeviceClient:
    """A connected e-nose on a serial port (a USB CDC-ACM device or the emulator's pty)."""

    def __init__(
        self,
        port: str,
        listener: DeviceListener | None = None,
        *,
        reply_timeout_s: float = REPLY_TIMEOUT_S,
        retries: int = RETRIES,
        reconnect: bool = True,
    ) -> None:
        self.port = port
        self.listener = listener or DeviceListener()
        self.reply_timeout_s = reply_timeout_s
        self.retries = retries
        self.reconnect = reconnect
        self.stats = LinkStats()
        self.last_status: Status | None = None
        self.info: Info | None = None
        self._serial: serial.Serial | None = None
        self._decoder = FrameDecoder()
        self._seq = 0
        self._send_lock = threading.Lock()
        self._pending_lock = threading.Lock()
        self._pending: list[_Pending] = []
        self._wake = threading.Event()  # set when a command is sent: ends the reader's batching pause
        self._self_test_result: SelfTestResult | None = None
        self._self_test_event = threading.Event()
        self._connected = threading.Event()
        self._running = False
        self._reader: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------

    def open(self) -> Info:
        """Open the port, start the reader and read INFO.

        Raises:
            DeviceDisconnected: the port cannot be opened.
            DeviceNotResponding: the port opened but nothing answers GET_INFO.
        """
        self._open_port()
        self._running = True
        self._reader = threading.Thread(target=self._read_loop, name=f"enose-reader {self.port}", daemon=True)
        self._reader.start()
        return self.get_info()

    def close(self) -> None:
        self._running = False
        self._wake.set()
        if self._reader is not None:
            self._reader.join(timeout=2.0)
        self._close_port()

    def __enter__(self) -> DeviceClient:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def wait_connected(self, timeout_s: float) -> bool:
        return self._connected.wait(timeout_s)

    def _open_port(self) -> None:
        """Open the port exclusively (POSIX ``flock``).

        Why exclusive: a second program on the same port (a second ``enose screen``, a terminal
        program) takes half of the frames and answers, which ruins both recordings. The lock is
        taken before pyserial touches the line settings, so a refused opener leaves the first
        recording unharmed.

        Raises:
            PortBusy: another process holds the port (the message names it when it can).
            DeviceDisconnected: the port cannot be opened for another reason.
        """
        exclusive = {"exclusive": True} if os.name == "posix" else {}
        try:
            self._serial = serial.Serial(self.port, BAUDRATE, timeout=READ_TIMEOUT_S, write_timeout=1.0, **exclusive)
        except (serial.SerialException, OSError) as error:
            if "exclusively lock" in str(error):
                raise PortBusy(f"port busy: {self.port} is used by {port_holder(self.port)}") from error
            raise DeviceDisconnected(f"cannot open {self.port}: {error}") from error
        self._decoder.reset()
        self._connected.set()

    def _close_port(self) -> None:
        self._connected.clear()
        port, self._serial = self._serial, None
        if port is not None:
            try:
                port.close()
            except (serial.SerialException, OSError):
                pass

    # -- reader thread -----------------------------------------------------------

    def _read_loop(self) -> None:
        while self._running:
            port = self._serial
            if port is None:
                if not self.reconnect:
                    time.sleep(REOPEN_INTERVAL_S)
                    continue
                try:
                    self._open_port()
                except DeviceDisconnected:
                    time.sleep(REOPEN_INTERVAL_S)
                    continue
                log.info("serial port %s is back", self.port)
                self.listener.on_link(True, f"{self.port} reconnected")
                continue
            try:
                data = self._read_available(port)
            except (serial.SerialException, OSError, TypeError) as error:
                # TypeError: pyserial closing underneath a read on some platforms.
                if not self._running:
                    break
                self.stats.disconnects += 1
                log.warning("serial port %s lost: %s", self.port, error)
                self._close_port()
                self._fail_pending()
                self.listener.on_link(False, f"{self.port} lost: {error}")
                continue
            if data:
                self._handle_bytes(data)
                if len(data) < PAUSE_BELOW_BYTES and not self._pending:
                    # Let a few frames gather: each wake-up of this thread costs more than the
                    # frames it decodes. Skipped while a command waits, so replies stay prompt.
                    self._wake.wait(BATCH_PAUSE_S)

    def _read_available(self, port: serial.Serial) -> bytes:
        """Whatever the port has now, waiting at most READ_TIMEOUT_S for the first byte.

        On POSIX this is one select() and one read() on the port's descriptor:
        pyserial's read() loops with a select() per arriving frame, which at 100 Hz
        costs more CPU than decoding. Elsewhere, pyserial's read() is used.
        """
        fileno = getattr(port, "fileno", None)
        if fileno is None or os.name != "posix":
            return port.read(port.in_waiting or 1)
        fd = fileno()
        ready, _, _ = select.select([fd], [], [], READ_TIMEOUT_S)
        if not ready:
            return b""
        data = os.read(fd, READ_CHUNK_BYTES)
        if not data:
            raise serial.SerialException("device reports readiness to read but returned no data (disconnected?)")
        return data

    def _handle_bytes(self, data: bytes) -> None:
        frames = self._decoder.feed(data)
        self.stats.frames_ok = self._decoder.frames_ok
        self.stats.dropped = self._decoder.dropped
        for frame in frames:
            try:
                message = parse_message(frame)
            except PayloadError as error:
                self.stats.bad_payload += 1
                log.debug("dropped frame type 0x%02x: %s", frame.type, error)
                continue
            if isinstance(message, Sample):
                self.listener.on_sample(frame.seq, message)
            elif isinstance(message, Ack | Nak):
                self._resolve(lambda p, m=message: m.seq in p.seqs, message)
            elif isinstance(message, Info | Pong):
                self._resolve(lambda p, m=message: p.reply_type == m.TYPE, message)
            elif isinstance(message, SelfTestResult):
                self._self_test_result = message
                self._self_test_event.set()
            elif isinstance(message, Status):
                self.last_status = message
                self.listener.on_status(message)
            elif isinstance(message, Boot):
                log.info("device on %s (re)started, reset reason %d", self.port, message.reset_reason)
                self.listener.on_boot(message)
            elif isinstance(message, Log):
                log.log(_DEVICE_LOG_LEVELS[min(message.level, 3)], "device: %s", message.text)

    def _resolve(self, match: Callable[[_Pending], bool], message: Message) -> None:
        with self._pending_lock:
            for pending in self._pending:
                if not pending.event.is_set() and match(pending):
                    pending.reply = message
                    pending.event.set()
                    return

    def _fail_pending(self) -> None:
        with self._pending_lock:
            for pending in self._pending:
                pending.event.set()

    # -- commands ----------------------------------------------------------------

    def _next_seq(self) -> int:
        seq = self._seq
        self._seq = (seq + 1) & 0xFFFF
        return seq

    def send(self, message: Message) -> int:
        """Send one frame without waiting; return its sequence number."""
        with self._send_lock:
            port = self._serial
            if port is None:
                raise DeviceDisconnected(f"{self.port} is not connected")
            seq = self._next_seq()
            try:
                port.write(encode_message(message, seq))
            except (serial.SerialException, OSError) as error:
                raise DeviceDisconnected(f"cannot write to {self.port}: {error}") from error
            return seq

    def command(self, message: Message, reply_type: int | None = None) -> Message:
        """Send ``message`` and wait for its reply, retrying as the ICD says.

        ``reply_type`` is the message type that answers it (INFO, PONG); by
        default the answer is the ACK or NAK carrying the command's sequence number.

        Raises:
            DeviceNak: the device refused (not retried: it answered).
            DeviceNotResponding: no answer after the retries.
            DeviceDisconnected: the port is gone.
        """
        pending = _Pending(message.TYPE, reply_type)
        name = MessageType(message.TYPE).name
        with self._pending_lock:
            self._pending.append(pending)
        try:
            for attempt in range(self.retries + 1):
                if attempt:
                    self.stats.retries += 1
                    log.debug("retrying %s (attempt %d)", name, attempt + 1)
                seq = self.send(message)
                with self._pending_lock:
                    pending.seqs.add(seq)
                self._wake.set()
                if pending.event.wait(self.reply_timeout_s) and pending.reply is not None:
                    reply = pending.reply
                    if isinstance(reply, Nak):
                        if attempt and reply.code == NakCode.BAD_STATE and message.TYPE == MessageType.START:
                            return reply  # an earlier START got through; only its ACK was lost
                        raise DeviceNak(
                            f"device refused {name}: {NakCode(reply.code).name if reply.code in iter(NakCode) else reply.code}",
                            reply.code,
                        )
                    return reply
                if not self.connected:
                    raise DeviceDisconnected(f"{self.port} disconnected while waiting for the reply to {name}")
            raise DeviceNotResponding(
                f"device on {self.port} did not answer {name} within {self.reply_timeout_s * 1000:.0f} ms "
                f"after {self.retries} retries"
            )
        finally:
            with self._pending_lock:
                self._pending.remove(pending)
                if not self._pending:
                    self._wake.clear()

    def get_info(self) -> Info:
        info = self.command(GetInfo(), reply_type=MessageType.INFO)
        assert isinstance(info, Info)
        self.info = info
        return info

    def ping(self, token: int) -> bool:
        reply = self.command(Ping(token), reply_type=MessageType.PONG)
        return isinstance(reply, Pong) and reply.token == token

    def self_test(self, timeout_s: float = 10.0) -> SelfTestResult:
        """Run the device self-test (device must be idle) and return its result."""
        self._self_test_event.clear()
        self._self_test_result = None
        self.command(SelfTest())
        if not self._self_test_event.wait(timeout_s) or self._self_test_result is None:
            raise DeviceNotResponding(f"no SELF_TEST_RESULT within {timeout_s:.0f} s")
        return self._self_test_result


def port_holder(port: str) -> str:
    """Who holds ``port`` open, for the "port busy" message: ``pid N (command)``, else "another program".

    Linux only (``/proc``): the ``flock`` holder from ``/proc/locks`` (visible for any user), else a
    process with the device among its open files (visible for one's own processes). Best effort: the
    message must never fail because the holder cannot be found.
    """
    try:
        st = os.stat(port)
    except OSError:
        return "another program"
    me = os.getpid()
    pids: list[int] = []
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as handle:
            for line in handle:
                fields = line.split()
                if len(fields) >= 6 and fields[1] == "FLOCK":
                    major, minor, inode = fields[5].split(":")
                    if int(inode) == st.st_ino and os.makedev(int(major, 16), int(minor, 16)) == st.st_dev:
                        pids.append(int(fields[4]))
    except (OSError, ValueError):
        pass
    if not pids:
        pids = _pids_with_open(st)
    for pid in pids:
        if pid != me:
            return f"pid {pid} ({_command_of(pid)})"
    return "another program"


def _pids_with_open(st: os.stat_result) -> list[int]:
    """Processes (readable by us) with the device of ``st`` open."""
    found = []
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return found
    for entry in entries:
        try:
            for fd in os.listdir(f"/proc/{entry}/fd"):
                try:
                    other = os.stat(f"/proc/{entry}/fd/{fd}")
                except OSError:
                    continue
                if other.st_ino == st.st_ino and other.st_dev == st.st_dev and other.st_rdev == st.st_rdev:
                    found.append(int(entry))
                    break
        except OSError:
            continue
    return found


def _command_of(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            words = handle.read().split(b"\0")
    except OSError:
        return "unknown command"
    text = " ".join(w.decode(errors="replace") for w in words if w)
    return text[:120] or "unknown command"
