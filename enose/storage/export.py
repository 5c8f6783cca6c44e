"""Export one session's raw samples to NPZ or CSV, exactly as received.

NPZ keys: ``values`` (float32, samples x channels), ``channels`` (names),
``t`` (session seconds), ``device_seq`` (uint16), ``device_t_ms`` (uint32) and
``flags`` (uint16). The CSV has the same columns with the channel names as
headers; floats are written with 9 significant digits, which round-trips
float32 exactly.

CSV text, column by column (C ``printf``/Python ``%`` formats): ``t`` as
``%.6f`` (microseconds), ``device_seq``, ``device_t_ms`` and ``flags`` as
``%d``, every channel as ``%.9g`` of its float32 value; comma-separated,
``\\n`` after each row. How it is written fast is described in
:func:`_csv_block`; the text is the same, byte for byte, as formatting each
value with ``%`` (:func:`_csv_block_by_printf`, kept for the rare values the
fast way leaves to it and as the reference of the tests).
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import numpy as np

from enose.recording import Recording
from enose.storage.private_files import open_private

__all__ = ["EXPORT_FORMATS", "export_recording"]

EXPORT_FORMATS = ("csv", "npz")


def export_recording(recording: Recording, fmt: str, out: str | os.PathLike) -> Path:
    """Write ``recording`` to ``out`` in ``fmt`` (``csv`` or ``npz``); return the path written."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    # Write to a temporary name and rename, so a full disk never leaves a half file under the real name.
    with open_private(tmp) as handle:
        if fmt == "npz":
            np.savez(
                handle,
                values=recording.values.astype(np.float32, copy=False),
                channels=np.array(recording.layout.names),
                t=recording.t_s,
                device_seq=recording.device_seq.astype(np.uint16, copy=False),
                device_t_ms=recording.device_t_ms.astype(np.uint32, copy=False),
                flags=recording.flags.astype(np.uint16, copy=False),
            )
        else:
            _write_csv(handle, recording)
    os.replace(tmp, path)
    return path


#: Rows formatted at a time (bounds the memory of a long session and keeps the per-row arrays small;
#: the text does not depend on it).
_ROWS_PER_BLOCK = 2048
#: Values per call of :class:`_G9` (its scratch arrays stay in the L2 cache).
_VALUES_PER_CALL = 8192


def _write_csv(handle, recording: Recording) -> None:
    header = ["t", "device_seq", "device_t_ms", "flags", *recording.layout.names]
    handle.write((",".join(header) + "\n").encode())
    n = recording.n_samples
    g9 = _G9(_VALUES_PER_CALL)
    for start in range(0, n, _ROWS_PER_BLOCK):
        handle.write(_csv_block(recording, start, min(n, start + _ROWS_PER_BLOCK), g9))


