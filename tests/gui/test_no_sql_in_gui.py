"""The GUI is presentation: no sqlite3 and no SQL in gui/ (the core's services read and write, with permissions)."""

from __future__ import annotations

import re
from pathlib import Path

GUI = Path(__file__).resolve().parents[2] / "gui"
SQL = re.compile(r"\b(SELECT\s+(DISTINCT\s+)?[\w.*()]+(\s*,\s*[\w.*()]+)*\s+FROM\s+\w+|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE"
                 r"|DROP\s+TABLE)", re.IGNORECASE)  # fmt: skip


def test_no_module_of_the_gui_imports_sqlite3_or_holds_sql():
    offenders = []
    for path in sorted(GUI.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"^\s*(import sqlite3|from sqlite3 import)", text, re.MULTILINE):
            offenders.append(f"{path.name}: imports sqlite3")
        offenders += [f"{path.name}: SQL {m.group(0)!r}" for m in SQL.finditer(text)]
        if ".execute(" in text or "db.query(" in text:
            offenders.append(f"{path.name}: runs a query")
    assert offenders == []


def test_the_check_sees_sql_when_there_is_some(tmp_path):
    """The guard itself would fail on the kind of line it forbids (so it is not vacuous)."""
    assert SQL.search('rows = store.db.query("SELECT serial FROM devices")')
    assert SQL.search("conn.execute('update sessions set status = 1')")
    assert SQL.search('"SELECT id, status, count(*) FROM sessions"')
    assert not SQL.search("Select the device, then press Start.")
    assert not SQL.search("Select a session from the list to see where it comes from.")
