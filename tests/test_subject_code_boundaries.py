"""Subject codes at the limits of the default rule: 2-5 capital letters, '-', 3-6 digits (issues 12 and 15)."""

from __future__ import annotations

import pytest

from enose.subjects import SUBJECT_CODE_RULE, InvalidSubjectCode, check_code_pattern, validate_subject_code


@pytest.mark.parametrize("code", ["LI-001", "LILLE-001", "LIL-000", "LIL-000000", "ABCDE-123456"])
def test_codes_at_each_limit_are_accepted(code):
    assert validate_subject_code(code) == code
    assert validate_subject_code(f"  {code} ") == code  # surrounding blanks do not count


@pytest.mark.parametrize("code", ["L-001", "LILLES-001", "LIL-00", "LIL-0000000", "LIL0042", "LIL_0042",
                                  "LIL-0042-1", "lil-0042", "LİL-0042", "LIL-٠٠٤٢"])  # fmt: skip
def test_codes_one_past_a_limit_or_in_another_shape_are_refused(code):
    with pytest.raises(InvalidSubjectCode):
        validate_subject_code(code)


def test_the_rule_text_states_the_limits():
    assert SUBJECT_CODE_RULE.startswith("2-5 capital letters, '-', 3-6 digits")


@pytest.mark.parametrize("pattern", [r"[A-Z]+-[0-9]+", r".*", r"[A-Z0-9-]{3,32}", r"[0-9]{8}", r"[A-Z]+(-[A-Z]+)*-[0-9]{4}"])
def test_a_site_pattern_that_accepts_an_identifier_is_refused(pattern):
    with pytest.raises(ValueError, match="looks like a name, a date or a hospital number"):
        check_code_pattern(pattern)


def test_a_strict_site_pattern_is_accepted_and_applied():
    assert check_code_pattern(r"BRU[0-9]{4}").fullmatch("BRU0042")
    assert validate_subject_code("BRU0042", r"BRU[0-9]{4}") == "BRU0042"
    with pytest.raises(InvalidSubjectCode, match="this site's pattern"):
        validate_subject_code("LIL-0042", r"BRU[0-9]{4}")
