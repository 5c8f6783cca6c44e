"""Throughput of sync and study export, for ``scripts/bench.py``.

``run_sync_benchmark(n_sessions)`` writes ``n_sessions`` seeded sessions into a
fresh local store, starts a throwaway PostgreSQL cluster (the distribution's
binaries, as the tests do), migrates it and enrols the store's site, syncs them as
that site's own role (row-level security on, as in a study), syncs again (nothing to send), exports
the study as CSV and as Parquet, and returns sessions per second for each.
``run_export_benchmark(n_sessions)`` times the exports alone on the same sessions (no PostgreSQL).
The session size is a parameter: by default 30 s of 16 channels at 100 Hz
(about 1/10 of a real 5-minute 32-channel session); ``mb_per_s`` lets you
extrapolate to full-size sessions.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

__all__ = ["PostgresNotInstalled", "enrolled_site_dsn", "run_export_benchmark", "run_sync_benchmark",
           "throwaway_data_dir", "throwaway_postgres"]  # fmt: skip


@contextmanager
def throwaway_data_dir(prefix: str) -> Iterator[Path]:
    """A temporary directory as ``ENOSE_DATA_DIR`` for the block, the previous value back afterwards.

    Why: a benchmark creates a site secret and keys; they must be throwaway ones, never the real site's.
    """
    previous = os.environ.get("ENOSE_DATA_DIR")
    with tempfile.TemporaryDirectory(prefix=prefix) as name:
        os.environ["ENOSE_DATA_DIR"] = name
        try:
            yield Path(name)
        finally:
            if previous is None:
                os.environ.pop("ENOSE_DATA_DIR", None)
            else:
                os.environ["ENOSE_DATA_DIR"] = previous


class PostgresNotInstalled(RuntimeError):
    """No PostgreSQL server binaries under /usr/lib/postgresql."""


class throwaway_postgres:  # noqa: N801 - used as a context manager, named like one
    """A temporary PostgreSQL cluster on 127.0.0.1 (run as ``postgres``, else ``nobody``, when we are root).

    Entering returns the DSN of its ``postgres`` database (superuser ``enose``, trust auth);
    ``durable=False`` turns fsync off (tests); the benchmark keeps it on, as a real server would.
    """

    def __init__(self, durable: bool = True) -> None:
        self.durable = durable

    def __enter__(self) -> str:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
        if not found:
            raise PostgresNotInstalled("PostgreSQL server binaries not found: apt-get install postgresql")
        self.bindir = Path(found[-1]).parent
        self.workdir = Path(tempfile.mkdtemp(prefix="enose-bench-pg-"))
        self.run_as: dict = {}
        if os.geteuid() == 0:
            names = {p.pw_name for p in pwd.getpwall()}
            account = pwd.getpwnam("postgres" if "postgres" in names else "nobody")
            os.chown(self.workdir, account.pw_uid, account.pw_gid)
            self.run_as = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
        data = self.workdir / "data"
        subprocess.run([self.bindir / "initdb", "-D", data, "-U", "enose", "-A", "trust", "--no-sync", "--locale=C",
                        "-E", "UTF8"], check=True, capture_output=True, **self.run_as)  # fmt: skip
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {self.workdir}"
        if not self.durable:
            options += " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        subprocess.run([self.bindir / "pg_ctl", "-D", data, "-l", self.workdir / "log", "-o", options, "-w", "-t", "60", "start"],
                       check=True, capture_output=True, **self.run_as)  # fmt: skip
        return f"postgresql://enose@127.0.0.1:{port}/postgres"

    def __exit__(self, *exc: object) -> None:
        subprocess.run([self.bindir / "pg_ctl", "-D", self.workdir / "data", "-m", "immediate", "-w", "stop"],
                       capture_output=True, **self.run_as)  # fmt: skip
        shutil.rmtree(self.workdir, ignore_errors=True)


def _write_sessions(db: Path, n_sessions: int, seconds: float, n_channels: int) -> None:
    from enose.recording import ChannelLayout
    from enose.storage import SampleBlock, Store
    from firmware_protocol.messages import ChannelInfo

    layout = ChannelLayout(tuple(ChannelInfo(1, f"mox{i}", "ohm") for i in range(n_channels)))
    rng = np.random.default_rng(0)
    n = int(seconds * 100)
    drift = np.cumsum(rng.normal(0, 5, (n, n_channels)), axis=0) + 1e4
    with Store.open(db) as store:
        store.upsert_device("EN-BENCH", "enose-32", "1.0", 10, layout)
        for i in range(n_sessions):
            code = f"BEN-{i % 500:04d}"
            store.ensure_subject(code)
            writer = store.create_session(operator="bench", layout=layout, period_ms=10, protocol={},
                                          subject_code=code, device_serial="EN-BENCH")  # fmt: skip
            for start in range(0, n, 100):
                idx = np.arange(start, min(n, start + 100))
                noise = rng.normal(0, 1, (idx.size, n_channels))
                writer.append(SampleBlock(idx * 0.01, (idx & 0xFFFF).astype(np.uint16), (idx * 10).astype(np.uint32),
                                          np.zeros(idx.size, np.uint16), (drift[idx] + noise).astype(np.float32)))  # fmt: skip
            writer.finish("complete")


def run_sync_benchmark(n_sessions: int = 1000, seconds: float = 30.0, n_channels: int = 16) -> dict:
    """Sessions per second for sync (first and repeat) and study export (CSV, Parquet)."""
    from enose.security import User

    admin = User("bench", "admin")
    with throwaway_data_dir("enose-bench-") as tmp:
        return _run(n_sessions, seconds, n_channels, tmp, admin)


def enrolled_site_dsn(dsn: str, store, role: str = "bench_site") -> str:
    """Migrate the throwaway database (its superuser is the owner) and enrol ``store``'s site; return the site's DSN.

    Why: a sync runs as the site's own role, with row-level security, as it does in a study;
    measuring it as the superuser would skip the policy checks it pays for there.
    """
    import psycopg
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from psycopg.conninfo import make_conninfo

    from enose.sync import central, outbox, registry

    key = Ed25519PrivateKey.generate().public_key().public_bytes(serialization.Encoding.Raw,
                                                                 serialization.PublicFormat.Raw)  # fmt: skip
    with psycopg.connect(dsn) as conn:
        central.migrate(conn)
        registry.enrol_site(conn, outbox.site_uuid(store), key, site_code="BENCH", db_role=role, enrolled_by="bench")
    return make_conninfo(dsn, user=role)


def _run(n_sessions: int, seconds: float, n_channels: int, tmp: Path, admin) -> dict:
    from enose.storage import Store
    from enose.sync import sync_to_central

    db = Path(tmp) / "site.db"
    t0 = time.perf_counter()
    _write_sessions(db, n_sessions, seconds, n_channels)
    write_s = time.perf_counter() - t0
    with throwaway_postgres() as dsn, Store.open(db) as store:
        site_dsn = enrolled_site_dsn(dsn, store)
        first = sync_to_central(store, site_dsn, admin)
        again = sync_to_central(store, site_dsn, admin)
        results = {"n_sessions": n_sessions, "session_seconds": seconds, "channels": n_channels,
                   "raw_mb": round(first.bytes_uploaded / 1e6, 1), "write_local_s": round(write_s, 1),
                   "sync_s": round(first.seconds, 2),
                   "sync_sessions_per_s": round(first.uploaded / first.seconds, 1),
                   "sync_mb_per_s": round(first.bytes_uploaded / 1e6 / first.seconds, 1),
                   "resync_s": round(again.seconds, 2), "resync_uploaded": again.uploaded}  # fmt: skip
        results.update(_time_exports(store, tmp, n_sessions, admin))
    return results


def _time_exports(store, tmp: Path, n_sessions: int, admin, repeat: int = 1) -> dict:
    """Seconds (wall and CPU) and sessions per second of ``export_study`` as CSV and as Parquet, best of ``repeat``.

    The CPU seconds say how much of the wall time was this process's work on a machine others share.
    """
    from enose.exports import export_study

    results = {}
    for fmt in ("csv", "parquet"):
        best = (float("inf"), float("inf"))
        for run in range(max(1, repeat)):
            t0, c0 = time.perf_counter(), time.process_time()
            export_study(store, tmp / f"export-{fmt}-{run}", fmt, admin)
            best = min(best, (time.perf_counter() - t0, time.process_time() - c0))
            shutil.rmtree(tmp / f"export-{fmt}-{run}", ignore_errors=True)
        # Unrounded: a small run takes milliseconds, and a figure rounded to 0.0 s would say it took no time.
        results[f"export_{fmt}_s"] = best[0]
        results[f"export_{fmt}_cpu_s"] = best[1]
        results[f"export_{fmt}_sessions_per_s"] = n_sessions / best[0]
    return results


def run_export_benchmark(n_sessions: int = 1000, seconds: float = 30.0, n_channels: int = 16, repeat: int = 3) -> dict:
    """Sessions per second of the study export alone (CSV, Parquet), best of ``repeat``, without PostgreSQL.

    The same seeded sessions as :func:`run_sync_benchmark` (``enose export study`` on a site store).
    """
    from enose.security import User
    from enose.storage import Store

    with throwaway_data_dir("enose-bench-") as tmp:
        db = tmp / "site.db"
        _write_sessions(db, n_sessions, seconds, n_channels)
        with Store.open(db) as store:
            results = {"n_sessions": n_sessions, "session_seconds": seconds, "channels": n_channels,
                       "repeat": repeat, "cores": os.cpu_count()}  # fmt: skip
            results.update(_time_exports(store, tmp, n_sessions, User("bench", "admin"), repeat))
        results["load_average"] = round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else None
        return results


if __name__ == "__main__":  # pragma: no cover
    import json
    import sys

    print(json.dumps(run_sync_benchmark(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)))
