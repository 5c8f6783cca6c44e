"""The screening report: plain HTML built from plain data, then printed to PDF by Qt.

:func:`build_report_html` takes a dictionary (the subject, the session and the
score as returned by :func:`gui.backend.result_for_display`) and a ``translate``
function, and imports no Qt, so its content is testable without a display.
:func:`render_pdf` lays the HTML out with :class:`QTextDocument` and writes it
with :class:`QPdfWriter` (A4). Page 1 is for the person tested, in plain
language; page 2 is for the clinician, with the details.

Strings are marked with ``translate("Report", "...")`` so ``pyside6-lupdate``
collects them; the app passes :meth:`QCoreApplication.translate`.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "build_report_html",
    "render_pdf",
    "reason_text",
    "factor_text",
    "punctuation",
    "session_status_text",
    "caution_text",
    "protocol_text",
    "no_zone_texts",
    "display_zone",
    "NO_ZONE",
    "zone_title",
    "zone_advice",
]

Translate = Callable[[str, str], str]


def _identity(context: str, text: str) -> str:
    return text


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _number(value: float, language: str, digits: int = 1) -> str:
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
    return text.replace(".", ",") if language in ("fr", "nl") else text


def _percent(p: float, language: str) -> str:
    return f"{_number(100.0 * p, language, 0)}\u00a0%"


def punctuation(mark: str, language: str) -> str:
    """``mark`` (':', ';', '?' or '!') and the space after it, for the strings this code joins itself.

    French typography puts a space before these marks; a non-breaking one, so the mark never
    starts a line. (Translated sentences carry their own punctuation.)
    """
    return f"\u00a0{mark} " if language == "fr" else f"{mark} "


def session_status_text(status: str | None, translate: Translate = _identity) -> str:
    """A session's status (the store's code) in the reader's language."""
    texts = {
        "running": translate("Report", "recording"),
        "complete": translate("Report", "complete"),
        "aborted": translate("Report", "aborted"),
        "interrupted": translate("Report", "interrupted"),
        "failed": translate("Report", "failed"),
    }
    return texts.get(status or "", status or "-")


#: What the screen and the report show instead of a zone when the core kept the probability for the record
#: only (``score["no_zone"]`` has reasons; the stored zone is then "inconclusive").
NO_ZONE = "no_zone"


def display_zone(score: dict) -> str | None:
    """The zone to show for ``score``: never green, orange or red when the score has ``no_zone`` reasons.

    Why not the stored zone: the core stores "inconclusive" for both a sample unlike the
    training data (repeat the test) and a probability kept for the record only (repeating
    on the same uncalibrated unit would not help); the reader must be told which.
    """
    if not score.get("given"):
        return "blocked" if score.get("why") == "blocked" else None
    if score.get("no_zone"):
        return NO_ZONE
    return score.get("zone")


def zone_title(zone: str | None, translate: Translate = _identity) -> str:
    titles = {
        "green": translate("Report", "Green: no breath signal of lung cancer at this visit"),
        "orange": translate("Report", "Orange: discuss with the clinician"),
        "red": translate("Report", "Red: refer for a CT scan"),
        "inconclusive": translate("Report", "Inconclusive: repeat the test"),
        "blocked": translate("Report", "No result: the recording failed its quality check"),
        NO_ZONE: translate("Report", "No zone: the probability is kept for the record only"),
    }
    return titles.get(zone or "", translate("Report", "No result could be given"))


def zone_advice(zone: str | None, translate: Translate = _identity) -> str:
    """What the zone means, in words for the person tested."""
    advice = {
        "green": translate(
            "Report",
            "Your breath showed no sign that points to lung cancer today. Keep to your usual follow-up and "
            "see your doctor if you have new symptoms such as a lasting cough, blood when coughing, "
            "breathlessness or weight loss.",
        ),
        "orange": translate(
            "Report",
            "Your result is in between. Your clinician will discuss it with you and may suggest repeating "
            "the breath test or other examinations.",
        ),
        "red": translate(
            "Report",
            "Your breath test suggests that a closer look is worthwhile. Your clinician will propose a "
            "low-dose CT scan of the chest. Most people referred this way do not have cancer.",
        ),
        "inconclusive": translate(
            "Report",
            "Your breath sample could not be interpreted reliably. This says nothing about your health; "
            "the test should simply be repeated.",
        ),
        "blocked": translate(
            "Report",
            "The recording was not good enough to give a result (for example, air leaked around the mask). "
            "This says nothing about your health; the test should simply be repeated.",
        ),
        NO_ZONE: translate(
            "Report",
            "No result zone could be given for this test because of how the device was set up, not because of "
            "your breath sample. This says nothing about your health; your clinician will tell you what happens next.",
        ),
    }
    return advice.get(
        zone or "",
        translate("Report", "No result could be given for this test. Your clinician will tell you what happens next."),
    )


