"""Pseudonymous subject codes: the only identifier of a person this software stores.

A code must look like a study code, not a name, a date or a hospital number.
The default rule is 2-5 capital letters, ``-``, 3-6 digits (``LIL-0042``); a
site may choose its own pattern (``enose site code-pattern``), but never one
that accepts a name, a birth date or a bare or national number: a proposed
pattern is tried on such examples first and refused if it accepts any.
"""

from __future__ import annotations

import re

__all__ = [
    "InvalidSubjectCode",
    "validate_subject_code",
    "check_code_pattern",
    "DEFAULT_CODE_PATTERN",
    "SUBJECT_CODE_RULE",
    "IDENTIFIER_EXAMPLES",
]

DEFAULT_CODE_PATTERN = r"[A-Z]{2,5}-[0-9]{3,6}"
SUBJECT_CODE_RULE = "2-5 capital letters, '-', 3-6 digits (e.g. LIL-0042)"
#: What people type into a code field by mistake: names, birth dates, hospital and national numbers.
IDENTIFIER_EXAMPLES = ("DUPONT-1", "SMITH-JOHN-1985", "DUPONT", "1985-03-12", "12-03-1985", "12/03/1985", "19850312",
                       "12345678", "NHS-943-476-5919", "9434765919", "185037512345678", "MARTIN-1962",
                       "JEAN-DUPONT", "DE-VRIES-1970")  # fmt: skip


def _identifier_examples() -> list[str]:
    """The fixed examples plus every all-digit number of 4 to 16 digits (hospital, national and insurance
    numbers are digits of many lengths) and letters-only words (a surname alone)."""
    numbers = ["9" * n for n in range(4, 17)] + ["0" + "1" * (n - 1) for n in range(4, 17)]
    return [*IDENTIFIER_EXAMPLES, *numbers, "MARTIN", "DE VRIES", "O'BRIEN", "Jean Dupont"]


class InvalidSubjectCode(ValueError):
    """The text is not a valid pseudonymous subject code."""


def check_code_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a site's subject-code pattern, refusing one that accepts an identifier.

    Raises:
        ValueError: not a regular expression, too permissive, or accepts an example identifier.
    """
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise ValueError(f"not a regular expression: {error}") from error
    accepted = [example for example in _identifier_examples() if compiled.fullmatch(example)]
    if accepted:
        raise ValueError(f"this pattern accepts what looks like a name, a date or a hospital number "
                         f"({', '.join(accepted)}); choose one that only accepts study codes")  # fmt: skip
    return compiled


def validate_subject_code(code: str, pattern: str | None = None) -> str:
    """Return ``code`` stripped if it is a valid pseudonymous code under ``pattern`` (default: the project's).

    Raises:
        InvalidSubjectCode: with the rule, never echoing the text (it may be a name).
    """
    candidate = code.strip()
    rule = SUBJECT_CODE_RULE if pattern in (None, DEFAULT_CODE_PATTERN) else f"this site's pattern {pattern}"
    if not re.fullmatch(pattern or DEFAULT_CODE_PATTERN, candidate):
        raise InvalidSubjectCode(f"not a pseudonymous subject code: use {rule}")
    return candidate
