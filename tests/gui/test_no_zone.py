"""A score kept for the record only (``score["no_zone"]``) never shows a zone, and says why in the reader's language."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication

from gui.clinician import ResultPage
from gui.report import build_report_html, display_zone, no_zone_texts
from gui.widgets import ZONE_COLOURS
from tests.gui.test_report import SCORED

NO_CALIBRATION = {"code": "no_calibration", "text": "device EMU-1 had no passing zero-air calibration ..."}
NOT_MEASURED = {"code": "humidity_not_measured", "text": "the calibration in force (record 3) did not measure ..."}
MISMATCH = {"phase": "breath", "seconds": 10.0, "expected_s": 300.0, "text": "breath phase 10 s, model 300 s"}


def no_zone_data(*reasons: dict, mismatch: dict | None = None) -> dict:
    """A scored session whose probability the core kept for the record only (its zone is stored 'inconclusive')."""
    score = {**SCORED["score"], "zone": "inconclusive", "protocol_mismatch": mismatch, "no_zone": list(reasons),
             "humidity_calibration": {"in_force": False, "calibration_id": None, "code": reasons[0]["code"],
                                      "text": reasons[0]["text"]}}  # fmt: skip
    return {**SCORED, "score": score}


def test_a_score_with_no_zone_reasons_is_never_zoned():
    for zone in ("green", "orange", "red"):
        assert display_zone({"given": True, "zone": zone, "no_zone": [NO_CALIBRATION]}) == "no_zone"
        assert display_zone({"given": True, "zone": zone, "no_zone": []}) == zone


def test_report_says_no_zone_and_why():
    data = no_zone_data(NO_CALIBRATION, {"code": "protocol_mismatch", "text": MISMATCH["text"]}, mismatch=MISMATCH)
    html = build_report_html(data)
    patient, clinician = html.split("page-break-before:always;", 1)
    assert "No zone: the probability is kept for the record only" in patient
    for word in ("Orange", "Green:", "Red:", ZONE_COLOURS["orange"]):
        assert word not in html
    assert "Why no zone" in clinician and "for the record only, not for a decision" in clinician
    assert (
        "Device EMU-1 had no humidity calibration in force when this session was recorded: it had no passing zero-air "
        "calibration. A technician must calibrate it with zero air before the next screening." in clinician
    )
    # the protocol mismatch keeps its detailed words, once
    assert clinician.count("The breath phase lasted 10 s but this model was trained on 300 s") == 1
    assert "Zone thresholds" not in clinician


@pytest.mark.parametrize(
    ("code", "zone_title", "reason"),
    [
        (
            "fr",
            "Pas de zone : la probabilité est conservée pour le dossier uniquement",
            "L'appareil EMU-1 n'avait pas d'étalonnage d'humidité en vigueur lors de cet enregistrement : son "
            "micrologiciel n'a pas d'humidificateur (air zéro humidifié, révision 1.1 de l'ICD), donc son étalonnage "
            "à l'air zéro n'a pas pu mesurer la réponse à l'humidité. Un technicien doit mettre à jour le "
            "micrologiciel et l'étalonner à l'air zéro.",
        ),
        (
            "nl",
            "Geen zone: de kans wordt alleen voor het dossier bewaard",
            "Toestel EMU-1 had geen geldige vochtkalibratie toen deze sessie werd opgenomen: de firmware heeft geen "
            "bevochtiger (bevochtigde nullucht, ICD-revisie 1.1), dus de nulluchtkalibratie kon de vochtgevoeligheid "
            "niet meten. Een technicus moet de firmware bijwerken en het toestel met nullucht kalibreren.",
        ),
    ],
)
def test_result_page_and_report_in_the_readers_language(qtbot, gui_context, code, zone_title, reason):
    gui_context.languages.set_language(code)
    page = ResultPage()
    qtbot.addWidget(page)
    data = no_zone_data(NOT_MEASURED)
    page.show_data(data, code)
    assert page.zone_name == "no_zone" and page.zone.text() == zone_title
    assert ZONE_COLOURS["inconclusive"] in page.zone.styleSheet()
    for colour in (ZONE_COLOURS["green"], ZONE_COLOURS["orange"], ZONE_COLOURS["red"]):
        assert colour not in page.zone.styleSheet()
    assert reason.replace("'", "&#x27;") in page.details.text()
    assert "31" in page.probability.text()
    assert no_zone_texts(data["score"], "EMU-1", QCoreApplication.translate) == [reason]
    html = page.report_html()
    assert zone_title in html and reason.replace("'", "&#x27;") in html