def reason_text(reason: dict, translate: Translate = _identity) -> str:
    """A quality-gate reason in the reader's language (known codes), else the core's message."""
    known = {
        "missing_phase": translate("Report", "The session lacks a baseline or breath phase, or it is too short."),
        "missing_channel": translate("Report", "The device has no channel of a kind the analysis needs."),
        "warming_up": translate("Report", "The sensors were still warming up during the measurement."),
        "baseline_unstable": translate("Report", "The sensor baseline was unstable before the breath sample."),
        "too_few_breaths": translate("Report", "Too few valid breath cycles were recorded."),
        "dead_channel": translate("Report", "A sensor channel gave no data."),
        "saturated_channel": translate("Report", "A sensor channel was saturated."),
        "flat_channel": translate("Report", "A sensor channel did not change at all."),
        "humidity_out_of_range": translate("Report", "The room humidity was outside the allowed range."),
        "temperature_out_of_range": translate("Report", "The sensor cell temperature was outside the allowed range."),
        "ambient_contaminated": translate("Report", "The room air was contaminated with volatile compounds."),
        "lost_samples": translate("Report", "Too many samples were lost during the recording."),
        "interrupted_breath": translate("Report", "The recording was interrupted during the breath sample."),
        "interrupted_other_phase": translate("Report", "The recording was interrupted outside the breath sample."),
        "device_fault": translate("Report", "The device reported a heater, pump or flow fault."),
        "no_purge": translate("Report", "The session has no purge phase; recovery features are missing."),
        "calibration_overdue": translate(
            "Report", "The device had no recent zero-air calibration when the session was recorded."
        ),
    }
    text = known.get(str(reason.get("code")))
    return text if text is not None else str(reason.get("message") or reason.get("code") or "")


_CLINICAL = {
    "age_years": "age",
    "pack_years": "pack_years",
    "copd": "copd",
    "previous_cancer": "previous_cancer",
    "sex_male": "sex_male",
    "smoking_current": "smoking_current",
}


def factor_text(item: dict, language: str, translate: Translate = _identity) -> str:
    """One contributing factor of the model's explanation, as a sentence."""
    raises = item.get("effect") == "raises"
    effect = (
        translate("Report", "raises the estimated risk") if raises else translate("Report", "lowers the estimated risk")
    )
    name = str(item.get("factor", ""))
    value = item.get("value")
    colon = punctuation(":", language)
    if item.get("kind") == "clinical":
        labels = {
            "age_years": translate("Report", "Age"),
            "pack_years": translate("Report", "Pack-years of smoking"),
            "copd": translate("Report", "COPD"),
            "previous_cancer": translate("Report", "Previous cancer"),
            "sex_male": translate("Report", "Male sex"),
            "smoking_current": translate("Report", "Currently smoking"),
        }
        label = labels.get(name, name.replace("_", " "))
        if value is None:
            what = translate("Report", "%1 not recorded (a typical value was used)").replace("%1", label)
        elif name in ("copd", "previous_cancer", "sex_male", "smoking_current"):
            answer = translate("Report", "yes") if value >= 0.5 else translate("Report", "no")
            what = f"{label}{colon}{answer}"
        else:
            what = f"{label} {_number(float(value), language)}"
        return f"{what}{colon}{effect}"
    higher = value is not None and item.get("typical") is not None and value > item["typical"]
    direction = (
        translate("Report", "Breath measurement %1 higher than typical")
        if higher
        else translate("Report", "Breath measurement %1 lower than typical")
    )
    return f"{direction.replace('%1', _feature_phrase(name, translate))}{colon}{effect}"


