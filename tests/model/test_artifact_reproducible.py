"""A model saved twice from the same content has one SHA-256 (its identity is its content)."""

from __future__ import annotations

import zipfile

import numpy as np
import skops.io as sio
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from enose.model.artifact import reproducible_zip


def _payload(weight: float = 1.0) -> dict:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3))
    y = (x[:, 0] * weight > 0).astype(int)
    shared = np.arange(4.0)
    return {"pipeline": make_pipeline(StandardScaler(), LogisticRegression()).fit(x, y), "a": shared, "b": shared}


def test_same_content_gives_the_same_bytes_and_still_loads():
    payload = _payload()
    first = reproducible_zip(sio.dumps(payload, compression=zipfile.ZIP_DEFLATED))
    second = reproducible_zip(sio.dumps(_payload(), compression=zipfile.ZIP_DEFLATED))
    assert first == second
    loaded = sio.loads(first, trusted=sio.get_untrusted_types(data=first))
    x = np.random.default_rng(1).normal(size=(5, 3))
    assert np.array_equal(loaded["pipeline"].predict_proba(x), payload["pipeline"].predict_proba(x))
    assert loaded["a"] is loaded["b"]  # shared references survive the renumbering
    assert reproducible_zip(sio.dumps(_payload(weight=-1.0))) != first
