"""Typed errors of the risk model, each with a message a user can act on."""

from __future__ import annotations

__all__ = ["ModelError", "TableError", "ModelIntegrityError", "ModelMismatchError", "NotEnoughData"]


class ModelError(RuntimeError):
    """Base of the errors of ``enose.model``."""


class TableError(ModelError, ValueError):
    """An external feature table cannot be used (the message names the column or row)."""


class NotEnoughData(ModelError, ValueError):
    """Too few subjects, classes or sites for the requested cross-validation."""


class ModelIntegrityError(ModelError):
    """A model file is missing, fails its SHA-256, or holds types outside the allow-list."""


class ModelMismatchError(ModelError):
    """The model was trained for another channel layout or feature set than this device produces."""