def caution_text(score: dict, device_serial: str | None, translate: Translate = _identity) -> str | None:
    """The warning that goes with a score from a unit the model never saw in training, or None."""
    if score.get("unit_in_training") is not False:
        return None
    return translate(
        "Report",
        "Device %1 was not among the units this model was trained on. Its humidity calibration and the model's "
        "gain-free inputs make units at one site agree; a site whose room air differs from the training sites' can "
        "still move the probability and the zone (see the model card).",
    ).replace("%1", device_serial or "-")


def protocol_text(score: dict, translate: Translate = _identity) -> str | None:
    """Why a score got no zone because a phase was shorter than the model's training sessions, or None."""
    mismatch = score.get("protocol_mismatch")
    if not mismatch:
        return None
    phases = {
        "baseline": translate("Report", "baseline"),
        "breath": translate("Report", "breath"),
        "purge": translate("Report", "purge"),
    }
    return (
        translate(
            "Report",
            "The %1 phase lasted %2 s but this model was trained on %3 s: repeat the test with the standard protocol.",
        )
        .replace("%1", phases.get(mismatch["phase"], mismatch["phase"]))
        .replace("%2", f"{mismatch['seconds']:.0f}")
        .replace("%3", f"{mismatch['expected_s']:.0f}")
    )


def no_zone_texts(score: dict, device_serial: str | None, translate: Translate = _identity) -> list[str]:
    """Why the score got no zone (``score["no_zone"]``), one sentence per reason, in the reader's language.

    Known codes are worded here; ``protocol_mismatch`` keeps its detailed :func:`protocol_text`.
    An unknown code falls back to the core's English text rather than hiding the reason.
    """
    serial = device_serial or "-"
    texts = []
    for item in score.get("no_zone") or []:
        code = item.get("code")
        if code == "protocol_mismatch":
            text = protocol_text(score, translate) or item.get("text")
        elif code == "no_calibration":
            text = translate(
                "Report",
                "Device %1 had no humidity calibration in force when this session was recorded: it had no passing "
                "zero-air calibration. A technician must calibrate it with zero air before the next screening.",
            ).replace("%1", serial)
        elif code == "humidity_not_measured":
            text = translate(
                "Report",
                "Device %1 had no humidity calibration in force when this session was recorded: its firmware lacks "
                "the humidifier (humidified zero air, ICD revision 1.1), so its zero-air calibration could not measure "
                "the humidity response. A technician must update the firmware and calibrate it with zero air.",
            ).replace("%1", serial)
        else:
            text = item.get("text")
        texts.append(str(text or code or ""))
    return texts


def _feature_phrase(name: str, translate: Translate) -> str:
    """A signal feature name (``mox03.et_dr_r0``, ``breath.cycles``) in the reader's language; others as they are."""
    from enose.model.explain import feature_parts

    parts = feature_parts(name)
    if parts is None:
        return name
    if parts.sensor is None:
        breath = {
            "breath.cycles": translate("Report", "number of valid breaths"),
            "breath.rate_per_min": translate("Report", "breathing rate"),
            "breath.etco2_ppm": translate("Report", "end-tidal CO2"),
            "breath.rh_pct": translate("Report", "breath humidity"),
            "baseline.rh_pct": translate("Report", "room humidity"),
        }
        return f"({breath[parts.measure]})"
    words = {
        "dr_r0": translate("Report", "breath response"),
        "log_r_r0": translate("Report", "breath response (log scale)"),
        "et_dr_r0": translate("Report", "end-of-exhalation response"),
        "auc_dr_r0_s": translate("Report", "total response over the breath phase"),
        "max_rise_per_s": translate("Report", "fastest rise"),
        "purge_dr_r0": translate("Report", "level after the clean-air purge"),
        "purge_t63_s": translate("Report", "recovery time in clean air"),
        "ema_rise": translate("Report", "onset speed"),
        "ema_decay": translate("Report", "clearing speed"),
        "room_load": translate("Report", "room-air level"),
        "load_ratio": translate("Report", "breath level against room air"),
        "et_load_ratio": translate("Report", "end-of-exhalation level against room air"),
    }
    what = words.get(parts.measure, parts.measure)
    if parts.speed:
        speed = {"fast": translate("Report", "fast"), "medium": translate("Report", "medium"),
                 "slow": translate("Report", "slow")}[parts.speed]  # fmt: skip
        what = f"{what}, {speed}"
    return "(" + translate("Report", "gas sensor %1: %2").replace("%1", str(parts.sensor)).replace("%2", what) + ")"


