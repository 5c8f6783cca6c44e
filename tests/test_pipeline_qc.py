"""One QC policy: the calibration in force when a session was recorded, and a warning when there was none."""

from __future__ import annotations

import pytest

from enose.model import CohortParams, simulate_cohort
from enose.pipeline import quality_reasons
from enose.storage import Store
from enose.storage.analysis import add_calibration

TINY = dict(n_subjects=2, n_sites=1, n_devices=1, breath_s=60.0, baseline_s=30.0, purge_s=20.0, period_ms=200,
            p_failed=0.0, p_noisy=0.0, repeat_fraction=0.0, seed=5)  # fmt: skip


def _codes(store: Store, session_id: int) -> dict[str, dict]:
    return {r.code: r.detail for r in quality_reasons(store, store.load_recording(session_id))}


@pytest.fixture()
def store(tmp_path):
    with Store.open(tmp_path / "qc.db") as opened:
        yield opened


def test_a_session_on_a_never_calibrated_device_carries_the_overdue_warning(store):
    before = simulate_cohort(store, CohortParams(**TINY), calibrate=False)
    codes = _codes(store, before["session_ids"][0])
    assert "calibration_overdue" in codes and codes["calibration_overdue"]["last_zero_air"] is None
    # a calibration made afterwards does not count for a session recorded before it
    serial = before["devices"][0]
    channels = [f"mox{i}" for i in range(8)]
    add_calibration(store, device_serial=serial, kind="zero", operator="tech", channels=channels,
                    values=[1e5] * 8, passed=True)  # fmt: skip
    assert "calibration_overdue" in _codes(store, before["session_ids"][0])
    after = simulate_cohort(store, CohortParams(**TINY, subject_prefix="LATER"), calibrate=False)
    assert after["devices"] == before["devices"]
    assert "calibration_overdue" not in _codes(store, after["session_ids"][0])


def test_a_failed_calibration_is_not_in_force(store):
    summary = simulate_cohort(store, CohortParams(**TINY), calibrate=False)
    add_calibration(store, device_serial=summary["devices"][0], kind="zero", operator="tech",
                    channels=[f"mox{i}" for i in range(8)], values=[1e5] * 8, passed=False)  # fmt: skip
    later = simulate_cohort(store, CohortParams(**TINY, subject_prefix="LATER"), calibrate=False)
    assert "calibration_overdue" in _codes(store, later["session_ids"][0])


def test_a_reference_check_judges_each_sensors_response_not_its_ratio():
    """Commissioned ratios 0.68 (a strong sensor), 0.98 (barely moved) and 0.90.

    The strong sensor now reads 0.80: its ratio is only 18 % off, but it lost 42 % of its
    response, so it fails. The barely-moved one cannot be judged. The third is 4 % off: it passes.
    """
    import numpy as np

    from enose.pipeline import judge_reference

    ok, assessable, deviation = judge_reference(np.array([0.80, 1.02, 0.904]), np.array([0.68, 0.98, 0.90]), 0.2)
    assert ok.tolist() == [False, True, True]
    assert assessable.tolist() == [True, False, True]
    assert deviation[0] == pytest.approx(np.log(0.80) / np.log(0.68) - 1) and np.isnan(deviation[1])
    missing, _, _ = judge_reference(np.array([np.nan, 1.0, 0.9]), np.array([0.68, 0.98, 0.90]), 0.2)
    assert missing.tolist() == [False, True, True]


def test_drift_charts_learn_from_passing_calibrations_only(store):
    from enose.pipeline import device_drift

    serial = simulate_cohort(store, CohortParams(**TINY), calibrate=False)["devices"][0]
    channels = [f"mox{i}" for i in range(8)]
    assert device_drift(store, serial) is None  # never calibrated
    for i, passed in enumerate([True, True, False, True, True, True]):
        value = 1e6 if not passed else 1e5 * (1 + 0.001 * i)  # the failed one is wildly off
        add_calibration(store, device_serial=serial, kind="zero", operator="tech", channels=channels,
                        values=[value] * 8, passed=passed)  # fmt: skip
    history = device_drift(store, serial)
    assert len(history.zeros) == 5 and history.baselines_ohm.shape == (5, 8)
    assert float(history.baselines_ohm.max()) < 2e5
    assert not history.status.recalibration_due and history.age_days < 1
