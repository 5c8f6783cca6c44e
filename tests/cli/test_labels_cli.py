"""``enose labels add|list``: the core's label writer from the command line (permission and audit in the core)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from enose.cli import cli
from enose.security import create_user, verify
from enose.security.accounts import authenticate
from enose.storage import Store
from tests.sync.conftest import write_sessions

ADMIN_PW, CLIN_PW, TECH_PW = "amber-cactus-violin-42", "quiet-harbour-lantern-87", "orbit-pepper-glacier-19"


def _run(db, *args, user=None, password=None):
    env = {"ENOSE_PASSWORD": password} if password else {}
    return CliRunner().invoke(cli, [*args, "--db", str(db), *(["--user", user] if user else [])], env=env)


def test_a_clinician_adds_and_corrects_a_label_and_a_technician_may_not(db_path):
    write_sessions(db_path, 1)
    with Store.open(db_path) as store:
        create_user(store, "admin1", ADMIN_PW, "admin", "first-start")
        admin = authenticate(store, "admin1", ADMIN_PW)
        create_user(store, "clin1", CLIN_PW, "clinician", admin)
        create_user(store, "tech1", TECH_PW, "technician", admin)
    first = _run(db_path, "labels", "add", "--subject", "LIL-0000", "--no-cancer", "--source", "CT follow-up",
                 "--json", user="clin1", password=CLIN_PW)  # fmt: skip
    assert first.exit_code == 0, first.output
    first_id = json.loads(first.output)["label_id"]
    fix = _run(db_path, "labels", "add", "--subject", "LIL-0000", "--cancer", "--source", "pathology report",
               "--stage", "IA", "--supersedes", str(first_id), user="clin1", password=CLIN_PW)  # fmt: skip
    assert fix.exit_code == 0 and "recorded for LIL-0000" in fix.output
    denied = _run(db_path, "labels", "add", "--subject", "LIL-0000", "--cancer", "--source", "x",
                  user="tech1", password=TECH_PW)  # fmt: skip
    assert denied.exit_code == 3 and "technician" in denied.output
    unknown = _run(db_path, "labels", "add", "--subject", "LIL-0999", "--cancer", "--source", "x",
                   user="clin1", password=CLIN_PW)  # fmt: skip
    assert unknown.exit_code == 2 and "no subject LIL-0999" in unknown.output
    listed = _run(db_path, "labels", "list", "--subject", "LIL-0000", "--json", user="clin1", password=CLIN_PW)
    rows = json.loads(listed.output)["labels"]
    assert [(r["cancer"], r["current"], r["entered_by"]) for r in rows] == [(1, True, "clin1"), (0, False, "clin1")]
    with Store.open(db_path) as store:
        actions = [r[0] for r in store.conn.execute("SELECT action FROM audit_log WHERE object_type = 'label'")]
        assert actions == ["label_added", "label_added"] and verify(store).ok