def _yes_no_unknown(value, translate: Translate) -> str:
    if value is None:
        return translate("Report", "not recorded")
    return translate("Report", "yes") if value else translate("Report", "no")


def build_report_html(data: dict, translate: Translate = _identity) -> str:
    """The two-page report as HTML (page break between them).

    ``data`` keys: ``language``, ``generated_at``, ``subject`` (code, age_years, sex, smoking,
    pack_years, copd, previous_cancer), ``session`` (id, started_at, status, device_serial,
    operator, n_samples, lost_samples, interruptions), ``score`` (see
    :func:`gui.backend.result_for_display`), ``software_version``.
    """
    texts = _common_texts(translate)
    patient = _patient_page(data, texts, translate)
    clinician = _clinician_page(data, texts, translate)
    return (
        '<html><body style="font-family:sans-serif; font-size:11pt;">'
        f"<div>{patient}</div>"
        f"<div>{clinician}</div></body></html>"
    )


def _common_texts(translate: Translate) -> dict[str, str]:
    """The sentences both pages carry, in the reader's language."""
    return {
        "not_diagnosis": translate(
            "Report",
            "This test is not a diagnosis. It helps you and your clinician decide whether further examinations "
            "are useful. It does not replace a CT scan or a doctor's judgement.",
        ),
        "simulated": translate(
            "Report",
            "Research prototype: the risk model supplied with this software was trained on simulated data and "
            "is not for clinical use.",
        ),
    }


def _zone_colour(zone: str | None) -> str:
    return {"green": "#1e8e3e", "orange": "#e37400", "red": "#c5221f"}.get(zone or "", "#5f6368")


def _patient_page(data: dict, texts: dict[str, str], translate: Translate) -> str:
    """Page 1, for the person tested: the zone in colour and what it means, in plain words."""
    subject, session, score = data.get("subject", {}), data.get("session", {}), data.get("score", {})
    zone = display_zone(score)
    colon = _esc(punctuation(":", data.get("language", "en")))
    date = _esc(str(session.get("started_at") or data.get("generated_at") or "")[:10])
    words = {
        "title": translate("Report", "Your breath test result"),
        "code": translate("Report", "Code"),
        "date": translate("Report", "Date"),
        "means": translate("Report", "What this means"),
        "important": translate("Report", "Important"),
        "questions": translate("Report", "If you have questions, ask the clinician who did the test with you."),
    }
    w = {key: _esc(value) for key, value in words.items()}
    return f"""
<h1 style="color:#1a3050;">{w["title"]}</h1>
<p>{w["code"]}{colon}<b>{_esc(subject.get("code"))}</b> &nbsp;&nbsp; {w["date"]}{colon}<b>{date}</b></p>
<table width="100%" cellpadding="14" style="border-collapse:collapse;">
<tr><td style="background:{_zone_colour(zone)}; color:white; font-size:16pt; font-weight:bold;">{_esc(zone_title(zone, translate))}</td></tr>
</table>
<h3>{w["means"]}</h3>
<p style="font-size:12pt;">{_esc(zone_advice(zone, translate))}</p>
<h3>{w["important"]}</h3>
<p style="font-size:12pt;">{_esc(texts["not_diagnosis"])}</p>
<p>{w["questions"]}</p>
<p style="color:#5f6368; font-size:9pt;">{_esc(texts["simulated"])}</p>
"""


def _row(label: str, value: object) -> str:
    return f'<tr><td width="38%" style="color:#5f6368;">{_esc(label)}</td><td>{_esc(value)}</td></tr>'


