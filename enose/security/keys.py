"""Secret key files (site secret, study key): 32 random bytes as hex, owner-only, checked on every read."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

__all__ = ["KeyFileError", "create_key_file", "read_key_file"]


class KeyFileError(RuntimeError):
    """A key file is missing, malformed or readable by other users."""


def create_key_file(path: Path) -> bool:
    """Write a new random key at ``path`` (mode 0600); return False if one already exists there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    return True


def read_key_file(path: Path) -> bytes:
    """The key at ``path``; refuses a file others can read or one without 64 hex digits."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyFileError(f"{path} is readable by other users (mode {mode:o}); run `chmod 600 {path}`")
    try:
        key = bytes.fromhex(path.read_text().strip())
    except ValueError:
        key = b""
    if len(key) < 32:
        raise KeyFileError(f"{path} does not hold a 64-hex-digit key; restore it from its backup")
    return key
