"""Typed errors of :mod:`enose.signal`: each says what was wrong and what to do."""

from __future__ import annotations

__all__ = ["SignalError", "ShapeError", "MissingChannelError", "MissingPhaseError", "LayoutMismatchError"]


class SignalError(ValueError):
    """Base class: the inputs given to a signal function cannot be processed as they are.

    It is a ``ValueError`` so callers that already handle bad values keep working.
    """


class ShapeError(SignalError):
    """An array does not have the shape (or dtype, or finite values) the function documents."""


class MissingChannelError(SignalError):
    """The channel layout lacks a channel kind the computation needs (e.g. no CO2 for breath cycles)."""


class MissingPhaseError(SignalError):
    """A recording lacks a protocol phase (baseline, breath, purge) the computation needs."""


class LayoutMismatchError(SignalError):
    """Recordings of one batch do not share one channel layout (features would not line up)."""
