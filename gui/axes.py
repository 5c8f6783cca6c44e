"""Chart axes in the interface's language: pyqtgraph writes a decimal point and English month names."""

from __future__ import annotations

import re

import pyqtgraph as pg
from PySide6.QtCore import QLocale

__all__ = ["LocaleAxis", "LocaleDateAxis"]

_ENGLISH_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ENGLISH_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class LocaleAxis(pg.AxisItem):
    """A chart's value axis with the interface language's decimal sign (pyqtgraph writes a point)."""

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph's name)
        point = QLocale().decimalPoint()
        return [text.replace(".", point) for text in super().tickStrings(values, scale, spacing)]


class LocaleDateAxis(pg.DateAxisItem):
    """A date axis in the interface's language: pyqtgraph's month and day names (strftime's) are English."""

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph's name)
        locale, short = QLocale(), QLocale.FormatType.ShortFormat
        words = {name: locale.standaloneMonthName(i + 1, short) for i, name in enumerate(_ENGLISH_MONTHS)}
        words.update({name: locale.standaloneDayName(i + 1, short) for i, name in enumerate(_ENGLISH_DAYS)})
        return [
            re.sub(r"\b[A-Z][a-z]{2}\b", lambda m: words.get(m[0], m[0]), text)
            for text in super().tickStrings(values, scale, spacing)
        ]
