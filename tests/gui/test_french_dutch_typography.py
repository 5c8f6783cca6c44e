"""French and Dutch read as written by a native speaker: punctuation, status words, one device word, decimal commas.

* French puts a space (here non-breaking when the code joins the string) before ``: ; ? !``:
  in every translation and in the strings the code puts together (explanation factors, report).
* The report words a session's status in the reader's language, never "(complete)".
* Dutch calls the device by one word everywhere (the translations and the Dutch manual).
* Numbers shown in French and Dutch use the decimal comma, on the technician's calibration
  verdict as in the rest of the app.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from gui import i18n
from gui.accounts import Account
from gui.report import build_report_html, factor_text, punctuation, session_status_text
from tests.gui.test_report import SCORED

#: The word the Dutch translation uses for the device ("toestel" is the one it used most, and the manual's).
DUTCH_DEVICE_WORD = "toestel"
DUTCH_OTHER_DEVICE_WORDS = ("apparaat", "apparaten")
ROOT = Path(__file__).resolve().parents[2]

#: ``: ; ? !`` with no (normal, non-breaking or narrow non-breaking) space before it, except in a URL (https://).
_BARE_MARK = re.compile(r"(?<![\s\u00a0\u202f])[:;?!](?!//)")
_TIME = re.compile(r"\d:\d")


def bare_marks(text: str) -> list[str]:
    """Each ``: ; ? !`` of ``text`` that lacks French's space before it (a time such as 10:00 aside), in context."""
    return [
        text[max(0, m.start() - 25) : m.end() + 10]
        for m in _BARE_MARK.finditer(text)
        if not _TIME.fullmatch(text[max(0, m.start() - 1) : m.end() + 1])
    ]


def visible_text(markup: str) -> str:
    """The text of an HTML page or rich-text label, without its tags and their style attributes."""
    return html.unescape(re.sub(r"<[^>]*>", " ", re.sub(r"<style.*?</style>", "", markup, flags=re.S)))


def _translations(code: str) -> list[tuple[str, str, str]]:
    root = ET.parse(i18n.TRANSLATIONS_DIR / f"enose_{code}.ts").getroot()
    return [
        (context.find("name").text, message.find("source").text, message.find("translation").text or "")
        for context in root.iter("context")
        for message in context.iter("message")
    ]


@pytest.fixture
def translated(gui_context):
    """Switch the app to a language (translator and default locale, as the language menu does)."""

    def switch(code: str):
        gui_context.languages.set_language(code)
        return QCoreApplication.translate

    return switch


def test_the_check_sees_a_bare_colon():
    assert bare_marks("Âge 67: augmente le risque") and bare_marks("fin ; ok? oui") == ["fin ; ok? oui"]
    assert not bare_marks("Âge 67 : augmente\u00a0; oui\u202f? Enregistré 2025-03-01 10:00:00, https://x.org")


def test_every_french_translation_has_a_space_before_colons_and_the_like():
    bare = [(context, text) for context, _source, text in _translations("fr") if bare_marks(text)]
    assert not bare, f"French wants a space before : ; ? ! in {bare[:5]}"


def test_french_explanation_factors_have_a_space_before_their_colons(translated):
    translate = translated("fr")
    items = [
        {"factor": "age_years", "kind": "clinical", "value": 67.0, "typical": 60.0, "effect": "raises"},
        {"factor": "copd", "kind": "clinical", "value": 1.0, "typical": 0.0, "effect": "raises"},
        {"factor": "pack_years", "kind": "clinical", "value": None, "typical": 20.0, "effect": "lowers"},
        {"factor": "mox03.et_dr_r0", "kind": "breath", "value": -0.2, "typical": -0.1, "effect": "raises"},
        {"factor": "breath.cycles", "kind": "breath", "value": 9.0, "typical": 12.0, "effect": "lowers"},
    ]
    texts = [factor_text(item, "fr", translate) for item in items]
    assert texts[0] == "Âge 67\u00a0: augmente le risque estimé"
    assert texts[1].startswith("BPCO\u00a0: oui\u00a0: ")
    for text in texts:
        assert not bare_marks(text), text
    # English and Dutch keep the colon against the word
    translate = translated("nl")
    assert ": " in factor_text(items[0], "nl", translate) and "\u00a0:" not in factor_text(items[0], "nl", translate)
    assert factor_text(items[0], "en") == "Age 67: raises the estimated risk"


