"""Files that hold patient data (exports, reports, figures) are created owner-only, whatever the umask.

Why ``fchmod`` after opening: ``O_CREAT``'s mode applies only to a new file; an
existing file keeps its old, maybe world-readable, mode when it is overwritten.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

__all__ = ["open_private", "write_private"]


def open_private(path: str | os.PathLike) -> BinaryIO:
    """Open ``path`` for writing (truncated), readable and writable by its owner only."""
    fd = os.open(Path(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "wb")


def write_private(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` owner-only, through a temporary name so a full disk never leaves half a file."""
    target = Path(path)
    tmp = target.with_name(target.name + ".part")
    with open_private(tmp) as handle:
        handle.write(data)
    os.replace(tmp, target)
    return target
