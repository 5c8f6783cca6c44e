"""Statistics over nothing give NaN (or zero cycles), never an exception: the live view calls them early."""

from __future__ import annotations

import numpy as np

from enose.signal import count_breath_cycles
from enose.signal._stats import nanmedian, nanquantile_pair


def test_statistics_of_an_empty_axis_are_nan():
    assert nanmedian(np.empty((3, 0))).shape == (3,) and np.isnan(nanmedian(np.empty((3, 0)))).all()
    lo, hi = nanquantile_pair(np.empty((2, 0)), 0.1, 0.9)
    assert lo.shape == hi.shape == (2,) and np.isnan(lo).all() and np.isnan(hi).all()
    assert nanmedian(np.array([[1.0, np.nan, 3.0]]))[0] == 2.0


def test_a_capnogram_without_any_breath_yet_counts_zero_cycles():
    t = np.arange(0, 8, 0.02)
    flat = np.full(t.shape, 450.0)  # room air: no exhalation seen yet
    assert count_breath_cycles(flat, t) == 0
    one_rise = np.where(t > 7.5, 40_000.0, 450.0)  # a first exhalation just starting
    assert count_breath_cycles(one_rise, t) == 0


def test_a_stretch_shorter_than_the_line_delay_counts_zero_cycles():
    """The live view may hand over a few samples at a coarse period (reported by the GUI benchmark)."""
    t = 100 + np.arange(5) * 0.05
    assert count_breath_cycles(np.array([450.0, 460.0, 455.0, 450.0, 452.0]), t) == 0
