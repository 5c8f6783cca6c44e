"""Zones exactly at their thresholds: green is ``p < rule_out``, red is ``p >= refer`` (issue 15)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from enose.model.unitcheck import _zone_counts
from enose.model.zones import ZoneThresholds, assign_zone

RULE_OUT, REFER = 0.25, 0.5  # exact in binary: "at the threshold" means the same double


def _thresholds(rule_out: float = RULE_OUT, refer: float = REFER) -> ZoneThresholds:
    return ZoneThresholds(rule_out=rule_out, refer=refer, target_sensitivity=0.95, target_npv=0.95, prevalence=0.3,
                          achieved_sensitivity=0.95, achieved_npv=0.95, n_subjects=100)  # fmt: skip


BOUNDARIES = [
    (0.0, "green"),
    (float(np.nextafter(RULE_OUT, 0.0)), "green"),
    (RULE_OUT, "orange"),
    (float(np.nextafter(RULE_OUT, 1.0)), "orange"),
    (float(np.nextafter(REFER, 0.0)), "orange"),
    (REFER, "red"),
    (float(np.nextafter(REFER, 1.0)), "red"),
    (1.0, "red"),
]


@pytest.mark.parametrize(("p", "zone"), BOUNDARIES)
def test_assign_zone_exactly_at_and_next_to_each_threshold(p, zone):
    """Guards the planted bug "zone thresholds: green p < rule_out changed to <=" (p == rule_out is orange)."""
    assert assign_zone(np.array([p]), _thresholds()).tolist() == [zone]
    assert _thresholds().zone(p) == zone


def test_a_probability_equal_to_rule_out_is_never_green():
    """Guards the planted bug "green p < rule_out changed to <=", through the one-probability path the scoring uses."""
    assert _thresholds().zone(RULE_OUT) == "orange"
    # rule_out clipped to refer (no orange band): at the threshold it is red, just under it green
    collapsed = _thresholds(rule_out=REFER, refer=REFER)
    assert collapsed.zone(REFER) == "red"
    assert collapsed.zone(float(np.nextafter(REFER, 0.0))) == "green"
    # no one cleared (rule_out 0): even p = 0 is not green
    assert _thresholds(rule_out=0.0).zone(0.0) == "orange"


def test_unit_check_zone_counts_use_the_same_boundaries():
    """Guards the planted bug "green p < rule_out changed to <=" wherever a zone is assigned from a probability."""
    p = np.array([p for p, _ in BOUNDARIES])
    expected = {z: sum(1 for _, zone in BOUNDARIES if zone == z) for z in ("green", "orange", "red")}
    counts = _zone_counts(p, np.zeros(p.size, bool), SimpleNamespace(thresholds=_thresholds()))
    assert counts == {**expected, "inconclusive": 0}
    assert _zone_counts(np.array([RULE_OUT]), np.array([True]), SimpleNamespace(thresholds=_thresholds())) == {
        "green": 0, "orange": 0, "red": 0, "inconclusive": 1}  # fmt: skip
