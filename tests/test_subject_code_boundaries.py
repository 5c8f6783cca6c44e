"""Subject codes at their length limits: 3 to 32 characters (issue 15)."""

from __future__ import annotations

import pytest

from enose.subjects import SUBJECT_CODE_RULE, InvalidSubjectCode, validate_subject_code

MAX_LENGTH, MIN_LENGTH = 32, 3


def _code(length: int) -> str:
    return ("LIL-" + "0" * length)[:length] if length > 4 else "A1B2"[:length]


@pytest.mark.parametrize("length", [MIN_LENGTH, MAX_LENGTH - 1, MAX_LENGTH])
def test_codes_up_to_the_maximum_length_are_accepted(length):
    """Guards the planted bug "subject-code validation: maximum length 32 changed to 33" (32 is allowed)."""
    code = _code(length)
    assert len(code) == length
    assert validate_subject_code(code) == code
    assert validate_subject_code(f"  {code} ") == code  # surrounding blanks do not count


@pytest.mark.parametrize("length", [MIN_LENGTH - 1, MAX_LENGTH + 1, MAX_LENGTH + 2])
def test_codes_one_past_a_length_limit_are_refused(length):
    """Guards the planted bug "subject-code validation: maximum length 32 changed to 33" (33 is refused)."""
    code = _code(length)
    assert len(code) == length
    with pytest.raises(InvalidSubjectCode):
        validate_subject_code(code)


def test_the_rule_text_states_the_limits():
    """Guards the planted bug "maximum length 32 changed to 33" in the words shown to the user."""
    assert SUBJECT_CODE_RULE.startswith(f"{MIN_LENGTH}-{MAX_LENGTH} ")