def test_the_french_report_has_a_space_before_every_colon(translated):
    translate = translated("fr")
    blocked = {**SCORED["score"], "given": False, "why": "blocked"}
    for data in ({**SCORED, "language": "fr"}, {**SCORED, "language": "fr", "score": blocked}):
        text = visible_text(build_report_html(data, translate))
        assert "Code\u00a0:" in text and "Date\u00a0:" in text
        assert not bare_marks(text), bare_marks(text)


def test_the_french_result_page_has_a_space_before_every_colon_even_after_a_language_switch(qtbot, translated):
    from gui.clinician import ResultPage

    page = ResultPage()
    qtbot.addWidget(page)
    page.show_data(SCORED, "en")
    assert "Age 67: raises the estimated risk" in visible_text(page.details.text())
    translated("fr")
    qtbot.waitUntil(lambda: page.title.text() != "Result", timeout=5000)
    text = visible_text(page.details.text())
    assert "Âge 67\u00a0: augmente le risque estimé" in text
    assert not bare_marks(text), bare_marks(text)
    assert "Âge 67\u00a0: augmente" in page.report_html()  # the PDF follows the language shown


@pytest.mark.parametrize(("code", "word"), [("en", "complete"), ("fr", "terminée"), ("nl", "volledig")])
def test_the_report_words_the_session_status_in_the_readers_language(translated, code, word):
    translate = translated(code)
    clinician = build_report_html({**SCORED, "language": code}, translate).split("page-break-before:always;")[1]
    assert f"7 ({word})" in clinician
    if code != "en":
        assert "(complete)" not in clinician
    aborted = {**SCORED, "language": code, "session": {**SCORED["session"], "status": "aborted"},
               "score": {"given": False, "why": "incomplete", "detail": "the recording is aborted, not complete"}}  # fmt: skip
    text = build_report_html(aborted, translate)
    assert session_status_text("aborted", translate) in text
    if code != "en":
        assert "not complete" not in text and "aborted" not in text


def test_every_session_status_has_words_in_both_languages(translated):
    from enose.storage.store import SESSION_STATUSES

    for code in i18n.TRANSLATED:
        translate = translated(code)
        for status in (*SESSION_STATUSES, "failed"):
            assert session_status_text(status, translate) not in (status, "-"), (code, status)


def test_dutch_names_the_device_with_one_word():
    other = re.compile(r"\b(" + "|".join(DUTCH_OTHER_DEVICE_WORDS) + r")\b", re.IGNORECASE)
    mixed = [text for _context, _source, text in _translations("nl") if other.search(text)]
    assert not mixed, f"the Dutch translation calls the device '{DUTCH_DEVICE_WORD}', not {mixed[:3]}"
    assert sum(DUTCH_DEVICE_WORD in text.lower() for _c, _s, text in _translations("nl")) > 20
    for manual in sorted((ROOT / "docs" / "nl").glob("*.md")):
        assert not other.search(manual.read_text(encoding="utf-8")), manual.name


@pytest.mark.parametrize(("code", "low", "high"), [("en", "0.0005", "0.015"), ("fr", "0,0005", "0,015"),
                                                    ("nl", "0,0005", "0,015")])  # fmt: skip