def _subject_and_session_rows(data: dict, translate: Translate) -> list[str]:
    """Who was tested (risk factors) and how the recording went."""
    language = data.get("language", "en")
    subject, session = data.get("subject", {}), data.get("session", {})
    sexes = {
        "F": translate("Report", "female"),
        "M": translate("Report", "male"),
        "X": translate("Report", "other / not stated"),
    }
    smoking = {
        "never": translate("Report", "never"),
        "former": translate("Report", "former"),
        "current": translate("Report", "current"),
    }
    return [
        _row(translate("Report", "Subject code"), subject.get("code")),
        _row(translate("Report", "Age"), subject.get("age_years") if subject.get("age_years") is not None else "-"),
        _row(translate("Report", "Sex"), sexes.get(subject.get("sex"), "-")),
        _row(translate("Report", "Smoking"), smoking.get(subject.get("smoking"), "-")),
        _row(
            translate("Report", "Pack-years"),
            _number(float(subject["pack_years"]), language) if subject.get("pack_years") is not None else "-",
        ),
        _row(translate("Report", "COPD"), _yes_no_unknown(subject.get("copd"), translate)),
        _row(translate("Report", "Previous cancer"), _yes_no_unknown(subject.get("previous_cancer"), translate)),
        _row(
            translate("Report", "Session"),
            f"{session.get('id', '-')} ({session_status_text(session.get('status'), translate)})",
        ),
        _row(translate("Report", "Recorded"), str(session.get("started_at") or "-")[:19].replace("T", " ")),
        _row(translate("Report", "Device"), session.get("device_serial") or "-"),
        _row(translate("Report", "Operator"), session.get("operator") or "-"),
        _row(
            translate("Report", "Samples (lost, interruptions)"),
            f"{session.get('n_samples', 0)} ({session.get('lost_samples', 0)}, {session.get('interruptions', 0)})",
        ),
    ]


def _given_result(data: dict, zone: str | None, translate: Translate) -> tuple[list[str], str]:
    """A scored result: zone, probability with its interval, thresholds; factors, cautions and no-zone reasons."""
    language = data.get("language", "en")
    session, score = data.get("session", {}), data.get("score", {})
    low, high = score.get("interval", [None, None])
    probability = f"{_percent(score['probability'], language)} " + translate(
        "Report", "(90 % interval %1 to %2)"
    ).replace("%1", _percent(low, language)).replace("%2", _percent(high, language))
    if zone == NO_ZONE:
        probability += " - " + translate("Report", "for the record only, not for a decision")
    result_rows = [
        _row(translate("Report", "Zone"), zone_title(zone, translate)),
        _row(translate("Report", "Estimated probability"), probability),
    ]
    thresholds = score.get("thresholds") or {}
    if thresholds and zone != NO_ZONE:  # no thresholds beside a probability that must not be zoned
        result_rows.append(
            _row(
                translate("Report", "Zone thresholds"),
                translate("Report", "green below %1, red from %2")
                .replace("%1", _percent(thresholds["rule_out"], language))
                .replace("%2", _percent(thresholds["refer"], language)),
            )
        )
    factors = "".join(
        f"<li>{_esc(factor_text(item, language, translate))}</li>" for item in score.get("explanation", [])
    )
    factors_title = _esc(translate("Report", "Main contributing factors"))
    factors_html = f"<h3>{factors_title}</h3><ul>{factors}</ul>" if factors else ""
    no_zone = no_zone_texts(score, session.get("device_serial"), translate)
    # a protocol mismatch is one of the no-zone reasons when there are any (scores stored before them: alone)
    protocol = None if no_zone else protocol_text(score, translate)
    warnings = (protocol, caution_text(score, session.get("device_serial"), translate))
    factors_html = "".join(f"<p><b>{_esc(w)}</b></p>" for w in warnings if w) + factors_html
    if no_zone:
        no_zone_title = _esc(translate("Report", "Why no zone"))
        items = "".join(f"<li>{_esc(text)}</li>" for text in no_zone)
        factors_html = f"<h3>{no_zone_title}</h3><ul>{items}</ul>" + factors_html
    return result_rows, factors_html


