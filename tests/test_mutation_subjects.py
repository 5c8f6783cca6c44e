"""Exact expectations for subject-code validation, written to kill the mutants the other tests let live.

scripts/mutation.py (module ``subjects``) runs mutmut on enose/subjects.py against this file and the other
subject-code tests. Each test pins an exact message, list or boundary.
"""

from __future__ import annotations

import re

import pytest

from enose.subjects import (
    DEFAULT_CODE_PATTERN,
    IDENTIFIER_EXAMPLES,
    SUBJECT_CODE_RULE,
    InvalidSubjectCode,
    _identifier_examples,
    check_code_pattern,
    validate_subject_code,
)

NUMBERS = [
    "9999", "99999", "999999", "9999999", "99999999", "999999999", "9999999999", "99999999999", "999999999999",
    "9999999999999", "99999999999999", "999999999999999", "9999999999999999",
    "0111", "01111", "011111", "0111111", "01111111", "011111111", "0111111111", "01111111111", "011111111111",
    "0111111111111", "01111111111111", "011111111111111", "0111111111111111",
]  # fmt: skip


def test_the_identifier_examples_are_exactly_the_fixed_ones_the_numbers_of_4_to_16_digits_and_the_surnames():
    assert _identifier_examples() == [*IDENTIFIER_EXAMPLES, *NUMBERS, "MARTIN", "DE VRIES", "O'BRIEN", "Jean Dupont"]


@pytest.mark.parametrize("example", [*NUMBERS, "MARTIN", "DE VRIES", "O'BRIEN", "Jean Dupont"])
def test_a_pattern_accepting_exactly_one_generated_identifier_is_refused_and_names_it(example):
    with pytest.raises(ValueError) as refused:
        check_code_pattern(re.escape(example))
    assert str(refused.value) == (f"this pattern accepts what looks like a name, a date or a hospital number "
                                  f"({example}); choose one that only accepts study codes")  # fmt: skip


@pytest.mark.parametrize("pattern", ["999", "011", "9{17}", "01{16}", "martin", "JEAN DUPONT"])
def test_just_outside_the_generated_identifiers_a_pattern_is_accepted(pattern):
    assert check_code_pattern(pattern).pattern == pattern


def test_every_accepted_identifier_is_listed_comma_separated():
    with pytest.raises(ValueError) as refused:
        check_code_pattern("MARTIN|DUPONT")
    assert str(refused.value) == ("this pattern accepts what looks like a name, a date or a hospital number "
                                  "(DUPONT, MARTIN); choose one that only accepts study codes")  # fmt: skip


def test_a_broken_regular_expression_is_refused_with_the_compiler_message():
    with pytest.raises(ValueError) as refused:
        check_code_pattern("[A-Z")
    assert str(refused.value) == "not a regular expression: unterminated character set at position 0"
    assert isinstance(refused.value.__cause__, re.error)


@pytest.mark.parametrize("pattern", [None, DEFAULT_CODE_PATTERN])
def test_the_default_rule_is_quoted_for_the_default_pattern(pattern):
    with pytest.raises(InvalidSubjectCode) as refused:
        validate_subject_code("DUPONT", pattern)
    assert str(refused.value) == f"not a pseudonymous subject code: use {SUBJECT_CODE_RULE}"


def test_a_site_pattern_is_quoted_for_a_site_pattern():
    with pytest.raises(InvalidSubjectCode) as refused:
        validate_subject_code("LIL-0042", "BRU[0-9]{4}")
    assert str(refused.value) == "not a pseudonymous subject code: use this site's pattern BRU[0-9]{4}"
