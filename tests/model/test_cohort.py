"""The cohort is the emulator's physics in the emulator's layout, so a model trained on it scores a demo session."""

from __future__ import annotations

import dataclasses

import numpy as np

from enose.acquisition import Acquisition, ScreeningEngine, ScreeningProtocol
from enose.model import load_model, score_session
from enose.model.cohort import CohortParams, _session_unit, default_layout, make_world, session_signals
from enose.recording import ChannelLayout
from enose.security import User
from enose.storage import Store
from firmware_protocol.emulator import EmulatorConfig, EmulatorServer, UnitProfile, channel_layout
from firmware_protocol.messages import ChannelKind, SampleFlag

STAFF = User("clinician1", "clinician")  # an account the core accepts for scoring

def test_cohort_sessions_have_the_emulator_layout_and_its_physics(cohort_db):
    path, summary = cohort_db
    with Store.open(path) as store:
        rec = store.load_recording(summary["session_ids"][0])
    assert rec.layout == ChannelLayout(channel_layout(EmulatorConfig())[0]) == default_layout(8)
    breath, base = rec.phase("breath").mask(rec.t_s), rec.phase("baseline").mask(rec.t_s)
    co2 = rec.values[:, rec.layout.index(ChannelKind.CO2)]
    pressure = rec.values[:, rec.layout.index(ChannelKind.PRESSURE)]
    rh = rec.values[:, rec.layout.index(ChannelKind.HUMIDITY)]
    assert 30_000 < np.max(co2[breath]) < 50_000 and np.median(co2[base]) < 500  # ppm, capnogram
    assert 5 < np.max(np.abs(pressure[breath])) < 60 and np.max(np.abs(pressure[base])) < 3  # Pa, differential
    assert np.median(rh[breath]) > np.median(rh[base]) + 20
    warming = (rec.flags & SampleFlag.WARMING_UP) != 0
    assert warming[0] and not warming[rec.phase("baseline").mask(rec.t_s)].any()
    assert np.all(np.diff(rec.device_t_ms.astype(np.int64)) == rec.period_ms)


def test_an_emulator_recorded_session_shares_the_layout_and_is_scored(model_dir, cohort_db, db_path):
    """The real host stack records a (short) screening from the emulated default device; the cohort model scores it."""
    config = EmulatorConfig(speed=50, warmup_s=2)
    with EmulatorServer(config) as server, Store.open(db_path) as store:
        acquisition = Acquisition(server.path, expected_samples=5_000)
        acquisition.connect()
        try:
            # Long enough for the quality gate (baseline >= 25 s, >= 10 breaths); at x50 it takes ~2 s.
            protocol = ScreeningProtocol(baseline_s=30, breath_s=60, purge_s=10, period_ms=20)
            result = ScreeningEngine(acquisition, store, protocol, user=User("t", "admin"), subject_code="EMU-0001").run()
        finally:
            acquisition.close()
        assert result.status == "complete"
        recorded = store.load_recording(result.session_id)
        with Store.open(cohort_db[0]) as cohort:
            simulated = cohort.load_recording(cohort_db[1]["session_ids"][0])
        assert recorded.layout == simulated.layout
        assert [p.name for p in recorded.phases] == [p.name for p in simulated.phases]
        score = score_session(store, result.session_id, load_model(model_dir), user=STAFF)
    assert score["probability"] is not None and 0 < score["probability"] < 1, score
    assert score["zone"] in {"green", "orange", "red", "inconclusive"}


def test_units_age_over_the_study_months():
    world = make_world(CohortParams(n_subjects=20, n_sites=1, n_devices=1, seed=1))
    unit = UnitProfile.from_serial(world.devices[0], 8)
    units = {world.devices[0]: unit}
    world.session_month[:2] = [0.0, 18.0]
    world.session_noisy[:2] = False
    young, old = _session_unit(world, 0, units), _session_unit(world, 1, units)
    np.testing.assert_allclose(young.r0_ohm, unit.r0_ohm)
    assert np.all(old.r0_ohm > young.r0_ohm) and np.all(old.sensitivity < young.sensitivity)


def test_sessions_are_reproducible_and_failed_ones_get_almost_no_breath():
    params = CohortParams(n_subjects=30, n_sites=1, n_devices=1, seed=5, breath_s=30, purge_s=10, p_failed=0.0)
    world = make_world(params)
    a, b = session_signals(world, 0), session_signals(world, 0)
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.flags, b.flags)
    leaky = dataclasses.replace(world, session_fit=np.full_like(world.session_fit, 0.05))
    co2 = list(default_layout(8).names).index("co2")
    breath = (a.t_s >= a.phases[2][2]) & (a.t_s < a.phases[2][3])
    assert np.percentile(session_signals(leaky, 0).values[breath, co2], 90) < 5000 < np.max(a.values[breath, co2])


def test_features_from_the_shared_grids_equal_the_features_computed_alone(cohort_db):
    """analyse_recordings resamples each session once for the gate and the features: same numbers."""
    import numpy as np

    from enose.model.features import analyse_recordings
    from enose.pipeline import device_calibration
    from enose.signal import batch_features
    from enose.storage import Store

    path, summary = cohort_db
    with Store.open(path) as store:
        recs = [store.load_recording(sid) for sid in summary["session_ids"][:6]]
        analysed = analyse_recordings(recs, store)
        kept = [rec for rec, a in zip(recs, analysed, strict=True) if not a.blocked]
        in_force = [device_calibration(store, r.meta["device_serial"], at=r.meta["started_at"]) for r in kept]
    assert all(c is not None and c.humidity_sensitivity_per_pct is not None for c in in_force)
    expected, names = batch_features(kept, humidity_calibrations=in_force)
    got = np.stack([a.features for a in analysed if not a.blocked])
    assert kept and analysed[0].names == names
    np.testing.assert_array_equal(got, expected)
    # and the compensation is not a no-op: the unit's humidity moved the uncompensated responses
    uncompensated, _ = batch_features(kept)
    assert np.nanmax(np.abs(uncompensated - expected)) > 0.01
