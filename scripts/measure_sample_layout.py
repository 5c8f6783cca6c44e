"""Measure candidate SQLite layouts for raw samples (issue: 10,000 five-minute sessions, 32 ch, 100 Hz).

Run: ``python scripts/measure_sample_layout.py``. Writes a few sessions of
realistic synthetic data (MOX-like resistances with noise, aux channels) into
temporary databases with each layout and prints bytes per session and write
rate. The chosen layout and its figure are recorded in enose/storage/README.md.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
import zlib

import numpy as np

N_CHANNELS = 32
RATE_HZ = 100
SESSION_S = 300
N_SESSIONS = 3
CHUNK_SAMPLES = 100  # one commit per second at 100 Hz


def synthetic_session(rng: np.random.Generator) -> np.ndarray:
    """(n_samples, n_channels) float32: slowly varying resistances plus sensor noise."""
    n = RATE_HZ * SESSION_S
    t = np.arange(n) / RATE_HZ
    base = rng.uniform(1e4, 2e5, N_CHANNELS)
    breath = 1 - 0.2 * (np.sin(2 * np.pi * t / 4.5) > 0)[:, None] * rng.uniform(0.2, 1, N_CHANNELS)
    noise = 1 + 0.002 * rng.standard_normal((n, N_CHANNELS))
    return (base * breath * noise).astype(np.float32)


def shuffle_bytes(a: np.ndarray) -> bytes:
    """Group byte k of every float together (what Blosc's shuffle does) so zlib sees runs."""
    return a.view(np.uint8).reshape(-1, a.itemsize).T.tobytes()


def layouts():
    def wide(db: sqlite3.Connection, sid: int, v: np.ndarray) -> None:
        cols = ", ".join(f"c{i} REAL" for i in range(N_CHANNELS))
        db.execute(f"CREATE TABLE IF NOT EXISTS s (session INTEGER, t REAL, seq INTEGER, t_ms INTEGER, {cols})")
        q = ",".join("?" * (N_CHANNELS + 4))
        rows = [(sid, i / RATE_HZ, i & 0xFFFF, i * 10, *map(float, r)) for i, r in enumerate(v)]
        for k in range(0, len(rows), CHUNK_SAMPLES):
            db.executemany(f"INSERT INTO s VALUES ({q})", rows[k : k + CHUNK_SAMPLES])
            db.commit()

    def blob(compress):
        def write(db: sqlite3.Connection, sid: int, v: np.ndarray) -> None:
            db.execute("CREATE TABLE IF NOT EXISTS c (session INTEGER, k INTEGER, t BLOB, seq BLOB, t_ms BLOB, v BLOB)")
            n = len(v)
            t = (np.arange(n) / RATE_HZ).astype(np.float64)
            seq = (np.arange(n) & 0xFFFF).astype(np.uint16)
            tms = (np.arange(n) * 10).astype(np.uint32)
            for k in range(0, n, CHUNK_SAMPLES):
                sl = slice(k, k + CHUNK_SAMPLES)
                parts = [t[sl].tobytes(), seq[sl].tobytes(), tms[sl].tobytes(), v[sl].tobytes()]
                if compress:
                    parts = [
                        zlib.compress(shuffle_bytes(p) if isinstance(p, np.ndarray) else p, 1)
                        for p in (t[sl], seq[sl], tms[sl], v[sl])
                    ]
                db.execute("INSERT INTO c VALUES (?,?,?,?,?,?)", (sid, k, *parts))
                db.commit()

        return write

    return {
        "row per sample (32 REAL columns)": wide,
        "1-s chunk, raw blobs": blob(False),
        "1-s chunk, byte-shuffle + zlib-1": blob(True),
    }


def main() -> None:
    rng = np.random.default_rng(1)
    sessions = [synthetic_session(rng) for _ in range(N_SESSIONS)]
    raw_mb = sessions[0].nbytes / 1e6
    print(f"{N_CHANNELS} channels x {RATE_HZ} Hz x {SESSION_S} s; float32 payload alone: {raw_mb:.2f} MB/session")
    for name, write in layouts().items():
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "m.db")
            db = sqlite3.connect(path)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            start = time.perf_counter()
            for sid, v in enumerate(sessions):
                write(db, sid, v)
            elapsed = time.perf_counter() - start
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.close()
            size = os.path.getsize(path) / N_SESSIONS
            print(
                f"{name:38s} {size / 1e6:6.2f} MB/session  {size * 10_000 / 1e9:6.1f} GB per 10,000  "
                f"write {elapsed / N_SESSIONS * 1000:7.1f} ms/session"
            )


if __name__ == "__main__":
    main()
