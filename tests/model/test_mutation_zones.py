"""Known-value vectors for the choice of the zone thresholds, written to kill the mutants the boundary tests let live.

scripts/mutation.py (module ``zones``) runs mutmut on enose/model/zones.py against this file and
test_zone_boundaries.py. The expected thresholds below were worked out by hand from the rules of the module
docstring (green is ``p < rule_out``; the metrics count ``p >= t`` as positive).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from enose.model.zones import ZoneThresholds, assign_zone, choose_thresholds

#: 10 cancers and 10 controls; sorted, the cancers score .9 .8 .7 .6 .5 .4 .3 .2 .15 .1
Y = np.array([1] * 10 + [0] * 10)
P = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.15, 0.1,
              0.05, 0.12, 0.18, 0.25, 0.35, 0.45, 0.55, 0.01, 0.02, 0.03])  # fmt: skip


def _fields(t: ZoneThresholds) -> tuple:
    return (t.rule_out, t.refer, t.target_sensitivity, t.target_npv, t.prevalence, t.achieved_sensitivity,
            t.achieved_npv, t.n_subjects)  # fmt: skip


def test_default_targets_refer_at_the_lowest_cancer_and_clear_below_it():
    # 95 % of 10 cancers -> ceil(9.5) = 10 -> the 10th highest cancer score, 0.1; below 0.1 only controls: NPV 1
    assert _fields(choose_thresholds(Y, P)) == (0.1, 0.1, 0.95, 0.95, 0.5, 1.0, 1.0, 20)


def test_sensitivity_target_rounds_the_number_of_cancers_up():
    # 75 % of 10 -> ceil(7.5) = 8 -> refer at the 8th highest cancer score, 0.2 (sensitivity 8/10)
    t = choose_thresholds(Y, P, target_sensitivity=0.75)
    assert _fields(t) == (0.1, 0.2, 0.75, 0.95, 0.5, 0.8, 1.0, 20)


def test_rule_out_is_the_highest_threshold_that_reaches_the_npv_target():
    # at 0.2: spec 6/10, sens 8/10 -> NPV .75; at 0.18: 5/10, 8/10 -> .714; at 0.15: 5/10, 9/10 -> .833 >= .8
    t = choose_thresholds(Y, P, target_sensitivity=0.75, target_npv=0.8)
    assert _fields(t) == (0.15, 0.2, 0.75, 0.8, 0.5, 0.8, pytest.approx(0.25 / 0.3), 20)


def test_npv_target_exactly_met_is_enough():
    # at 0.15 the NPV at prevalence 0.5 is exactly 0.25 / 0.3; a target equal to it is met there
    npv = 0.5 * 0.5 / (0.5 * 0.5 + 0.1 * 0.5)
    t = choose_thresholds(Y, P, target_sensitivity=0.75, target_npv=npv)
    assert (t.rule_out, t.achieved_npv) == (0.15, npv)
    # just above it: 0.12 gives .8 (spec 4/10, sens 9/10), 0.1 gives 1 (no cancer below)
    assert choose_thresholds(Y, P, target_sensitivity=0.75, target_npv=np.nextafter(npv, 1.0)).rule_out == 0.1


def test_a_given_prevalence_replaces_the_cohort_one():
    # at prevalence 2 % the sensitivity threshold itself already clears: rule_out == refer
    t = choose_thresholds(Y, P, target_sensitivity=0.75, prevalence=0.02)
    assert _fields(t) == (0.2, 0.2, 0.75, 0.95, 0.02, 0.8, pytest.approx(0.6 * 0.98 / (0.6 * 0.98 + 0.2 * 0.02)), 20)


def test_a_threshold_above_refer_is_never_a_rule_out_threshold():
    # controls well above the cancers: NPV is 1 above refer too, but rule_out is clipped to refer (0.2)
    y = np.array([1, 1, 0, 0, 0])
    p = np.array([0.3, 0.2, 0.9, 0.8, 0.1])
    t = choose_thresholds(y, p)
    assert (t.refer, t.rule_out) == (0.2, 0.2)


def test_no_threshold_reaching_the_npv_target_clears_no_one():
    # the lowest score is a cancer: every green zone would hold no one or a cancer
    y = np.array([1, 0, 1, 0])
    p = np.array([0.1, 0.2, 0.3, 0.4])
    t = choose_thresholds(y, p)
    assert (t.rule_out, t.refer, t.n_subjects, t.prevalence) == (0.0, 0.1, 4, 0.5)
    assert math.isnan(t.achieved_npv)
    assert t.achieved_sensitivity == 1.0


def test_an_empty_green_candidate_is_skipped_not_taken():
    # at t = 0.1 nobody is below: tn + fn == 0 is skipped (NaN NPV), the loop goes on to nothing else -> 0.0
    y = np.array([1, 1, 0])
    p = np.array([0.1, 0.5, 0.9])
    t = choose_thresholds(y, p, target_sensitivity=0.5)
    assert (t.refer, t.rule_out) == (0.5, 0.0)


@pytest.mark.parametrize("y", [[1, 1, 1], [0, 0, 0]])
def test_one_class_only_is_refused(y):
    with pytest.raises(ValueError) as error:
        choose_thresholds(np.array(y), np.array([0.1, 0.2, 0.3]))
    assert str(error.value) == "choosing thresholds needs both classes in the training predictions"


def test_inputs_given_as_lists_are_accepted():
    assert _fields(choose_thresholds(Y.tolist(), P.tolist())) == _fields(choose_thresholds(Y, P))


def test_as_dict_and_zone_of_one_probability():
    t = choose_thresholds(Y, P, target_sensitivity=0.75, target_npv=0.8)
    assert t.as_dict() == {"rule_out": 0.15, "refer": 0.2, "target_sensitivity": 0.75, "target_npv": 0.8,
                           "prevalence": 0.5, "achieved_sensitivity": 0.8, "achieved_npv": t.achieved_npv,
                           "n_subjects": 20, "source": "out-of-fold predictions on the training cohort"}  # fmt: skip
    assert [t.zone(p) for p in (0.14, 0.15, 0.19, 0.2)] == ["green", "orange", "orange", "red"]
    assert assign_zone([0.14, 0.2], t).tolist() == ["green", "red"]


def test_zones_are_an_object_array():
    t = choose_thresholds(Y, P, target_sensitivity=0.75, target_npv=0.8)
    assert assign_zone([0.14, 0.2], t).dtype == object


def test_a_candidate_with_as_many_controls_as_cancers_below_it_is_judged():
    # refer: 60 % of 3 cancers -> ceil(1.8) = 2 -> 0.5; at 0.5, below it one cancer (0.1) and one control (0.2):
    # sensitivity 2/3, specificity 1 -> NPV at prevalence 3/4 = 0.25 / (0.25 + 0.25) = 0.5
    y = np.array([1, 0, 1, 1])
    p = np.array([0.1, 0.2, 0.5, 0.6])
    t = choose_thresholds(y, p, target_sensitivity=0.6, target_npv=0.5)
    assert (t.refer, t.rule_out, t.achieved_npv, t.prevalence) == (0.5, 0.5, 0.5, 0.75)
