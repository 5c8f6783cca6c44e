"""The emulated firmware against the ICD, without I/O: driven in memory, time moved by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from firmware_protocol import FrameDecoder, encode_frame
from firmware_protocol.emulator import EmulatedDevice, EmulatorConfig, FaultConfig, ResetReason
from firmware_protocol.emulator.faults import DEFAULT_BOOTLOADER_JUNK
from firmware_protocol.messages import (
    Ack,
    Boot,
    ChannelKind,
    DeviceState,
    GetInfo,
    Info,
    Inlet,
    Log,
    Nak,
    NakCode,
    Ping,
    Pong,
    Sample,
    SampleFlag,
    SelfTest,
    SelfTestResult,
    SetHeater,
    SetInlet,
    SetPump,
    Start,
    Status,
    Stop,
)
from tests.emulator.wire import MemoryHost


def _host(**config) -> MemoryHost:
    host = MemoryHost(EmulatedDevice(EmulatorConfig(**config)))
    host.collect()  # the power-up BOOT
    return host


def _of(received, cls) -> list:
    return [r.message for r in received if isinstance(r.message, cls)]


# -- INFO -------------------------------------------------------------------------------------


@pytest.mark.parametrize("n_mox", [4, 8, 17, 32])
@pytest.mark.parametrize("order", ["aux-last", "aux-first", "shuffled"])
def test_info_layout(n_mox, order):
    host = _host(n_mox=n_mox, order=order, seed=3, serial="SN-42", min_period_ms=20)
    (info,) = _of(host.command(GetInfo()), Info)
    assert (info.model, info.serial, info.min_period_ms) == ("ENOSE-EMU", "SN-42", 20)
    kinds = [c.kind for c in info.channels]
    assert len(kinds) == n_mox + 4 and kinds.count(ChannelKind.MOX) == n_mox
    assert sorted(k for k in kinds if k != ChannelKind.MOX) == [2, 3, 4, 5]
    assert len(info.pack()) == 51 + 16 * (n_mox + 4) <= 1024
    assert len({c.name for c in info.channels}) == n_mox + 4
    units = {c.kind: c.unit for c in info.channels}
    assert units == {1: "ohm", 2: "degC", 3: "%", 4: "Pa", 5: "ppm"}
    if order == "aux-last":
        assert kinds[:n_mox] == [ChannelKind.MOX] * n_mox
    elif order == "aux-first":
        assert kinds[4:] == [ChannelKind.MOX] * n_mox
    else:  # a seeded shuffle: same seed, same order; another seed, another order
        again = EmulatedDevice(EmulatorConfig(n_mox=n_mox, order=order, seed=3)).channels
        other = EmulatedDevice(EmulatorConfig(n_mox=n_mox, order=order, seed=4)).channels
        assert again == info.channels and other != info.channels


def test_samples_follow_info_order():
    """Each value lands under its INFO channel whatever the order (CO2 ~ 400 ppm, RH ~ 40 %, ...)."""
    host = _host(n_mox=5, order="shuffled", seed=11, warmup_s=0)
    channels = host.device.channels
    host.send(Start(100, 0))
    host.advance(3000)
    values = np.array([s.values for s in _of(host.collect(), Sample)])
    by_kind = {c.kind: values[:, i] for i, c in enumerate(channels) if c.kind != ChannelKind.MOX}
    assert np.all(np.abs(by_kind[ChannelKind.CO2] - 400) < 200)
    assert np.all(np.abs(by_kind[ChannelKind.HUMIDITY] - 40) < 5)
    assert np.all(np.abs(by_kind[ChannelKind.PRESSURE]) < 3)
    assert np.all((by_kind[ChannelKind.TEMPERATURE] > 30) & (by_kind[ChannelKind.TEMPERATURE] < 41))
    mox = values[:, [i for i, c in enumerate(channels) if c.kind == ChannelKind.MOX]]
    assert np.all((mox > 1e3) & (mox < 1e6))


def test_aux_subset():
    host = _host(n_mox=4, aux=(ChannelKind.CO2, ChannelKind.HUMIDITY), order="aux-first")
    (info,) = _of(host.command(GetInfo()), Info)
    assert [c.name for c in info.channels] == ["co2", "rh", "mox0", "mox1", "mox2", "mox3"]


def test_config_rejects_impossible_devices():
    with pytest.raises(ValueError, match="n_mox"):
        EmulatorConfig(n_mox=33)
    with pytest.raises(ValueError, match="order"):
        EmulatorConfig(order="random")
    with pytest.raises(ValueError, match="16"):
        EmulatorConfig(serial="X" * 17)
    with pytest.raises(ValueError, match="not a channel"):
        EmulatedDevice(EmulatorConfig(faults=FaultConfig(dead_channels=("mox9",))))


# -- commands and NAKs ---------------------------------------------------------------------------


def _raw_command(host: MemoryHost, msg_type: int, payload: bytes) -> int:
    seq = host.seq
    host.seq += 1
    host.send_raw(encode_frame(msg_type, seq, payload))
    return seq


@pytest.mark.parametrize(
    ("msg_type", "payload", "code"),
    [
        (0x09, b"", NakCode.UNKNOWN_TYPE),
        (0x00, b"", NakCode.UNKNOWN_TYPE),
        (0x81, b"", NakCode.UNKNOWN_TYPE),  # a device-to-host type sent to the device
        (0x01, b"\x00", NakCode.BAD_PAYLOAD),
        (0x02, b"\x64\x00", NakCode.BAD_PAYLOAD),
        (0x03, b"\x01", NakCode.BAD_PAYLOAD),
        (0x04, b"", NakCode.BAD_PAYLOAD),
        (0x05, b"\xfa", NakCode.BAD_PAYLOAD),
        (0x06, b"\x00", NakCode.BAD_PAYLOAD),
        (0x07, b"\x01\x02\x03", NakCode.BAD_PAYLOAD),
        (0x08, b"", NakCode.BAD_PAYLOAD),
        (0x02, Start(9, 0).pack(), NakCode.OUT_OF_RANGE),  # below min_period_ms
        (0x02, Start(1001, 0).pack(), NakCode.OUT_OF_RANGE),
        (0x02, Start(100, 2).pack(), NakCode.OUT_OF_RANGE),
        (0x04, SetInlet(5).pack(), NakCode.OUT_OF_RANGE),
        (0x05, SetPump(1).pack(), NakCode.OUT_OF_RANGE),
        (0x05, SetPump(49).pack(), NakCode.OUT_OF_RANGE),
        (0x05, SetPump(501).pack(), NakCode.OUT_OF_RANGE),
        (0x08, SetHeater(2).pack(), NakCode.OUT_OF_RANGE),
    ],
)
def test_nak(msg_type, payload, code):
    host = _host(min_period_ms=10)
    seq = _raw_command(host, msg_type, payload)
    received = host.collect()
    assert [r.message for r in received] == [Nak(seq, msg_type, int(code))]
    assert host.device.state == DeviceState.IDLE


@pytest.mark.parametrize(
    "command",
    [
        Start(10, 0),
        Start(1000, 1),
        SetPump(0),
        SetPump(50),
        SetPump(500),
        SetInlet(4),  # HUMID_ZERO_AIR, ICD revision 1.1
        SetInlet(3),
        SetInlet(0),
        SetHeater(1),
        Stop(),
    ],
)
def test_ack_at_the_limits(command):
    host = _host(min_period_ms=10)
    seq = host.send(command)
    assert [r.message for r in host.collect()] == [Ack(seq, command.TYPE)]


def test_firmware_before_revision_1_1_refuses_the_humidified_inlet_and_keeps_its_inlet():
    host = _host(min_period_ms=10, humidifier=False)
    assert host.device.info.firmware == "emu-1.0.0"
    host.send(SetInlet(2))
    host.collect()
    seq = _raw_command(host, 0x04, SetInlet(4).pack())
    assert [r.message for r in host.collect()] == [Nak(seq, 0x04, int(NakCode.OUT_OF_RANGE))]
    assert host.device.inlet == 2


def test_revision_1_1_firmware_is_the_default():
    assert _host().device.info.firmware == "emu-1.1.0"


def test_bad_state_while_streaming_then_ok_after_stop():
    host = _host()
    host.send(Start(100, 0))
    host.collect()
    seq = host.send(Start(100, 0))
    seq2 = host.send(SelfTest())
    replies = [r.message for r in host.collect()]
    assert replies == [Nak(seq, 0x02, NakCode.BAD_STATE), Nak(seq2, 0x06, NakCode.BAD_STATE)]
    assert host.device.state == DeviceState.STREAMING
    seq3 = host.send(Stop())
    seq4 = host.send(SelfTest())
    assert [r.message for r in host.collect()] == [Ack(seq3, 0x03), Ack(seq4, 0x06)]


def test_ping_pong_same_token():
    host = _host()
    for token in (0, 42, 0x00FF0000, 0xFFFFFFFF):
        assert _of(host.command(Ping(token)), Pong) == [Pong(token)]


def test_host_garbage_is_dropped_and_counted_not_answered():
    host = _host()
    host.send_raw(b"\x05\x01\x02\x03\x00hello\x00")
    assert host.collect() == []
    assert host.device.decoder.dropped_total == 2


def test_self_test_reports_dead_channels():
    faults = FaultConfig(dead_channels=("mox2", 5))
    host = MemoryHost(EmulatedDevice(EmulatorConfig(n_mox=6, faults=faults, warmup_s=0)))
    boot = host.collect()
    assert [type(r.message) for r in boot] == [Boot, Log, Log]
    assert "mox2" in boot[1].message.text
    seq = host.send(SelfTest())
    assert [r.message for r in host.collect()] == [Ack(seq, 0x06)]
    assert host.device.state == DeviceState.SELF_TEST
    assert host.command(Start(100, 0))[0].message.code == NakCode.BAD_STATE
    host.advance(host.device.config.self_test_ms)
    results = _of(host.collect(), SelfTestResult)
    assert results == [SelfTestResult(False, (1 << 2) | (1 << 5))]
    assert host.device.state == DeviceState.IDLE
    host.send(Start(50, 0))
    host.advance(500)
    values = np.array([s.values for s in _of(host.collect(), Sample)])
    assert np.isnan(values[:, [2, 5]]).all() and not np.isnan(np.delete(values, [2, 5], axis=1)).any()


def test_self_test_passes_on_a_healthy_device():
    host = _host()
    host.send(SelfTest())
    host.advance(1000)
    assert _of(host.collect(), SelfTestResult) == [SelfTestResult(True, 0)]


# -- sequence numbers, clock, timing ---------------------------------------------------------------


def test_seq_increments_over_every_frame_and_wraps():
    """66,000 frames of every kind: each is the previous + 1 (mod 2^16), through the wrap."""
    host = _host(n_mox=4, warmup_s=0)
    junk_dropped = host.decoder.dropped_total  # the bootloader text before the power-up BOOT
    host.advance(2500)  # STATUS frames while idle
    host.send(GetInfo())
    host.send(Ping(7))
    host.send(Start(10, 0))
    host.advance(660_000)
    host.send(Stop())
    host.advance(3000)
    received = host.collect()
    seqs = np.array([r.seq for r in received])
    assert len(seqs) > 66_000
    assert seqs[0] == 1  # BOOT had 0
    assert np.all(np.diff(seqs) % 65536 == 1)
    assert np.any(np.diff(seqs) == -65535)
    kinds = {type(r.message) for r in received}
    assert {Status, Info, Pong, Ack, Sample} <= kinds
    assert host.device.decoder.dropped_total == 0 and host.decoder.dropped_total == junk_dropped == 1


def test_device_clock_wraps_at_2_32():
    host = _host(clock_start_ms=2**32 - 450, warmup_s=0)
    host.send(Start(100, 0))
    host.advance(2000)
    t_ms = np.array([s.t_ms for s in _of(host.collect(), Sample)], dtype=np.int64)
    assert t_ms[0] == 2**32 - 350
    assert np.all(np.diff(t_ms) % 2**32 == 100)
    assert t_ms.min() < 1000 and t_ms.max() >= 2**32 - 350


@pytest.mark.parametrize("period_ms", [10, 37, 250, 1000])
def test_samples_every_period_ms(period_ms):
    host = _host(warmup_s=0)
    host.advance(123)
    host.send(Start(period_ms, 0))
    host.advance(10 * period_ms + period_ms // 2)
    samples = _of(host.collect(), Sample)
    assert len(samples) == 10
    assert [s.t_ms for s in samples] == [123 + period_ms * (i + 1) for i in range(10)]


def test_status_about_once_a_second_while_not_streaming():
    host = _host(warmup_s=0)
    host.advance(5000)
    statuses = _of(host.collect(), Status)
    assert [s.uptime_ms for s in statuses] == [1000, 2000, 3000, 4000, 5000]
    assert all(s.state == DeviceState.IDLE and s.flow_sccm == 250 for s in statuses)
    host.send(Start(100, 0))
    host.advance(5000)
    assert _of(host.collect(), Status) == []
    host.send(Stop())
    host.advance(2500)
    statuses = _of(host.collect(), Status)
    assert [s.uptime_ms for s in statuses] == [11000, 12000]


def test_warming_up_cleared_after_warm_up():
    host = _host(warmup_s=2.0)
    host.advance(1500)
    assert all(s.flags & SampleFlag.WARMING_UP for s in _of(host.collect(), Status))
    host.send(Start(100, 0))
    host.advance(2000)
    samples = _of(host.collect(), Sample)
    warming = [s.t_ms for s in samples if s.flags & SampleFlag.WARMING_UP]
    settled = [s.t_ms for s in samples if not s.flags & SampleFlag.WARMING_UP]
    assert max(warming) < 2000 <= min(settled)
    assert len(settled) == 16


def test_inlet_switching_and_low_flow_flags():
    host = _host(warmup_s=0)
    host.send(Start(100, 0))
    host.advance(1000)
    host.send(SetInlet(Inlet.MASK))
    host.advance(1000)
    host.send(SetPump(0))
    host.advance(500)
    samples = _of(host.collect(), Sample)
    switching = [s.t_ms for s in samples if s.flags & SampleFlag.INLET_SWITCHING]
    assert switching == [1100, 1200, 1300, 1400]  # [switch, switch + 0.5 s)
    low = [s.t_ms for s in samples if s.flags & SampleFlag.LOW_FLOW]
    assert low == [2100, 2200, 2300, 2400, 2500]
    assert host.device.inlet == Inlet.MASK and host.device.flow_sccm == 0


def test_advance_refuses_to_go_back():
    host = _host()
    host.advance(100)
    with pytest.raises(ValueError, match="back"):
        host.device.advance(50)


# -- resets --------------------------------------------------------------------------------------


def test_reset_sends_junk_then_boot_with_seq_0_and_restarts_the_clock():
    host = _host(clock_start_ms=10_000_000, warmup_s=2)
    host.send(SetInlet(Inlet.MASK))
    host.send(Start(100, 0))
    host.advance(5000)
    host.collect()
    host.device.reset(ResetReason.WATCHDOG)
    raw_start = len(host.raw)
    received = host.collect()
    assert bytes(host.raw[raw_start:]).startswith(DEFAULT_BOOTLOADER_JUNK + b"\x00")
    assert received[0].seq == 0 and received[0].message == Boot(int(ResetReason.WATCHDOG))
    device = host.device
    assert device.state == DeviceState.IDLE and device.inlet == Inlet.AMBIENT and device.clock_ms == 0
    host.advance(1000)
    (status,) = _of(host.collect(), Status)
    assert status.uptime_ms == 1000 and status.flags & SampleFlag.WARMING_UP
    assert device.counters.resets == 1 and device.counters.boots == 2


def test_reset_after_mask_fires_once_at_the_configured_time():
    host = _host(faults=FaultConfig(reset_after_mask_s=3.0), warmup_s=0)
    host.send(Start(100, 0))
    host.advance(700)
    host.send(SetInlet(Inlet.MASK))
    host.advance(2950)
    samples_before = _of(host.collect(), Sample)
    assert samples_before[-1].t_ms == 3600
    host.advance(100)
    received = host.collect()
    boots = [r for r in received if isinstance(r.message, Boot)]
    assert len(boots) == 1 and boots[0].seq == 0 and boots[0].message.reset_reason == ResetReason.WATCHDOG
    assert [s.t_ms for s in _of(received, Sample)] == [3700]  # due at the reset instant, sent first
    host.send(SetInlet(Inlet.MASK))
    host.advance(10_000)
    assert _of(host.collect(), Boot) == []
    assert host.device.counters.resets == 1


def test_power_cycle_boots_with_power_on_reason():
    host = _host()
    host.send(Start(100, 0))
    host.advance(1000)
    host.device.power_off()
    assert host.collect() == []
    host.send(GetInfo())
    host.advance(5000)
    assert host.collect() == []
    host.device.power_on()
    received = host.collect()
    assert received[0].message == Boot(int(ResetReason.POWER_ON)) and received[0].seq == 0


# -- fault injection ---------------------------------------------------------------------------------


def test_fault_counts_match_the_configured_rates():
    faults = FaultConfig(drop_rate=0.05, corrupt_rate=0.03, bootloader_junk=b"")
    host = _host(n_mox=4, faults=faults, warmup_s=0, seed=5)
    host.send(Start(10, 0))
    host.advance(200_000)  # 20,000 samples
    received = host.collect()
    counters = host.device.counters
    n = counters.frames_sent
    assert n > 20_000
    for count, rate in ((counters.frames_dropped, 0.05), (counters.frames_corrupted, 0.03)):
        sd = math.sqrt(n * rate * (1 - rate))
        assert abs(count - n * rate) < 5 * sd, (count, n * rate)
    # what the host sees agrees with the device's ledger: each corrupted frame is one dropped frame
    assert host.decoder.dropped_total == counters.frames_corrupted
    assert len(received) == n - 1 - counters.frames_dropped - counters.frames_corrupted  # -1: the power-up BOOT
    gaps = np.diff([r.seq for r in received]) % 65536 - 1
    assert gaps.sum() == counters.frames_dropped + counters.frames_corrupted - (received[0].seq - 1)


def test_same_seed_same_bytes_other_seed_other_bytes():
    def run(seed: int, serial: str = "EMU-000001") -> bytes:
        faults = FaultConfig(drop_rate=0.01, corrupt_rate=0.01, dead_channels=(1,))
        device = EmulatedDevice(EmulatorConfig(seed=seed, serial=serial, order="shuffled", faults=faults))
        host = MemoryHost(device)
        host.send(GetInfo())
        host.send(Start(20, 1))
        host.advance(3000)
        host.send(SetInlet(Inlet.MASK))
        host.advance(10_000)
        device.reset()
        host.advance(2000)
        host.collect()
        return bytes(host.raw)

    first = run(7)
    assert run(7) == first
    assert run(8) != first
    assert run(7, serial="EMU-000002") != first


def test_different_serial_different_unit():
    a = EmulatedDevice(EmulatorConfig(serial="EMU-A")).unit
    b = EmulatedDevice(EmulatorConfig(serial="EMU-B")).unit
    again = EmulatedDevice(EmulatorConfig(serial="EMU-A", seed=99)).unit
    assert not np.allclose(a.r0_ohm, b.r0_ohm)
    np.testing.assert_array_equal(a.r0_ohm, again.r0_ohm)
    np.testing.assert_array_equal(a.sensitivity, again.sensitivity)


def test_corruption_never_creates_a_delimiter():
    decoder = FrameDecoder()
    host = _host(n_mox=4, faults=FaultConfig(corrupt_rate=1.0), warmup_s=0)
    before = host.device.counters.frames_corrupted  # the power-up BOOT, collected already
    host.send(Start(10, 0))
    host.advance(5000)
    data = host.device.read_output()
    assert data.count(b"\x00") == host.device.counters.frames_corrupted - before == 501
    assert decoder.feed(data) == [] and decoder.dropped_total == 501
