from __future__ import annotations

import pytest

from enose.subjects import InvalidSubjectCode, validate_subject_code


@pytest.mark.parametrize("code", ["LIL-0042", "BXL-120", "GNT-000007", " ANT-007 "])
def test_valid_codes(code):
    assert validate_subject_code(code) == code.strip()


@pytest.mark.parametrize("code", ["Jean Dupont", "DUPONT", "lil-0042", "A1", "X" * 40 + "1", "", "DUPONT-1",
                                  "SMITH-JOHN-1985", "1985-03-12", "12345678", "NHS-943-476-5919"])  # fmt: skip
def test_names_dates_numbers_and_malformed_codes_are_refused_without_echo(code):
    with pytest.raises(InvalidSubjectCode) as caught:
        validate_subject_code(code)
    if code.strip():
        assert code.strip() not in str(caught.value)
