"""A throwaway PostgreSQL server for the sync tests, and local stores full of seeded sessions.

The server is the distribution's PostgreSQL (``.ci/run`` installs it), started by
:class:`enose.sync.bench.throwaway_postgres`: a cluster in a temporary directory,
trust authentication, listening on 127.0.0.1 on a free port, run as an
unprivileged user when the tests run as root. Each test gets its
own fresh database. Without PostgreSQL binaries the sync tests are skipped with
a message saying how to get them.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import numpy as np
import psycopg
import pytest

from enose.recording import ChannelLayout
from enose.storage import SampleBlock, Store
from enose.sync.bench import PostgresNotInstalled, throwaway_postgres
from firmware_protocol.messages import ChannelInfo

LAYOUT = ChannelLayout(
    (ChannelInfo(5, "co2", "ppm"), ChannelInfo(1, "mox0", "ohm"), ChannelInfo(1, "mox1", "ohm"),
     ChannelInfo(1, "mox2", "ohm"))
)  # fmt: skip


@pytest.fixture(scope="session")
def pg_server():
    """Base DSN of a running throwaway PostgreSQL server (superuser ``enose``, trust auth)."""
    try:
        server = throwaway_postgres(durable=False)
        dsn = server.__enter__()
    except PostgresNotInstalled as error:
        pytest.skip(f"{error} (.ci/run installs it)")
    try:
        yield dsn.rsplit("/", 1)[0]
    finally:
        server.__exit__(None, None, None)


@pytest.fixture
def central_dsn(pg_server) -> str:
    """DSN of a fresh, empty database on the throwaway server."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{pg_server}/{name}"


def write_sessions(
    db_path: Path, n: int, seconds: float = 2.0, seed: int = 0, subject_prefix: str = "LIL"
) -> list[str]:
    """Write ``n`` complete sessions of seeded random data (4 channels, 10 ms); return their uuids."""
    rng = np.random.default_rng(seed)
    period_ms = 10
    n_samples = int(seconds * 1000 / period_ms)
    uuids = []
    with Store.open(db_path) as store:
        store.upsert_device("EN-0007", "enose-32", "1.2.0", 10, LAYOUT)
        for i in range(n):
            code = f"{subject_prefix}-{i % 7:04d}"
            store.ensure_subject(code, age_years=int(rng.integers(50, 80)), smoking="former")
            writer = store.create_session(operator="tech1", layout=LAYOUT, period_ms=period_ms,
                                          protocol={"breath_s": seconds}, subject_code=code,
                                          device_serial="EN-0007", site="LIL")  # fmt: skip
            for start in range(0, n_samples, 100):
                stop = min(n_samples, start + 100)
                index = np.arange(start, stop)
                writer.append(SampleBlock(
                    t_s=index * period_ms / 1000.0,
                    device_seq=(index & 0xFFFF).astype(np.uint16),
                    device_t_ms=(index * period_ms).astype(np.uint32),
                    flags=np.zeros(stop - start, np.uint16),
                    values=rng.normal(1e4, 50.0, (stop - start, len(LAYOUT))).astype(np.float32),
                ))  # fmt: skip
            writer.event("note", 0.5, text="seeded")
            writer.phase("breath", 1, 0.0, seconds)
            writer.finish("complete")
            uuids.append(store.session(writer.session_id)["uuid"])
    return uuids
