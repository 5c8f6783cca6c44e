"""Export one session's raw samples to NPZ or CSV, exactly as received.

NPZ keys: ``values`` (float32, samples x channels), ``channels`` (names),
``t`` (session seconds), ``device_seq`` (uint16), ``device_t_ms`` (uint32) and
``flags`` (uint16). The CSV has the same columns with the channel names as
headers; floats are written with 9 significant digits, which round-trips
float32 exactly.
"""

from __future__ import annotations

import os
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


def _write_csv(handle, recording: Recording) -> None:
    header = ["t", "device_seq", "device_t_ms", "flags", *recording.layout.names]
    handle.write((",".join(header) + "\n").encode())
    n = recording.n_samples
    if n == 0:
        return
    ints = np.column_stack([recording.device_seq, recording.device_t_ms, recording.flags]).astype(np.int64)
    lines = []
    step = 20_000
    for start in range(0, n, step):
        stop = min(n, start + step)
        t = np.char.mod("%.6f", recording.t_s[start:stop])
        i = np.char.mod("%d", ints[start:stop])
        v = np.char.mod("%.9g", recording.values[start:stop].astype(np.float64))
        table = np.column_stack([t, i, v])
        lines = [",".join(row) for row in table]
        handle.write(("\n".join(lines) + "\n").encode())
