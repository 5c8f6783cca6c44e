"""Languages of the interface: Qt's own translation system (.ts sources, compiled .qm shipped here).

English is the source language (the literals in ``self.tr("...")``); French and
Dutch come from ``gui/translations/enose_fr.qm`` and ``enose_nl.qm``. Switching
language installs (or removes) a :class:`QTranslator`; Qt then sends every
widget a ``LanguageChange`` event and each one re-reads its strings
(``retranslate``).

Numbers and punctuation follow the language too: :func:`number` writes the decimal
comma of French and Dutch, :func:`punctuation` the space French puts before ``: ; ? !``
(for strings the code puts together; the translations carry their own).

Maintainers: ``python -m gui.i18n update`` re-extracts the strings into the
``.ts`` files (keeping existing translations) and compiles the ``.qm`` files.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

__all__ = [
    "LANGUAGES",
    "TRANSLATIONS_DIR",
    "LanguageManager",
    "current_language",
    "number",
    "punctuation",
    "source_files",
    "lupdate",
    "lrelease",
]

TRANSLATIONS_DIR = Path(__file__).parent / "translations"
#: Language code -> name shown in the language menu (each in its own language, as is customary).
LANGUAGES = {"en": "English", "fr": "Français", "nl": "Nederlands"}
TRANSLATED = ("fr", "nl")


class LanguageManager:
    """Installs the translator of the chosen language on the application."""

    def __init__(self, app: QCoreApplication) -> None:
        self.app = app
        self.language = "en"
        self._translator: QTranslator | None = None

    def set_language(self, code: str) -> bool:
        """Switch to ``code`` ('en', 'fr' or 'nl'); returns False when its .qm file is missing."""
        if code not in LANGUAGES:
            code = "en"
        if self._translator is not None:
            self.app.removeTranslator(self._translator)
            self._translator = None
        ok = True
        if code != "en":
            translator = QTranslator(self.app)
            ok = translator.load(str(TRANSLATIONS_DIR / f"enose_{code}.qm"))
            if ok:
                self.app.installTranslator(translator)
                self._translator = translator
        self.language = code if ok else "en"
        QLocale.setDefault(QLocale(self.language))
        return ok


def current_language() -> str:
    """The interface's language code ('en', 'fr' or 'nl'): :meth:`LanguageManager.set_language` sets Qt's default locale."""
    code = QLocale().name().split("_")[0]
    return code if code in LANGUAGES else "en"


def number(value: float, spec: str = ".4g") -> str:
    """``value`` formatted by ``spec`` with the decimal separator of the interface's language (a comma in fr and nl).

    No group separators: a Dutch '.' between thousands would read as a decimal point.
    """
    return format(float(value), spec).replace(".", QLocale().decimalPoint())


def punctuation(mark: str, language: str | None = None) -> str:
    """``mark`` (':', ';', '?' or '!') and the space after it, for strings the code joins itself.

    French wants a space before these marks: a non-breaking one, so the mark never starts a line.
    """
    from gui.report import punctuation as words_punctuation  # one rule for the screens and the (Qt-free) report

    return words_punctuation(mark, current_language() if language is None else language)


def source_files() -> list[Path]:
    """Every Python file of the GUI whose strings are translated."""
    return sorted(p for p in Path(__file__).parent.glob("*.py") if p.name not in {"i18n.py", "__init__.py"})


def _tool(name: str) -> str:
    """Path of ``pyside6-<name>`` next to the interpreter, or on PATH."""
    here = Path(sys.executable).parent / f"pyside6-{name}"
    if here.exists():
        return str(here)
    found = shutil.which(f"pyside6-{name}")
    if not found:
        raise FileNotFoundError(f"pyside6-{name} not found: install PySide6 (it ships the Qt Linguist tools)")
    return found


def lupdate(ts_files: list[Path]) -> None:
    """Extract the strings of :func:`source_files` into ``ts_files`` (translations kept, obsolete dropped)."""
    subprocess.run(
        [_tool("lupdate"), "-no-obsolete", "-locations", "none", *map(str, source_files()), "-ts", *map(str, ts_files)],
        check=True,
        capture_output=True,
        text=True,
    )


def lrelease(ts_file: Path, qm_file: Path) -> None:
    subprocess.run([_tool("lrelease"), str(ts_file), "-qm", str(qm_file)], check=True, capture_output=True, text=True)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] != ["update"]:
        print("usage: python -m gui.i18n update   (re-extract strings into .ts and compile .qm)")
        return 2
    ts_files = [TRANSLATIONS_DIR / f"enose_{code}.ts" for code in TRANSLATED]
    lupdate(ts_files)
    for ts in ts_files:
        lrelease(ts, ts.with_suffix(".qm"))
        print(f"updated {ts.name} and {ts.with_suffix('.qm').name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
