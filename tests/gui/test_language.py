"""Language switch changes what is on screen; the .ts sources are not stale and fully translated."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import pytest

from gui import i18n

from .conftest import open_workspace


def visible_texts(window) -> dict[str, str]:
    wizard = window.screens["screening"]
    return {
        "tab": window.tabs.tabText(0),
        "sign_out": window.sign_out_button.text(),
        "step": wizard.header.labels[0].text(),
        "code_label": wizard.subject_page.form.labelForField(wizard.subject_page.code).text(),
        "menu": window.language_menu.title(),
        "status": window.device_status.text(),
    }


def test_language_switch_changes_visible_strings(qtbot, users):
    window = open_workspace(qtbot, users, "claire", "clinician")
    english = visible_texts(window)
    assert english["tab"] == "Screening" and english["sign_out"] == "Sign out"
    expected = {
        "fr": {"tab": "Dépistage", "sign_out": "Se déconnecter", "step": "1. Sujet", "code_label": "Code du sujet"},
        "nl": {"tab": "Screening", "sign_out": "Afmelden", "step": "1. Deelnemer", "code_label": "Deelnemerscode"},
    }
    for code, texts in expected.items():
        window.language_actions[code].trigger()
        qtbot.waitUntil(lambda texts=texts: visible_texts(window)["sign_out"] == texts["sign_out"], timeout=5000)
        now = visible_texts(window)
        for key, value in texts.items():
            assert now[key] == value, (code, key)
        assert now["menu"] != english["menu"] and now["status"] != english["status"]
        assert users.settings.value("language") == code
    window.language_actions["en"].trigger()
    qtbot.waitUntil(lambda: visible_texts(window) == english, timeout=5000)
    window.close()


def _messages(ts_file) -> dict[tuple[str, str], str | None]:
    root = ET.parse(ts_file).getroot()
    out = {}
    for context in root.iter("context"):
        name = context.find("name").text
        for message in context.iter("message"):
            translation = message.find("translation")
            unfinished = translation.get("type") in ("unfinished", "obsolete", "vanished")
            out[(name, message.find("source").text)] = None if unfinished else translation.text
    return out


@pytest.mark.parametrize("code", i18n.TRANSLATED)
def test_ts_file_is_not_stale_and_fully_translated(code, tmp_path):
    """Re-extract the strings with lupdate into a copy: the set of messages must not change."""
    committed = i18n.TRANSLATIONS_DIR / f"enose_{code}.ts"
    copy = tmp_path / committed.name
    shutil.copy(committed, copy)
    i18n.lupdate([copy])
    before, after = _messages(committed), _messages(copy)
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    assert not added and not removed, (
        f"{committed.name} is stale (run `python -m gui.i18n update` and translate): "
        f"new {added[:5]}, gone {removed[:5]}"
    )
    untranslated = [key for key, text in before.items() if not text]
    assert not untranslated, f"untranslated in {committed.name}: {untranslated[:5]}"
    # Placeholders survive translation.
    for (_context, source), text in before.items():
        for marker in ("%1", "%2", "%3", "%4"):
            assert (marker in source) == (marker in text), (source, text)


@pytest.mark.parametrize("code", i18n.TRANSLATED)
def test_compiled_qm_matches_its_ts(code, tmp_path):
    ts = i18n.TRANSLATIONS_DIR / f"enose_{code}.ts"
    fresh = tmp_path / f"enose_{code}.qm"
    i18n.lrelease(ts, fresh)
    assert fresh.read_bytes() == ts.with_suffix(".qm").read_bytes(), "run `python -m gui.i18n update`"
