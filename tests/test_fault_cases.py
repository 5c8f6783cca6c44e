"""The fault-injection suite names real tests (a renamed or deleted test would silently leave a case uncovered)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.fault_cases import FAULT_CASES, FAULT_TESTS

ROOT = Path(__file__).resolve().parents[1]


def _test_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test")}


def test_every_case_of_the_issue_has_tests_and_every_named_test_exists():
    assert all(tests for tests in FAULT_CASES.values())
    missing = []
    for test in sorted(FAULT_TESTS):
        path, name = test.split("::")
        if name not in _test_functions(ROOT / path):
            missing.append(test)
    assert missing == []


def test_the_suite_is_marked_for_pytest_m_faults(request):
    """The marker is applied at collection (tests/conftest.py): the file's own tests carry none, the suite's do."""
    assert request.node.get_closest_marker("faults") is None
    assert "tests/cli/test_faults.py::test_a_damaged_database_is_refused_before_the_subject_breathes" in FAULT_TESTS
