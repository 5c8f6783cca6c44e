"""Explanation factors read as words in the reader's language, never as feature code names."""

from __future__ import annotations

from gui.report import factor_text


def test_signal_features_are_named_in_words():
    item = {"factor": "mox03.et_dr_r0", "kind": "breath", "value": -0.2, "typical": -0.1, "effect": "raises"}
    text = factor_text(item, "en")
    assert "mox03" not in text and "et_dr_r0" not in text
    assert "gas sensor 3: end-of-exhalation response" in text and "lower than typical" in text
    slow = factor_text({**item, "factor": "mox00.ema_a0p001_decay", "effect": "lowers"}, "en")
    assert "clearing speed, slow" in slow and "lowers the estimated risk" in slow
    assert "number of valid breaths" in factor_text({**item, "factor": "breath.cycles"}, "en")


def test_french_words_come_from_the_translation_file(qapp):
    from PySide6.QtCore import QCoreApplication, QTranslator

    from gui.i18n import TRANSLATIONS_DIR

    app = qapp
    translator = QTranslator()
    assert translator.load(str(TRANSLATIONS_DIR / "enose_fr.qm"))
    app.installTranslator(translator)
    try:
        item = {"factor": "mox03.et_dr_r0", "kind": "breath", "value": -0.2, "typical": -0.1, "effect": "raises"}
        text = factor_text(item, "fr", QCoreApplication.translate)
    finally:
        app.removeTranslator(translator)
    assert "capteur de gaz 3 : réponse en fin d'expiration" in text


def test_every_per_sensor_feature_has_words_in_the_core_and_the_report():
    """A new feature (e.g. signal-1.1's load ratios) must never reach a clinician as its code."""
    from enose.model.explain import describe_feature
    from enose.signal.features import MOX_FEATURES

    for suffix in MOX_FEATURES:
        name = f"mox02.{suffix}"
        assert suffix not in describe_feature(name), name
        text = factor_text({"factor": name, "kind": "breath", "value": 1.0, "typical": 0.5, "effect": "raises"}, "en")
        assert suffix not in text and "gas sensor 2" in text, text
    assert "breath level against room air" in factor_text(
        {"factor": "mox01.load_ratio", "kind": "breath", "value": 1.0, "typical": 0.5, "effect": "raises"}, "en"
    )
