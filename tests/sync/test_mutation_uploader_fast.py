"""Fast tests of :mod:`enose.sync.uploader` for mutation testing: pure functions and reports, no PostgreSQL server."""

from __future__ import annotations

import pytest

from enose.security import site_keys
from enose.sync.uploader import AnchorCheck, SyncReport, _seconds_between, _sign_anchor, anchor_message

SITE = "0b9f5c7e-3f1d-4a0e-9a53-1c2d3e4f5a6b"


def test_sync_report_json_names_every_count_and_rounds_the_seconds_to_the_millisecond():
    report = SyncReport(uploaded=3, skipped=2, failed=1, failures=[{"session": "s", "reason": "r"}],
                        rows={"label": {"uploaded": 1, "skipped": 0, "failed": 0}}, bytes_uploaded=4096,
                        seconds=1.23456, target="t-uuid", site_uuid=SITE, anchor_signed=True, warnings=["w"])  # fmt: skip
    assert report.to_json() == {
        "uploaded": 3,
        "skipped": 2,
        "failed": 1,
        "failures": [{"session": "s", "reason": "r"}],
        "rows": {"label": {"uploaded": 1, "skipped": 0, "failed": 0}},
        "bytes_uploaded": 4096,
        "seconds": 1.235,
        "target": "t-uuid",
        "site_uuid": SITE,
        "anchor_signed": True,
        "warnings": ["w"],
    }


def test_anchor_check_json_counts_the_anchors_instead_of_listing_them():
    check = AnchorCheck(anchors=[(1, "a"), (2, "b")], problems=["p"], signed=1, unsigned=1, unverifiable=0,
                        last_anchor_id=2, last_anchored_at="2026-01-01T00:00:00+00:00", rows_behind=3,
                        seconds_behind=4.5)  # fmt: skip
    assert check.to_json() == {
        "problems": ["p"],
        "signed": 1,
        "unsigned": 1,
        "unverifiable": 0,
        "last_anchor_id": 2,
        "last_anchored_at": "2026-01-01T00:00:00+00:00",
        "rows_behind": 3,
        "seconds_behind": 4.5,
        "anchors": 2,
    }


def test_seconds_between_is_later_minus_earlier_to_the_millisecond_and_none_when_unknown():
    assert _seconds_between("2026-01-01T00:00:00.000000+00:00", "2026-01-01T00:00:01.234567+00:00") == 1.235
    assert _seconds_between("2026-01-01T00:00:10+00:00", "2026-01-01T00:00:00+00:00") == -10.0
    assert _seconds_between(None, "2026-01-01T00:00:00+00:00") is None
    assert _seconds_between("2026-01-01T00:00:00+00:00", None) is None
    assert _seconds_between("not a time", "2026-01-01T00:00:00+00:00") is None


def test_anchor_message_is_the_fixed_text_a_site_signs():
    assert anchor_message(SITE, 7, "ab" * 32, "2026-01-01T00:00:00+00:00") == (
        f"enose-audit-anchor/1\n{SITE}\n7\n{'ab' * 32}\n2026-01-01T00:00:00+00:00\n".encode()
    )
    assert anchor_message(SITE, "8", "cd", None) == f"enose-audit-anchor/1\n{SITE}\n8\ncd\n\n".encode()


def test_sign_anchor_signs_with_the_site_key_and_says_why_not_without_one(tmp_path, monkeypatch):
    monkeypatch.setenv("ENOSE_DATA_DIR", str(tmp_path))
    signature, why_not = _sign_anchor(b"message")
    with pytest.raises(site_keys.SiteKeyError) as missing:
        site_keys.sign(b"message")
    assert signature is None and why_not == f"audit anchor not signed: {missing.value}"
    public = site_keys.create_site_key()
    signature, why_not = _sign_anchor(b"message")
    assert why_not is None and site_keys.verify_signature(public, b"message", signature)
    assert not site_keys.verify_signature(public, b"other message", signature)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ImportError("no module"), "audit anchor not signed: site keys unavailable (no module)"),
        (OSError("unreadable"), "audit anchor not signed: unreadable"),
        (ValueError("bad key"), "audit anchor not signed: bad key"),
    ],
)
def test_sign_anchor_never_fails_for_the_key(monkeypatch, error, expected):
    def broken(message):
        raise error

    monkeypatch.setattr(site_keys, "sign", broken)
    assert _sign_anchor(b"message") == (None, expected)