def test_the_calibration_verdict_writes_numbers_with_the_languages_decimal_sign(qtbot, gui_context, code, low, high):
    """The humidity line and the table of a zero-air verdict: a decimal comma in French and Dutch."""
    from gui.backend import ScreeningOutcome
    from gui.technician import CalibrationWizard

    gui_context.account = Account("theo", "technician")
    gui_context.languages.set_language(code)
    limits = {"min_sensitivity_per_pct": 0.0005, "max_sensitivity_per_pct": 0.015, "min_humid_rh_pct": 60.0,
              "min_step_rh_pct": 40.0}  # fmt: skip
    humidity = {"status": "failed", "sensitivity_per_pct": [0.0056, 0.0002], "per_channel_passed": [True, False],
                "per_channel_reason": [None, "humidity_response_too_high"], "rh_dry_pct": 6.2, "rh_humid_pct": 81.7,
                "limits": limits}  # fmt: skip
    evaluation = {"passed": False, "channels": ["mox0", "mox1"], "values": [1.5, 2.25], "per_channel_passed": [True, False],
                  "record_id": 4, "expected": None, "tolerance": 0.2, "detail": {"humidity": humidity}, "error": None}  # fmt: skip
    wizard = CalibrationWizard(gui_context)
    qtbot.addWidget(wizard)
    with qtbot.waitSignal(wizard.calibration_finished):
        wizard._finished(ScreeningOutcome(12, "complete", score={"calibration": evaluation}))
    line = wizard.humidity_text
    assert f" {low} " in line and f" {high} " in line, line
    cells = [wizard.table.item(row, col).text() for row in range(2) for col in (1, 2, 3)]
    point, comma = ("0.0056", "0,0056") if code == "en" else ("0,0056", "0.0056")
    assert point in cells and comma not in cells, cells
    assert (("2.25" if code == "en" else "2,25") in cells) and high in cells[5], cells
    if code != "en":
        assert not re.search(r"\d\.\d", line + " ".join(cells)), (line, cells)


def test_an_early_stop_of_a_calibration_names_its_status_in_the_readers_language(qtbot, gui_context):
    from gui.backend import ScreeningOutcome
    from gui.technician import CalibrationWizard

    gui_context.account = Account("theo", "technician")
    gui_context.languages.set_language("nl")
    wizard = CalibrationWizard(gui_context)
    qtbot.addWidget(wizard)
    with qtbot.waitSignal(wizard.calibration_finished):
        wizard._finished(ScreeningOutcome(13, "aborted"))
    assert "(afgebroken)" in wizard.verdict_text.text() and "aborted" not in wizard.verdict_text.text()


def test_numbers_and_punctuation_follow_the_interface_language(gui_context):
    for code, decimal, colon in (("en", "0.5", ": "), ("fr", "0,5", "\u00a0: "), ("nl", "0,5", ": ")):
        gui_context.languages.set_language(code)
        assert i18n.current_language() == code
        assert i18n.number(0.5, ".1f") == decimal and i18n.number(12345.0, ".0f") == "12345"
        assert i18n.punctuation(":") == colon == punctuation(":", code)
    assert punctuation(";", "fr") == "\u00a0; " and punctuation("?", "en") == "? "


@pytest.mark.parametrize(("code", "value", "month"), [("en", "0.00574", "Nov"), ("fr", "0,00574", "nov."),
                                                      ("nl", "0,00574", "nov")])  # fmt: skip
def test_drift_chart_axes_speak_the_interface_language(qtbot, gui_context, code, value, month):
    """The technician's drift charts: decimal commas on the value axis, month names of the language on the dates."""
    from datetime import datetime

    from gui.technician import ControlChart

    gui_context.languages.set_language(code)
    chart = ControlChart()
    qtbot.addWidget(chart.plot)
    assert chart.plot.getAxis("left").tickStrings([0.00574], 1.0, 0.00001) == [value]
    dates = chart.plot.getAxis("bottom")
    level = next(level for level in dates.zoomLevels.values() if level.tickSpecs[0].format == "%Y")
    dates.zoomLevel = level
    november = datetime(2026, 11, 3).timestamp()
    assert dates.tickStrings([november], 1.0, level.tickSpecs[1].spacing) == [month]


@pytest.mark.parametrize(("code", "point"), [("en", "."), ("fr", ","), ("nl", ",")])
def test_live_view_axes_write_the_languages_decimal_sign_without_a_scale_in_the_title(qtbot, gui_context, code, point):
    """The live view during the breath: R/R0 and CO2 ticks with the language's decimal sign, no "(x0.001)" title."""
    from gui.liveplot import LivePlot

    gui_context.languages.set_language(code)
    plot = LivePlot()
    qtbot.addWidget(plot)
    for widget in (plot.mox_plot, plot.co2_plot):
        left = widget.getAxis("left")
        assert left.tickStrings([1.5], 1.0, 0.5) == [f"1{point}5"]
        left.setRange(0.0002, 0.0008)  # small values: pyqtgraph would scale them and write x0.001 in the title
        assert "(x" not in left.labelString()  # no scale such as (x0.001) or (x1e-06)
    assert plot.mox_plot.getAxis("bottom").tickStrings([-2.5], 1.0, 0.5) == [f"-2{point}5"]
