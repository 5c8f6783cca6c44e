from __future__ import annotations

import pytest

from enose.subjects import InvalidSubjectCode, validate_subject_code


@pytest.mark.parametrize("code", ["LIL-0042", "BXL_12", "A1B", " GNT-7 "])
def test_valid_codes(code):
    assert validate_subject_code(code) == code.strip()


@pytest.mark.parametrize("code", ["Jean Dupont", "DUPONT", "lil-0042", "A1", "X" * 40 + "1", ""])
def test_names_and_malformed_codes_are_refused_without_echo(code):
    with pytest.raises(InvalidSubjectCode) as caught:
        validate_subject_code(code)
    if code.strip():
        assert code.strip() not in str(caught.value)
