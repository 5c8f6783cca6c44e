# ruff: noqa: N806  (X: the scikit-learn name for a feature matrix)
"""Batch features: names, batch equals single, NaN channels, calibration and compensation options."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from enose.recording import ChannelLayout
from enose.signal import (
    PROCESSING_VERSION,
    DeviceCalibration,
    LayoutMismatchError,
    MissingPhaseError,
    ProcessingConfig,
    SignalError,
    batch_features,
    feature_names,
    mox_prefixes,
)
from enose.signal.features import BREATH_FEATURES, MOX_FEATURES
from firmware_protocol.messages import ChannelInfo, ChannelKind


@pytest.fixture(scope="module")
def batch(make_recording):
    make_synthetic = make_recording
    recs = [make_synthetic(seed=s, rate_per_min=12 + s, voc_load=0.1 * (s + 1)) for s in range(4)]
    recs.append(make_synthetic("dead_channel", seed=11))
    recs.append(make_synthetic(seed=12, period_ms=20, breath_s=200.0))  # other period, shorter breath
    X, names = batch_features(recs)
    return recs, X, names


def test_names_are_stable_and_documented(batch):
    recs, X, names = batch
    assert X.shape == (len(recs), len(names)) and len(set(names)) == len(names)
    n_mox = recs[0].layout.indices(ChannelKind.MOX).size
    assert names[: len(MOX_FEATURES)] == [f"mox00.{f}" for f in MOX_FEATURES]
    assert names[-len(BREATH_FEATURES) :] == list(BREATH_FEATURES)
    assert len(names) == n_mox * len(MOX_FEATURES) + len(BREATH_FEATURES)
    assert {"mox03.dr_r0", "mox03.et_dr_r0", "mox05.ema_a0p001_decay", "breath.etco2_ppm"} <= set(names)
    assert PROCESSING_VERSION.startswith("signal-")


def test_mox_prefix_is_the_position_among_mox_channels_not_the_info_name():
    layout = ChannelLayout(
        (
            ChannelInfo(int(ChannelKind.CO2), "co2", "ppm"),
            ChannelInfo(int(ChannelKind.MOX), "mox7", "ohm"),
            ChannelInfo(int(ChannelKind.MOX), "tgs2602", "ohm"),
        )
    )
    assert mox_prefixes(layout) == {"mox00": "mox7", "mox01": "tgs2602"}
    assert feature_names(layout)[0] == "mox00.dr_r0"


@pytest.mark.parametrize("index", [0, 4, 5])
def test_a_session_alone_gives_the_same_features_as_in_the_batch(batch, index):
    recs, X, _ = batch
    alone, _ = batch_features([recs[index]])
    np.testing.assert_allclose(alone[0], X[index], rtol=1e-9, atol=1e-12, equal_nan=True)
    reordered, _ = batch_features([recs[index], recs[1]])
    np.testing.assert_allclose(reordered[0], X[index], rtol=1e-9, atol=1e-12, equal_nan=True)


def test_features_are_physically_sensible(batch):
    recs, X, names = batch
    col = {n: i for i, n in enumerate(names)}
    clean = X[:4]
    np.testing.assert_allclose(clean[:, col["breath.rate_per_min"]], [12, 13, 14, 15], atol=0.35)
    assert np.all(clean[:, col["breath.cycles"]] >= 55)
    assert np.all((clean[:, col["breath.etco2_ppm"]] > 38_000) & (clean[:, col["breath.etco2_ppm"]] < 40_500))
    assert np.all(clean[:, col["breath.rh_pct"]] > clean[:, col["baseline.rh_pct"]] + 30)
    dr = clean[:, [col[f"mox{j:02d}.dr_r0"] for j in range(6)]]
    assert np.all(dr < 0)  # resistance falls on breath
    # the stronger the breath VOC load, the larger the response (voc_load grows with the seed)
    assert np.all(np.diff(np.median(dr, axis=1)) < 0)
    et = clean[:, [col[f"mox{j:02d}.et_dr_r0"] for j in range(6)]]
    assert np.all(et < dr)  # end-tidal (alveolar) samples respond more than the breath-phase average
    assert np.all(clean[:, [col[f"mox{j:02d}.max_rise_per_s"] for j in range(6)]] > 0)
    assert np.all(clean[:, [col[f"mox{j:02d}.ema_a0p1_decay"] for j in range(6)]] < 0)
    t63 = clean[:, [col[f"mox{j:02d}.purge_t63_s"] for j in range(6)]]
    assert np.all((t63 > 0.5) & (t63 < 30))


def test_dead_channel_gives_nan_features_only_for_that_channel(batch):
    recs, X, names = batch
    dead = X[4]
    mox2 = [i for i, n in enumerate(names) if n.startswith("mox02.")]
    others = [i for i, n in enumerate(names) if not n.startswith("mox02.")]
    assert np.isnan(dead[mox2]).all()
    assert np.isfinite(dead[others]).all()


def test_shorter_phase_and_other_period_still_give_every_feature(batch):
    _, X, _ = batch
    assert np.isfinite(X[5]).all()


def test_batch_refuses_mixed_layouts_and_missing_phases(make_recording):
    a = make_recording(seed=1)
    b = make_recording(seed=2, n_mox=4)
    with pytest.raises(LayoutMismatchError, match="per device layout"):
        batch_features([a, b])
    a.phases = [p for p in a.phases if p.name != "baseline"]
    with pytest.raises(MissingPhaseError, match="baseline"):
        batch_features([a])
    empty, no_names = batch_features([])
    assert empty.shape == (0, 0) and no_names == []


def test_drift_gain_scales_the_responses(make_recording):
    rec = make_recording(seed=3)
    mox = [rec.layout.names[i] for i in rec.layout.indices(ChannelKind.MOX)]
    X, names = batch_features([rec])
    nominal = np.full(len(mox), 0.5)
    cal = DeviceCalibration(tuple(mox), np.ones(len(mox)), nominal**0.8, nominal)  # sensitivity down 20 %
    Xc, _ = batch_features([rec], calibrations=[cal])
    i = names.index("mox00.dr_r0")
    np.testing.assert_allclose(Xc[0, i], X[0, i] / 0.8)
    j = names.index("breath.cycles")
    assert Xc[0, j] == X[0, j]
    with pytest.raises(SignalError, match="one entry"):
        batch_features([rec], calibrations=[])


def test_session_compensation_reduces_the_humidity_part_of_the_response(make_recording):
    # no VOC at all: the whole breath "response" is humidity cross-sensitivity (with no room VOC,
    # the session fit is unbiased; see enose.signal.compensation for the confound)
    rec = make_recording(seed=4, voc_load=0.0, ambient_load=0.0)
    X, names = batch_features([rec])
    Xc, _ = batch_features([rec], compensation="session")
    cols = [names.index(f"mox{j:02d}.dr_r0") for j in range(6)]
    assert np.all(np.abs(X[0, cols]) > 0.05)
    assert np.all(np.abs(Xc[0, cols]) < 0.02 * np.abs(X[0, cols]))
    with pytest.raises(SignalError, match="compensation"):
        batch_features([rec], compensation="magic")


def test_processing_config_is_validated_and_changes_names():
    with pytest.raises(SignalError, match="odd"):
        ProcessingConfig(despike_samples=4)
    with pytest.raises(SignalError, match="Nyquist"):
        ProcessingConfig(lowpass_hz=6.0)
    config = dataclasses.replace(ProcessingConfig(), ema_alphas=(0.05,))
    layout = ChannelLayout((ChannelInfo(int(ChannelKind.MOX), "m", "ohm"),))
    assert "mox00.ema_a0p05_rise" in feature_names(layout, config)
