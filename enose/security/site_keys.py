"""Each site's own Ed25519 signing key, so the centre can tell *which* site made a bundle.

A shared study key (HMAC) proved only that *some* key holder made a bundle: any site
could forge one in another site's name. Here every site holds a private key that never
leaves it, and the centre holds each site's public key in its registry; a bundle
verifies only with the key registered for the site it claims to come from.

Files, in the data directory (``ENOSE_DATA_DIR`` overrides it):

* ``site-signing.key`` — the private key, PEM PKCS8, unencrypted, mode 0600; refused if
  other users can read it. **Back it up**: a lost key means enrolling a new one at the centre.
* ``site-signing.pub`` — one line ``ed25519 <64 lowercase hex>``, mode 0644; the file the
  site sends to the centre to be enrolled.

A missing key is never regenerated silently: a new key would make every later bundle
refused at the centre until it is enrolled, so the operator must choose to restore the
backup or create a key (``enose bundle keygen``) and have it enrolled.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from enose.storage.paths import default_data_dir

__all__ = [
    "PUBLIC_KEY_FILE",
    "SIGNING_KEY_FILE",
    "SiteKeyError",
    "create_site_key",
    "format_public_key",
    "key_fingerprint",
    "load_signing_key",
    "parse_public_key",
    "public_key_bytes",
    "sign",
    "verify_signature",
]

SIGNING_KEY_FILE = "site-signing.key"
PUBLIC_KEY_FILE = "site-signing.pub"
_PUBLIC_LINE = re.compile(r"^(?:ed25519\s+)?([0-9a-fA-F]{64})$")


class SiteKeyError(RuntimeError):
    """The site signing key is missing, malformed, readable by others, or already exists."""


def _dir(data_dir: Path | None) -> Path:
    return Path(data_dir) if data_dir is not None else default_data_dir()


def _how_to_fix(path: Path) -> str:
    return (
        f"restore {path.name} (and {PUBLIC_KEY_FILE}) from this site's backup into {path.parent}, or, if the key "
        "is lost, create a new one with `enose bundle keygen` and send its public key to the centre to be enrolled"
    )


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Create ``path`` exclusively with ``mode`` (fchmod too, so a restrictive umask cannot change a .pub)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb", closefd=False) as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    finally:
        os.close(fd)


def create_site_key(data_dir: Path | None = None) -> bytes:
    """Create this site's key pair; return the raw 32-byte public key.

    Refuses (:class:`SiteKeyError`) if either file already exists: replacing a site's key
    silently would make its bundles unverifiable at the centre.
    """
    folder = _dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    key_path, pub_path = folder / SIGNING_KEY_FILE, folder / PUBLIC_KEY_FILE
    for existing in (key_path, pub_path):
        if existing.exists():
            raise SiteKeyError(
                f"{existing} already exists: this site already has a signing key (a site keeps one key; "
                "to replace a lost or leaked key, move the old files away first and enrol the new key at the centre)"
            )
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())  # fmt: skip
    raw = _raw_public(private.public_key())
    try:
        _write_new(key_path, pem, 0o600)
    except FileExistsError as error:
        raise SiteKeyError(f"{key_path} already exists: this site already has a signing key") from error
    try:
        _write_new(pub_path, (format_public_key(raw) + "\n").encode(), 0o644)
    except OSError:
        key_path.unlink(missing_ok=True)  # never leave a private key without its public half
        raise
    return raw


def load_signing_key(data_dir: Path | None = None) -> Ed25519PrivateKey:
    """This site's private key; refuses a missing, malformed or others-readable file."""
    path = _dir(data_dir) / SIGNING_KEY_FILE
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        raise SiteKeyError(f"no site signing key at {path}: {_how_to_fix(path)}") from None
    if mode & 0o077:
        raise SiteKeyError(
            f"{path} is readable by other users (mode {mode:o}): refused, since anyone who read it can sign as "
            f"this site. Run `chmod 600 {path}` and, if others may have copied it, create a new key with "
            "`enose bundle keygen` and have the centre enrol it"
        )
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as error:
        raise SiteKeyError(f"{path} is not a valid unencrypted PEM private key: {_how_to_fix(path)}") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise SiteKeyError(f"{path} holds a {type(key).__name__}, not an Ed25519 key: {_how_to_fix(path)}")
    return key


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_bytes(data_dir: Path | None = None) -> bytes:
    """The raw 32-byte public key, derived from the private key (so it always matches what we sign with)."""
    return _raw_public(load_signing_key(data_dir).public_key())


def sign(message: bytes, data_dir: Path | None = None) -> bytes:
    """The 64-byte Ed25519 signature of ``message`` by this site's key (deterministic)."""
    return load_signing_key(data_dir).sign(message)


def verify_signature(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True only if ``signature`` is ``public_key``'s signature of ``message``; malformed input is just False."""
    try:
        Ed25519PublicKey.from_public_bytes(bytes(public_key)).verify(bytes(signature), message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def format_public_key(raw: bytes) -> str:
    """``"ed25519 <64 lowercase hex>"``: the line of ``site-signing.pub``."""
    if len(raw) != 32:
        raise ValueError(f"an Ed25519 public key is 32 bytes, not {len(raw)}")
    return "ed25519 " + bytes(raw).hex()


def parse_public_key(text: str) -> bytes:
    """Raw public key from a ``site-signing.pub`` line or bare 64 hex digits; ValueError otherwise."""
    match = _PUBLIC_LINE.match(text.strip())
    if not match:
        raise ValueError("not an e-nose site public key: expected 'ed25519 <64 hex digits>' or 64 hex digits")
    raw = bytes.fromhex(match[1])
    try:
        Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as error:
        raise ValueError(f"not a valid Ed25519 public key: {error}") from error
    return raw


def key_fingerprint(raw: bytes) -> str:
    """First 16 hex digits of SHA-256 of the raw public key: short enough to read aloud when enrolling."""
    return hashlib.sha256(bytes(raw)).hexdigest()[:16]