def _columns(recording: Recording, start: int, stop: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(t, ints, values)`` of rows ``start:stop`` as the CSV formats them (float64, int64, float64)."""
    ints = np.column_stack([recording.device_seq[start:stop], recording.device_t_ms[start:stop],
                            recording.flags[start:stop]]).astype(np.int64)  # fmt: skip
    return recording.t_s[start:stop].astype(np.float64), ints, recording.values[start:stop].astype(np.float64)


def _csv_block_by_printf(recording: Recording, start: int, stop: int) -> bytes:
    """Rows ``start:stop`` formatted value by value with ``%`` (the definition of the text)."""
    t, ints, values = _columns(recording, start, stop)
    table = np.column_stack([np.char.mod("%.6f", t), np.char.mod("%d", ints), np.char.mod("%.9g", values)])
    return ("\n".join(",".join(row) for row in table) + "\n").encode()


# -- the fast way: every field as little-endian 64-bit words of ASCII, built with whole-array integer operations --
#
# Each field gets a fixed number of words per row; bytes that are not part of its text are 0 and the
# last byte of its last word is the separator (',' or '\n'). A row is its fields' words side by side,
# a block is the rows one after the other, and the text is that memory with its zero bytes removed
# (no text byte is 0). Digits come from a SWAR conversion (eight decimal digits of an integer below
# 10^8 into the eight bytes of one word with a few multiplications, shifts and masks), so no value is
# ever formatted one at a time; the few values it cannot vouch for are formatted by ``%`` (see
# :class:`_G9`).

_U64 = np.uint64
_LE = np.dtype("<u8")
_ONES = _U64(0x0101010101010101)  # bit 0 of every byte
_ZERO_CHAR = 0x30

#: Correctly rounded float64 powers of ten, 10**k for k in [_POW_LO, _POW_HI].
_POW_LO, _POW_HI = -120, 120
_POW10 = np.array([float(Fraction(10) ** k) for k in range(_POW_LO, _POW_HI + 1)])


def _word(text: bytes, shift_bytes: int = 0) -> int:
    return int.from_bytes(text, "little") << (8 * shift_bytes)


def _digits8(x: np.ndarray) -> np.ndarray:
    """The eight decimal digits of ``x`` (uint64, each < 10**8) as byte values 0-9, most significant in byte 0.

    SWAR: split into two 4-digit halves in the two 32-bit lanes, each lane into two 2-digit
    numbers (``* 10486 >> 20`` is ``// 100`` below 43,699), each of those into two digits
    (``* 103 >> 10`` is ``// 10`` below 179); no lane ever carries into the next.
    """
    hi = x // 10_000
    w = hi | ((x - hi * 10_000) << 32)
    q = ((w * 10486) >> 20) & _U64(0x0000007F0000007F)
    w = q | ((w - q * 100) << 16)
    q = ((w * 103) >> 10) & _U64(0x000F000F000F000F)
    return q | ((w - q * 10) << 8)


def _two_product_error(a: np.ndarray, b: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``a * b - p`` exactly, for ``p = fl(a * b)`` (Dekker's product without FMA; no overflow here)."""
    split = 134217729.0  # 2**27 + 1
    ca, cb = split * a, split * b
    a_hi, b_hi = ca - (ca - a), cb - (cb - b)
    a_lo, b_lo = a - a_hi, b - b_hi
    return ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo


#: ``%.9g`` tables, indexed by the decimal exponent X + 99 (X in [-99, 99]). Fixed notation 0 <= X <= 8 is
#: [sign][first digit][X more integer digits][.][fraction digits]: the eight digits after the first are one
#: word whose X low bytes are the integer part (_LOW) and the rest the fraction, placed one byte further
#: to make room for the point. Exponential notation is the same with X = 0 and "e±XX" after the eight
#: digit slots (removed zeros close the gap). -4 <= X <= -1 is "0." and -X - 1 zeros, then the digits.
_X = np.arange(-99, 100)
_FIXED = (_X >= 0) & (_X <= 8)


def _table(values) -> np.ndarray:
    return np.array([int(v) for v in values], dtype=_U64)


_LOW = _table((1 << (8 * int(x))) - 1 if f else 0 for x, f in zip(_X, _FIXED, strict=True))
_ASCII_LOW = _table(int(low) & (int(_ONES) * _ZERO_CHAR) for low in _LOW)  # "0" added to the integer bytes
_DOT_AT = np.where(_FIXED, _X + 2, 2)  # byte of the point
_DOT0 = _table(ord(".") << (8 * int(d)) if d < 8 else 0 for d in _DOT_AT)
_DOT1 = _table(ord(".") << (8 * (int(d) - 8)) if d >= 8 else 0 for d in _DOT_AT)
_EXPONENT = _table(_word(b"e%+03d" % x, 3) if not -4 <= x <= 8 else 0 for x in _X)  # bytes 11-14
_PREFIX = _table(_word(("0." + "0" * (-x - 1)).encode().rjust(5, b"\0"), 1) if -4 <= x <= -1 else 0 for x in _X)
_NAN, _INF, _MINUS_INF = _word(b"nan"), _word(b"inf"), _word(b"-inf")
_ZERO_TEXT, _MINUS_ZERO_TEXT = _word(b"0"), _word(b"-0")


def _pow10(k: np.ndarray) -> np.ndarray:
    return np.take(_POW10, k - _POW_LO)


class _G9:
    """``'%.9g' % x`` of float64 values into two little-endian words each (15 text bytes, then a separator).

    The scratch arrays are allocated once for ``size`` values and every operation writes into them:
    a few dozen freshly allocated temporaries per block make the C library hand memory back and
    fault it in again and again (measured: 3x the time from 32 KiB arrays up).

    Method, for finite ``|x|`` in [1e-99, 1e99): with ``X = floor(log10 |x|)`` (corrected by one
    where log10 rounds across a power of ten), ``D = rint(|x| * 10**(8 - X))`` is the nine
    significant digits, ``10**8 <= D < 10**9``. The power and the product are each rounded once,
    so the product is within 2.3e-7 of the exact ``|x| * 10**(8-X)`` (< 1e9): ``rint`` gives the
    correctly rounded ``D`` unless the product lies within 1e-5 of a half. Such a value keeps this
    way only when the product is provably exact (an exact power of ten and a zero
    :func:`_two_product_error`), where ``rint``'s half-to-even is printf's own rounding; the rest
    (none in ordinary data) are formatted by ``%``. The text then follows printf's ``%g``: fixed
    notation for -4 <= X < 9 with trailing zeros (and a bare point) removed, else
    ``d.dddddddde±XX``; ``nan``, ``inf``, ``-inf``, ``0``, ``-0`` as Python writes them.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.f = [np.empty(size) for _ in range(3)]
        self.i = np.empty(size, np.intp)
        self.u = [np.empty(size, _U64) for _ in range(8)]
        self.b = np.empty(size, bool)

    def __call__(self, v: np.ndarray, out: np.ndarray, sep: int) -> np.ndarray:
        """Write the words of ``v`` (n <= size) into ``out`` ``(n, 2)``; return the indices left to ``%``."""
        n = v.size
        if n == 0:
            return np.empty(0, np.intp)
        a, p, d = (f[:n] for f in self.f)
        x, flag = self.i[:n], self.b[:n]
        du, first, w, t1, t2, low, rf, ri = (u[:n] for u in self.u)
        slow: list[np.ndarray] = []
        np.abs(v, out=a)
        all_ok = bool(a.min() >= 1e-99) and bool(a.max() < 1e99)  # False with a NaN
        if not all_ok:
            ok = (a >= 1e-99) & (a < 1e99)
            np.copyto(a, 1.0, where=~ok)
        np.log10(a, out=p)
        np.floor(p, out=p)
        np.copyto(x, p, casting="unsafe")
        np.subtract(8 - _POW_LO, x, out=x)  # the table index of 10**(8 - X)
        np.take(_POW10, x, out=d)
        np.multiply(a, d, out=p)
        np.rint(p, out=d)
        np.subtract(8 - _POW_LO, x, out=x)  # X again
        if not (d.min() >= 1e8 and d.max() < 1e9):  # log10 rounded across a power of ten somewhere
            for _ in range(3):
                fix = np.flatnonzero((d >= 1e9) | (d < 1e8))
                if fix.size == 0:
                    break
                x[fix] += np.where(d[fix] >= 1e9, 1, -1)
                p[fix] = a[fix] * _pow10(8 - x[fix])
                d[fix] = np.rint(p[fix])
            slow.append(np.flatnonzero((d >= 1e9) | (d < 1e8)))
        # within 1e-5 of a half: kept only where the product is provably exact
        np.subtract(p, d, out=p)
        np.abs(p, out=p)
        np.subtract(p, 0.5, out=p)
        np.abs(p, out=p)
        np.less(p, 1e-5, out=flag)
        near = np.flatnonzero(flag)
        if near.size:
            k = 8 - x[near]
            power = _pow10(k)
            exact = (k >= 0) & (k <= 22) & (_two_product_error(a[near], power, a[near] * power) == 0)
            slow.append(near[~exact])
        # the nine digits: the first, and the eight others in one word (SWAR, as _digits8)
        np.copyto(du, d, casting="unsafe")
        np.floor_divide(du, 100_000_000, out=first)
        np.multiply(first, 100_000_000, out=t1)
        np.subtract(du, t1, out=du)
        np.floor_divide(du, 10_000, out=w)
        np.multiply(w, 10_000, out=t1)
        np.subtract(du, t1, out=t1)
        np.left_shift(t1, 32, out=t1)
        np.bitwise_or(w, t1, out=w)
        np.multiply(w, 10486, out=t1)
        np.right_shift(t1, 20, out=t1)
        np.bitwise_and(t1, _U64(0x0000007F0000007F), out=t1)
        np.multiply(t1, 100, out=t2)
        np.subtract(w, t2, out=w)
        np.left_shift(w, 16, out=w)
        np.bitwise_or(w, t1, out=w)
        np.multiply(w, 103, out=t1)
        np.right_shift(t1, 10, out=t1)
        np.bitwise_and(t1, _U64(0x000F000F000F000F), out=t1)
        np.multiply(t1, 10, out=t2)
        np.subtract(w, t2, out=w)
        np.left_shift(w, 8, out=w)
        np.bitwise_or(w, t1, out=w)  # the eight digits, byte values 0-9
        # integer bytes (fixed notation), fraction bytes with their trailing zeros left as 0 bytes
        np.clip(x, -99, 99, out=x)
        np.add(x, 99, out=x)  # table index
        np.take(_LOW, x, out=low)
        np.bitwise_and(w, low, out=ri)
        np.bitwise_xor(w, ri, out=rf)
        np.add(rf, _U64(0x7F7F7F7F7F7F7F7F), out=t1)  # bit 7 set in each nonzero digit byte (no carry)
        np.bitwise_and(t1, _U64(0x8080808080808080), out=t1)
        for shift in (8, 16, 32):  # smeared down: every byte up to the last nonzero one
            np.right_shift(t1, shift, out=t2)
            np.bitwise_or(t1, t2, out=t1)
        np.right_shift(t1, 7, out=t1)
        np.bitwise_and(t1, _ONES, out=t1)
        np.bitwise_not(low, out=t2)
        np.bitwise_and(t1, t2, out=t1)
        np.multiply(t1, _ZERO_CHAR, out=t1)
        np.add(rf, t1, out=rf)  # the fraction in ASCII
        np.take(_ASCII_LOW, x, out=t1)
        np.add(ri, t1, out=ri)  # the integer digits in ASCII
        np.not_equal(rf, 0, out=flag)  # a fraction digit is kept: the point is written
        w0, w1 = out[:, 0], out[:, 1]
        np.add(first, _ZERO_CHAR, out=first)
        # word 0: [sign][first][integer digits][.][fraction]
        np.left_shift(first, 8, out=t2)
        np.left_shift(ri, 16, out=t1)
        np.bitwise_or(t2, t1, out=t2)
        np.left_shift(rf, 24, out=t1)
        np.bitwise_or(t2, t1, out=t2)
        np.take(_DOT0, x, out=t1)
        np.multiply(t1, flag, out=t1)
        np.bitwise_or(t2, t1, out=t2)
        # word 1: the spill of both, the point if it falls there, the exponent, the separator
        np.right_shift(ri, 48, out=du)
        np.right_shift(rf, 40, out=low)
        np.bitwise_or(du, low, out=du)
        np.take(_DOT1, x, out=low)
        np.multiply(low, flag, out=low)
        np.bitwise_or(du, low, out=du)
        np.take(_EXPONENT, x, out=low)
        np.bitwise_or(du, low, out=du)
        np.bitwise_or(du, _U64(sep << 56), out=w1)
        np.signbit(v, out=flag)
        np.multiply(flag, _U64(ord("-")), out=t1)
        np.bitwise_or(t2, t1, out=w0)
        small = np.flatnonzero((x >= 95) & (x <= 98))  # -4 <= X <= -1
        if small.size:  # [sign]["0." and zeros, right-aligned in bytes 1-5][first][digits]
            w0[small] = (w0[small] & _U64(0xFF)) | _PREFIX[x[small]] | (first[small] << 48) | (rf[small] << 56)
            w1[small] = (rf[small] >> 8) | _U64(sep << 56)
        if not all_ok:
            z = np.flatnonzero(~ok)
            vz = v[z]
            named = np.isnan(vz) | np.isinf(vz) | (vz == 0)
            special = np.where(np.isnan(vz), _NAN, np.where(vz == np.inf, _INF, np.where(
                vz == -np.inf, _MINUS_INF, np.where(np.signbit(vz), _MINUS_ZERO_TEXT, _ZERO_TEXT)))).astype(_U64)  # fmt: skip
            w0[z[named]] = special[named]
            w1[z[named]] = _U64(sep << 56)
            slow.append(z[~named])
        return np.unique(np.concatenate(slow)) if slow else np.empty(0, np.intp)


def _f6_words(t: np.ndarray, sep: int) -> tuple[np.ndarray, np.ndarray]:
    """``'%.6f' % x`` of every float64 ``x`` of ``t`` as ``(n, 3)`` words, and the indices left to ``%``.

    ``U = rint(|x| * 10**6)``, its digits split at the point. 10**6 is exact, so the product is
    rounded once, to the nearest multiple of its ulp (<= 1 below 2**53, ``|x| < 9e9``): where it
    is not exactly on a half, the exact product lies on the same side of every half and ``rint``
    is printf's rounding; a product on (within 1e-5 of) a half is kept only if exact, as in
    :class:`_G9`, else left to ``%``.
    """
    n = t.size
    out = np.zeros((n, 3), _U64)
    a = np.abs(t)
    ok = a < 9e9  # False for NaN and inf
    if not ok.all():
        a = np.where(ok, a, 0.0)
    p = a * 1e6
    u = np.rint(p)
    slow = ~ok
    near = np.flatnonzero(np.abs(np.abs(p - u) - 0.5) < 1e-5)
    if near.size:
        slow[near[_two_product_error(a[near], np.full(near.size, 1e6), p[near]) != 0]] = True
    u = u.astype(_U64)
    whole = u // 1_000_000
    micro = u - whole * 1_000_000
    high = whole // 100_000_000  # < 90: two digits
    low = _digits8(whole - high * 100_000_000)
    # integer digits: strip leading zeros (keep the units digit): smear each nonzero byte's bit upwards
    nz = (low | (low >> 1) | (low >> 2) | (low >> 3)) & _ONES
    nz |= nz << 8
    nz |= nz << 16
    nz |= nz << 32
    keep_low = np.where(high > 0, _ONES, nz | _U64(1 << 56))
    low_ascii = low + (keep_low * _U64(_ZERO_CHAR))
    high_ascii = _digits8(high) >> 48  # the two digits in bytes 0-1
    h_nz = (high_ascii | (high_ascii >> 1) | (high_ascii >> 2) | (high_ascii >> 3)) & _U64(0x0101)
    h_nz |= h_nz << 8
    high_ascii = high_ascii + (h_nz & _U64(0x0101)) * _U64(_ZERO_CHAR)
    micro_ascii = (_digits8(micro) >> 16) + _U64(0x303030303030)  # six digits, all kept
    sign = np.signbit(t).astype(_U64) * _U64(ord("-"))
    # [sign][2 high digits][8 low digits][.][6 digits] = 18 bytes
    out[:, 0] = sign | (high_ascii << 8) | (low_ascii << 24)
    out[:, 1] = (low_ascii >> 40) | _U64(ord(".") << 24) | (micro_ascii << 32)
    out[:, 2] = (micro_ascii >> 32) | _U64(sep << 56)
    return out, np.flatnonzero(slow)


def _int_words(x: np.ndarray, sep: int, words: int) -> tuple[np.ndarray, np.ndarray]:
    """``'%d' % i`` of every int64 ``i`` of ``x`` as ``(n, words)`` words (1: 0 <= i < 10**7; 2: |i| < 10**14)."""
    n = x.size
    out = np.zeros((n, words), _U64)
    neg = x < 0
    limit = 10**7 if words == 1 else 10**14
    ok = (x < limit) & (x >= 0 if words == 1 else x > -limit)
    a = np.where(ok, np.abs(x), 0).astype(_U64)
    low = _digits8(a % 100_000_000)
    nz = (low | (low >> 1) | (low >> 2) | (low >> 3)) & _ONES
    nz |= nz << 8
    nz |= nz << 16
    nz |= nz << 32
    if words == 1:  # seven digits in bytes 0-6 (a < 10**7: byte 0 of the 8 is always 0), separator in byte 7
        low_ascii = low + (nz | _U64(1 << 56)) * _U64(_ZERO_CHAR)
        out[:, 0] = (low_ascii >> 8) | _U64(sep << 56)
    else:  # [sign][6 high digits][8 low digits][sep]
        high = _digits8(a // 100_000_000) >> 16  # six digits, bytes 0-5
        h_nz = (high | (high >> 1) | (high >> 2) | (high >> 3)) & _ONES
        h_nz |= h_nz << 8
        h_nz |= h_nz << 16
        h_nz |= h_nz << 32
        has_high = high > 0
        low_ascii = low + np.where(has_high, _ONES, nz | _U64(1 << 56)) * _U64(_ZERO_CHAR)
        high_ascii = high + (h_nz & _U64(0x010101010101)) * _U64(_ZERO_CHAR)
        sign = neg.astype(_U64) * _U64(ord("-"))
        out[:, 0] = sign | (high_ascii << 8) | (low_ascii << 56)
        out[:, 1] = (low_ascii >> 8) | _U64(sep << 56)
    return out, np.flatnonzero(~ok)


def _put_text(out: np.ndarray, rows: np.ndarray, texts: list[str], sep: int) -> bool:
    """Write ``texts`` (formatted by ``%``) into the word rows ``rows`` of ``out``; False if one is too long."""
    width = out.shape[1] * 8
    for row, text in zip(rows, texts, strict=True):
        raw = text.encode()
        if len(raw) > width - 1:
            return False
        out[row] = np.frombuffer(raw.ljust(width - 1, b"\0") + bytes([sep]), dtype=_LE)
    return True


def _csv_block(recording: Recording, start: int, stop: int, g9: _G9 | None = None) -> bytes:
    """Rows ``start:stop`` of the CSV, the same bytes as :func:`_csv_block_by_printf`.

    Every column is formatted at once into its words (:func:`_f6_words`, :func:`_int_words`,
    :class:`_G9`), the values the fast way leaves are formatted by ``%`` into theirs, and the
    rows' words, side by side, lose their zero bytes. Falls back to the printf way for a
    block holding a value whose text is longer than its field (a 10**15-second ``t``...).
    """
    t, ints, values = _columns(recording, start, stop)
    rows, n_ch = values.shape
    comma, newline = ord(","), ord("\n")
    widths = [3] + [1 if int(c.min()) >= 0 and int(c.max()) < 10**7 else 2 for c in ints.T] + [2] * n_ch
    offsets = np.cumsum([0, *widths])
    table = np.empty((rows, int(offsets[-1])), _U64)
    ends = [comma] * (len(widths) - 1) + [newline]

    def place(field: int, words: np.ndarray, slow: np.ndarray, texts) -> bool:
        if slow.size and not _put_text(words, slow, texts(slow), ends[field]):
            return False
        table[:, offsets[field] : offsets[field + 1]] = words.reshape(rows, -1)
        return True

    if not place(0, *_f6_words(t, ends[0]), lambda i: np.char.mod("%.6f", t[i]).tolist()):
        return _csv_block_by_printf(recording, start, stop)
    for c in range(3):
        column = ints[:, c]
        if not place(1 + c, *_int_words(column, ends[1 + c], widths[1 + c]),
                     lambda i, column=column: np.char.mod("%d", column[i]).tolist()):  # fmt: skip
            return _csv_block_by_printf(recording, start, stop)
    if n_ch:
        g9 = g9 or _G9(_VALUES_PER_CALL)
        flat = values.reshape(-1)
        words = np.empty((flat.size, 2), _U64)
        slow = []
        for first in range(0, flat.size, g9.size):
            part = slice(first, first + g9.size)
            slow.append(first + g9(flat[part], words[part], comma))
        words[n_ch - 1 :: n_ch, 1] = (words[n_ch - 1 :: n_ch, 1] & _U64(0x00FFFFFFFFFFFFFF)) | _U64(newline << 56)
        slow = np.concatenate(slow)
        if slow.size:
            texts = np.char.mod("%.9g", flat[slow]).tolist()
            for j, text in zip(slow, texts, strict=True):
                if not _put_text(words, np.array([j]), [text], newline if j % n_ch == n_ch - 1 else comma):
                    return _csv_block_by_printf(recording, start, stop)
        table[:, offsets[4] :] = words.reshape(rows, 2 * n_ch)
    raw = table.astype(_LE, copy=False).reshape(-1).view(np.uint8)
    return np.compress(raw != 0, raw).tobytes()