def _no_result(score: dict, zone: str | None, status: str | None, translate: Translate) -> list[str]:
    """No score: why, in words (an unfinished recording's status in the reader's language, not the core's English)."""
    detail = session_status_text(status, translate) if score.get("why") == "incomplete" else score.get("detail", "")
    why = {
        "incomplete": translate("Report", "The recording did not run to its end (status: %1); repeat it."),
        "no_model": translate("Report", "No risk model is installed."),
        "model_error": translate("Report", "The risk model cannot score this recording: %1"),
        "blocked": translate("Report", "The recording failed the quality gate (reasons below); repeat it."),
    }.get(score.get("why", ""), translate("Report", "No score was computed."))
    return [
        _row(translate("Report", "Zone"), zone_title(zone, translate)),
        _row(translate("Report", "Why no score"), why.replace("%1", str(detail))),
    ]


def _quality_html(score: dict, language: str, translate: Translate) -> str:
    """The quality gate's reasons, blocking ones marked."""
    reasons = score.get("qc_reasons") or []
    if not reasons:
        return ""
    blocks, warns = translate("Report", "blocks the score"), translate("Report", "warning")
    colon = _esc(punctuation(":", language))
    items = "".join(
        f"<li><b>{_esc(blocks if r.get('severity') == 'block' else warns)}</b>{colon}{_esc(reason_text(r, translate))}</li>"
        for r in reasons
    )
    quality_title = _esc(translate("Report", "Quality gate"))
    return f"<h3>{quality_title}</h3><ul>{items}</ul>"


def _clinician_page(data: dict, texts: dict[str, str], translate: Translate) -> str:
    """Page 2, for the clinician: subject, recording, result with its reasons, model and software versions."""
    score = data.get("score", {})
    zone = display_zone(score)
    if score.get("given"):
        result_rows, factors_html = _given_result(data, zone, translate)
    else:
        result_rows, factors_html = _no_result(score, zone, data.get("session", {}).get("status"), translate), ""
    model_line = (
        translate("Report", "Model %1 (SHA-256 %2), software %3")
        .replace("%1", str(score.get("model_id") or "-"))
        .replace("%2", str(score.get("model_sha256") or "-")[:16])
        .replace("%3", str(data.get("software_version") or "-"))
    )
    words = {
        "clinician_title": translate("Report", "Breath screening - clinician report"),
        "result": translate("Report", "Result"),
        "not_diagnosis": translate("Report", "Not a diagnosis."),
    }
    w = {key: _esc(value) for key, value in words.items()}
    return f"""
<h1 style="color:#1a3050; page-break-before:always;">{w["clinician_title"]}</h1>
<table width="100%" cellpadding="3">{"".join(_subject_and_session_rows(data, translate))}</table>
<h3>{w["result"]}</h3>
<table width="100%" cellpadding="3">{"".join(result_rows)}</table>
{factors_html}
{_quality_html(score, data.get("language", "en"), translate)}
<p style="color:#5f6368;">{_esc(model_line)}</p>
<p><b>{w["not_diagnosis"]}</b> {_esc(texts["not_diagnosis"])}</p>
<p style="color:#5f6368; font-size:9pt;">{_esc(texts["simulated"])}</p>
"""


def render_pdf(html_text: str, path: str | Path) -> Path:
    """Lay out ``html_text`` on A4 pages and write the PDF, owner-only (Qt is imported here, not at module load)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSizeF
    from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

    from enose.storage.private_files import write_private

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter)
    writer.setResolution(300)
    writer.setTitle("E-nose breath screening report")
    writer.setCreator("enose")
    document = QTextDocument()
    document.setHtml(html_text)
    # Lay the text out on the page's own printable area: without a page size Qt adds 2 cm margins of its
    # own inside the 18 mm ones, and the clinician page spilled onto a third page. Document units are
    # 1/96 inch, the printable area is given in points (1/72 inch).
    printable = writer.pageLayout().paintRect(QPageLayout.Unit.Point)
    document.setDocumentMargin(0)
    document.setPageSize(QSizeF(printable.width() * 96 / 72, printable.height() * 96 / 72))
    document.print_(writer)
    del writer  # ends the PDF (its trailer is written when the writer goes)
    buffer.close()
    return write_private(target, bytes(data.data()))  # a report names a subject's result: owner-only
