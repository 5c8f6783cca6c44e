"""The one clock every stored timestamp comes from: UTC, ISO 8601, to the millisecond."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["utc_now"]


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
