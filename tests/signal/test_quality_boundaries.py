"""The dead-channel rule at its threshold: a channel is dead when more than half its samples are NaN (issue 15)."""

from __future__ import annotations

import numpy as np
import pytest

from enose.signal import DEFAULT_QUALITY, quality_gate


def _with_nan_fraction(make_recording, fraction: float, channel: str = "mox2"):
    """A clean session whose ``channel`` is NaN in exactly ``fraction`` of its baseline + breath samples.

    The NaNs are spread evenly (not a block), so no other check sees a hole in time.
    """
    rec = make_recording(seed=1)
    used = np.flatnonzero(rec.phase("baseline").mask(rec.t_s) | rec.phase("breath").mask(rec.t_s))
    n_nan = round(fraction * used.size)
    assert n_nan / used.size == pytest.approx(fraction, abs=1e-9), "choose a fraction exact on this session"
    chosen = used[np.linspace(0, used.size - 1, n_nan).round().astype(int)]
    assert np.unique(chosen).size == n_nan
    rec.values[chosen, rec.layout.names.index(channel)] = np.nan
    return rec


def test_the_rule_is_more_than_half_nan():
    """Guards the planted bug "QC dead-channel rule: dead changed from more than 50 % NaN to all NaN"."""
    assert DEFAULT_QUALITY.max_dead_fraction == 0.5


@pytest.mark.parametrize(("fraction", "dead"), [(0.49, False), (0.50, False), (0.51, True), (1.0, True)])
def test_a_channel_is_dead_from_just_over_half_nan(make_recording, fraction, dead):
    """Guards the planted bug "dead changed from more than 50 % NaN to all NaN": 49 % and 50 % live, 51 % dead."""
    reasons = quality_gate(_with_nan_fraction(make_recording, fraction))
    dead_reasons = [r for r in reasons if r.code == "dead_channel"]
    if dead:
        assert [r.detail["channels"] for r in dead_reasons] == [["mox2"]]
    else:
        assert dead_reasons == []
        assert reasons == [], "a live channel with NaN holes gives no other reason either"
