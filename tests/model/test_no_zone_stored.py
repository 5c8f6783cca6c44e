"""``score_session`` stores the codes of the reasons a probability got no zone (``scores.no_zone``, schema 007)."""

from __future__ import annotations

import json

from enose.browse import SessionFilter, browse_sessions
from enose.model import load_model, score_session
from enose.security import User, verify
from enose.storage import Store

STAFF = User("clinician1", "clinician")


def test_a_score_kept_for_the_record_only_stores_its_reason_codes(model_dir, tmp_path):
    """The tiny model was trained on 20-s purges: a 12-s one gets a probability but no zone, and says why."""
    from enose.model import CohortParams, simulate_cohort
    from tests.model.conftest import SMALL

    short = {**SMALL, "purge_s": 12.0, "n_subjects": 4, "n_sites": 1, "n_devices": 1, "p_failed": 0.0}
    summary = simulate_cohort(tmp_path / "short.db", CohortParams(seed=12, **short))
    session_id = summary["session_ids"][0]
    with Store.open(tmp_path / "short.db") as store:
        result = score_session(store, session_id, load_model(model_dir), user=STAFF)
        zone, no_zone = store.conn.execute("SELECT zone, no_zone FROM scores WHERE id = ?",
                                           (result["score_id"],)).fetchone()  # fmt: skip
        shown = {row.id: row.zone for row in browse_sessions(store, STAFF)}
        kept = [row.id for row in browse_sessions(store, STAFF, SessionFilter(zone="no_zone"))]
        report = verify(store)
    codes = json.loads(no_zone)
    assert zone == "inconclusive" and result["probability"] is not None
    assert codes == [reason["code"] for reason in result["no_zone"]] and "protocol_mismatch" in codes
    assert shown[session_id] == "no_zone" and kept == [session_id]
    assert report.ok, report.problems  # the stored codes are sealed with the score


def test_a_zoned_score_stores_no_reasons(model_dir, cohort_db, dataset):
    path, _ = cohort_db
    ds, _ = dataset
    with Store.open(path) as store:
        result = score_session(store, int(ds.session_id[0]), load_model(model_dir), user=STAFF)
        no_zone = store.conn.execute("SELECT no_zone FROM scores WHERE id = ?", (result["score_id"],)).fetchone()[0]
    assert result["no_zone"] == [] and result["zone"] in ("green", "orange", "red")  # the cohort is calibrated
    assert no_zone == "[]"  # the default: the score hashes as one stored before the column existed


def test_read_results_gives_the_no_zone_codes_as_a_list(model_dir, tmp_path):
    """``read_results`` parses ``no_zone`` like the other JSON columns: ``[]`` reads as an empty list (false)."""
    from enose.model import CohortParams, simulate_cohort
    from enose.security.access import read_results
    from tests.model.conftest import SMALL

    short = {**SMALL, "purge_s": 12.0, "n_subjects": 4, "n_sites": 1, "n_devices": 1, "p_failed": 0.0}
    session_id = simulate_cohort(tmp_path / "short.db", CohortParams(seed=12, **short))["session_ids"][0]
    with Store.open(tmp_path / "short.db") as store:
        score_session(store, session_id, load_model(model_dir), user=STAFF)
        scores = read_results(store, STAFF, session_id)["scores"]
    assert scores and all(isinstance(s["no_zone"], list) for s in scores)
    assert "protocol_mismatch" in scores[-1]["no_zone"]
