"""Pseudonymous subject codes: the only identifier of a person this software stores.

A code must look like a study code, not a name: 3-32 characters of capital
letters, digits, ``-`` or ``_``, with at least one digit (``LIL-0042``). This
refuses the most common slip, typing the patient's name into the code field.
"""

from __future__ import annotations

import re

__all__ = ["InvalidSubjectCode", "validate_subject_code", "SUBJECT_CODE_RULE"]

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,31}$")
SUBJECT_CODE_RULE = "3-32 capital letters, digits, '-' or '_', with at least one digit (e.g. LIL-0042)"


class InvalidSubjectCode(ValueError):
    """The text is not a valid pseudonymous subject code."""


def validate_subject_code(code: str) -> str:
    """Return ``code`` stripped if it is a valid pseudonymous code.

    Raises:
        InvalidSubjectCode: with the rule, never echoing the text (it may be a name).
    """
    candidate = code.strip()
    if not _CODE.match(candidate) or not any(ch.isdigit() for ch in candidate):
        raise InvalidSubjectCode(f"not a pseudonymous subject code: use {SUBJECT_CODE_RULE}")
    return candidate
