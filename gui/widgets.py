"""Small widgets shared by the screens, and the application's look (style sheet, colours)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

__all__ = ["STATE_COLOURS", "ZONE_COLOURS", "STYLE_SHEET", "Indicator", "StepHeader", "Card", "heading", "mmss"]

#: Traffic-light colours of the quality indicators (colour-blind safe shades, with text beside).
STATE_COLOURS = {"green": "#1e8e3e", "amber": "#e8a200", "red": "#c5221f", "off": "#9aa0a6"}
ZONE_COLOURS = {
    "green": "#1e8e3e",
    "orange": "#e37400",
    "red": "#c5221f",
    "inconclusive": "#5f6368",
    "blocked": "#5f6368",
}

STYLE_SHEET = """
QMainWindow, QDialog { background: #f4f6f9; }
QWidget { font-size: 10pt; }
QTabWidget::pane { border: 1px solid #d0d7e2; background: #ffffff; border-radius: 4px; }
QTabBar::tab { padding: 7px 16px; background: #e6ebf2; border: 1px solid #d0d7e2; border-bottom: none;
               border-top-left-radius: 4px; border-top-right-radius: 4px; margin-right: 2px; }
QTabBar::tab:selected { background: #ffffff; color: #1a4f8b; font-weight: bold; }
QFrame#card { background: #ffffff; border: 1px solid #d0d7e2; border-radius: 6px; }
QLabel#heading { font-size: 14pt; font-weight: bold; color: #1a3050; }
QLabel#subheading { font-size: 11pt; font-weight: bold; color: #1a3050; }
QLabel#hint { color: #5f6368; }
QLabel#error { color: #c5221f; }
QLabel#banner { background: #fff4e0; border: 1px solid #e8a200; border-radius: 4px; padding: 6px; color: #5a3d00; }
QLabel#disclaimer { background: #eef3fb; border: 1px solid #b9cbe6; border-radius: 4px; padding: 8px; color: #1a3050; }
QPushButton { padding: 6px 14px; border-radius: 4px; border: 1px solid #b7c2d0; background: #ffffff; }
QPushButton:hover { background: #eef3fb; }
QPushButton:disabled { color: #9aa0a6; background: #f1f3f4; }
QPushButton#primary { background: #1a5fb4; color: #ffffff; border: 1px solid #174f96; font-weight: bold; }
QPushButton#primary:hover { background: #174f96; }
QPushButton#primary:disabled { background: #9bb6da; border-color: #9bb6da; }
QPushButton#danger { background: #ffffff; color: #c5221f; border: 1px solid #c5221f; font-weight: bold; }
QPushButton#danger:hover { background: #fce8e6; }
QLineEdit, QSpinBox, QDoubleSpinBox, QComboBox, QDateEdit { padding: 4px; border: 1px solid #b7c2d0;
               border-radius: 3px; background: #ffffff; min-height: 20px; }
QLineEdit[invalid="true"] { border: 2px solid #c5221f; }
QTableView { background: #ffffff; alternate-background-color: #f6f8fb; gridline-color: #e0e5ec;
             selection-background-color: #cfe0f7; selection-color: #111111; }
QHeaderView::section { background: #e6ebf2; padding: 4px; border: none; border-right: 1px solid #d0d7e2;
                       font-weight: bold; }
QStatusBar { background: #e6ebf2; }
QStatusBar QLabel { padding: 0 8px; }
QProgressBar { border: 1px solid #b7c2d0; border-radius: 3px; text-align: center; background: #ffffff; height: 18px; }
QProgressBar::chunk { background: #1a5fb4; }
"""


def heading(text: str = "", sub: bool = False) -> QLabel:
    label = QLabel(text)
    label.setObjectName("subheading" if sub else "heading")
    label.setWordWrap(True)
    return label


def mmss(seconds: float | None) -> str:
    """``m:ss`` for a duration in seconds ('–' when unknown)."""
    if seconds is None:
        return "–"
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"


class Card(QFrame):
    """A white panel with a border, holding a vertical layout."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(14, 12, 14, 12)
        self.body.setSpacing(8)


class _Dot(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colour = QColor(STATE_COLOURS["off"])
        self.setFixedSize(16, 16)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.colour)
        painter.drawEllipse(1, 1, 14, 14)


class Indicator(QWidget):
    """A traffic light with a name and a reason: green / amber / red / off."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = "off"
        self.dot = _Dot(self)
        self.name = QLabel(self)
        self.name.setObjectName("subheading")
        self.reason = QLabel(self)
        self.reason.setObjectName("hint")
        self.reason.setWordWrap(True)
        text = QVBoxLayout()
        text.setSpacing(0)
        text.addWidget(self.name)
        text.addWidget(self.reason)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 2, 0, 2)
        row.addWidget(self.dot, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    def set_state(self, state: str, reason: str = "") -> None:
        self.state = state
        self.dot.colour = QColor(STATE_COLOURS.get(state, STATE_COLOURS["off"]))
        self.dot.update()
        self.reason.setText(reason)


class StepHeader(QWidget):
    """The wizard's steps in a row, the current one highlighted (names set by the owner)."""

    def __init__(self, n_steps: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.labels = [QLabel(self) for _ in range(n_steps)]
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        for label in self.labels:
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setMinimumHeight(30)
            label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            row.addWidget(label)
        self.current = 0

    def set_names(self, names: list[str]) -> None:
        for i, (label, name) in enumerate(zip(self.labels, names, strict=True)):
            label.setText(f"{i + 1}. {name}")
        self.set_current(self.current)

    def set_current(self, index: int) -> None:
        self.current = index
        for i, label in enumerate(self.labels):
            if i == index:
                style = "background:#1a5fb4;color:white;font-weight:bold;border-radius:4px;padding:4px;"
            elif i < index:
                style = "background:#d5e3f5;color:#1a3050;border-radius:4px;padding:4px;"
            else:
                style = "background:#e9edf2;color:#5f6368;border-radius:4px;padding:4px;"
            label.setStyleSheet(style)


def is_language_change(event: QEvent) -> bool:
    return event.type() == QEvent.Type.LanguageChange
