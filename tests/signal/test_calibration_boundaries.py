"""The reference-gas verdict at its tolerance: a deviation of exactly 20 % passes, 21 % fails (issue 15).

"Exactly 20 %" is made meaningful in floating point: the values are chosen so that the deviation the code
computes is the very double ``0.2`` that the tolerance is (``(120 - 100) / 100``, ``(6 - 5) / 5``).
"""

from __future__ import annotations

import numpy as np
import pytest

from enose.pipeline import REFERENCE_TOLERANCE, judge_reference
from enose.signal import reference_check

EXPECTED = 100.0
#: measured value, deviation as computed, passes at tolerance 0.2
CASES = [
    (119.0, 0.19, True),
    (120.0, 0.2, True),
    (121.0, 0.21, False),
    (81.0, -0.19, True),
    (80.0, -0.2, True),
    (79.0, -0.21, False),
]


@pytest.mark.parametrize(("measured", "deviation", "passes"), CASES)
def test_reference_check_at_19_20_and_21_percent(measured, deviation, passes):
    """Guards the planted bug "calibration tolerance: abs(dev) <= tol changed to <" (exactly 20 % passes)."""
    check = reference_check(np.array([measured]), np.array([EXPECTED]), 0.2)
    assert float(check.deviation[0]) == deviation  # exact: the boundary case really sits on the limit
    assert bool(check.passed[0]) is passes
    assert bool(check.all_passed) is passes


def test_reference_check_per_channel_tolerances_at_the_limit():
    """Guards the planted bug "abs(dev) <= tol changed to <" with a per-channel tolerance array."""
    measured, expected = np.array([120.0, 125.0, 110.0]), np.array([100.0, 100.0, 100.0])
    check = reference_check(measured, expected, np.array([0.2, 0.25, 0.0625]))
    assert check.deviation.tolist() == [0.2, 0.25, 0.1]
    assert check.passed.tolist() == [True, True, False]


def test_the_default_reference_tolerance_is_20_percent():
    """Guards the planted bug "tolerance 0.20 changed to 0.25" (the constant itself, not echoed by a GUI)."""
    assert REFERENCE_TOLERANCE == 0.2


def _ratio_with_response(response: float) -> float:
    """A ratio R(ref)/R(zero) whose response ``-ln(ratio)`` is exactly ``response`` in double precision."""
    candidate = float(np.exp(-response))
    for _ in range(64):
        if -np.log(candidate) == response:
            return candidate
        candidate = float(np.nextafter(candidate, 0.0 if -np.log(candidate) < response else 1.0))
    raise AssertionError(f"no double ratio has a response of exactly {response}")


def test_judge_reference_default_tolerance_at_19_20_and_21_percent():
    """Guards the planted bugs "abs(dev) <= tol changed to <" and "0.20 changed to 0.25" in
    ``enose.pipeline.judge_reference`` with its default tolerance (responses 5 -> 5.95, 6, 6.05 and 4)."""
    expected_ratio = _ratio_with_response(5.0)
    ratios = np.array([_ratio_with_response(5.95), _ratio_with_response(6.0), _ratio_with_response(6.05),
                       _ratio_with_response(4.0), _ratio_with_response(3.95)])  # fmt: skip
    ok, assessable, deviation = judge_reference(ratios, np.full(ratios.size, expected_ratio))
    assert assessable.all()
    assert deviation[1] == 0.2 and deviation[3] == -0.2  # exactly on the limit
    assert deviation[[0, 2, 4]] == pytest.approx([0.19, 0.21, -0.21], abs=1e-12)
    assert ok.tolist() == [True, True, False, True, False]
