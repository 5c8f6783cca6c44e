"""The main window: the signed-in user's workspace, the language menu, the status bar and the idle lock.

After a few idle minutes (``security/idle_lock_minutes``, 10 by default) the
window swaps its workspace for a lock screen that only the signed-in account's
password (or signing out) removes. Only the view is locked: the screens stay
alive underneath, so a recording in progress carries on and its result waits
behind the lock.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from enose import __version__
from gui import accounts, backend
from gui.clinician import ScreeningWizard, link_text
from gui.context import AppContext
from gui.context import idle_lock_ms as settings_idle_lock_ms
from gui.i18n import LANGUAGES
from gui.login import AccountsDialog, LockScreen, PasswordDialog, role_name
from gui.researcher import ResearcherView
from gui.technician import CalibrationWizard, DevicePanel, DriftView, RawView, kind_name
from gui.widgets import is_language_change

__all__ = ["MainWindow", "IdleWatcher"]

log = logging.getLogger(__name__)


class IdleWatcher(QObject):
    """Emits :attr:`idle` once ``interval_ms`` pass without keyboard, mouse, wheel or touch input.

    Why an application-wide event filter: it sees every input event before any widget
    does, so typing in a dialog or scrolling a plot counts as much as a click in the window.
    """

    idle = Signal()
    ACTIVITY = frozenset(
        {
            QEvent.Type.KeyPress,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseButtonDblClick,
            QEvent.Type.MouseMove,
            QEvent.Type.Wheel,
            QEvent.Type.TouchBegin,
            QEvent.Type.TouchUpdate,
            QEvent.Type.TabletPress,
        }
    )

    def __init__(self, interval_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.idle)
        self._filtering = False

    def start(self) -> None:
        """Watch the input from now on; the idle time counts from now."""
        app = QApplication.instance()
        if not self._filtering and app is not None:
            app.installEventFilter(self)
            self._filtering = True
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if self._filtering and app is not None:
            app.removeEventFilter(self)
        self._filtering = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in self.ACTIVITY:
            self.timer.start()
        return False


def _depth(widget: QWidget) -> int:
    depth = 0
    while (widget := widget.parentWidget()) is not None:
        depth += 1
    return depth


class MainWindow(QMainWindow):
    """One workspace (clinician, technician or researcher) for the signed-in user.

    ``idle_lock_ms`` overrides the idle-lock delay of the settings (tests use a short one).
    """

    signed_out = Signal()
    closed = Signal(bool)  # True when closed to sign out
    screen_locked = Signal()
    screen_unlocked = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None, idle_lock_ms: int | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.workspace = context.workspace or "clinician"
        self.signing_out = False
        self.app_title = QLabel()
        self.app_title.setStyleSheet("font-size:15pt; font-weight:bold; color:white;")
        self.user = QLabel()
        self.user.setStyleSheet("color:#dbe6f5;")
        self.sign_out_button = QPushButton()
        self.sign_out_button.setStyleSheet(
            "QPushButton{color:white; background:transparent; border:1px solid #9bb6da; padding:4px 12px;}"
            "QPushButton:hover{background:#2a6fc4;}"
        )
        self.sign_out_button.clicked.connect(self.sign_out)
        header = QWidget()
        header.setObjectName("header")
        header.setStyleSheet("QWidget#header{background:#1a3f6f;}")
        header_layout = QHBoxLayout(header)
        header_layout.setContentsMargins(16, 8, 16, 8)
        header_layout.addWidget(self.app_title)
        header_layout.addStretch(1)
        header_layout.addWidget(self.user)
        header_layout.addWidget(self.sign_out_button)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(False)
        self.screens: dict[str, QWidget] = {}
        if self.workspace == "clinician":
            self.screens["screening"] = ScreeningWizard(context)
        elif self.workspace == "technician":
            self.screens["device"] = DevicePanel(context)
            self.screens["raw"] = RawView(context)
            self.screens["calibration"] = CalibrationWizard(context)
            self.screens["drift"] = DriftView(context)
        else:
            self.screens["sessions"] = ResearcherView(context)
        for screen in self.screens.values():
            self.tabs.addTab(screen, "")
        if "calibration" in self.screens:
            self.screens["calibration"].calibration_finished.connect(lambda _: self._update_calibration())
        self.tabs.currentChanged.connect(self._tab_changed)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        body = QVBoxLayout()
        body.setContentsMargins(10, 10, 10, 6)
        body.addWidget(self.tabs)
        layout.addLayout(body, 1)
        self.content = central
        self.lock_screen = LockScreen(context)
        self.lock_screen.unlocked.connect(self._unlocked)
        self.lock_screen.sign_out_requested.connect(self.sign_out)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.content)
        self.stack.addWidget(self.lock_screen)
        self.setCentralWidget(self.stack)
        self.device_status = QLabel()
        self.calibration_status = QLabel()
        self.database_status = QLabel()
        self.database_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addWidget(self.device_status)
        self.statusBar().addWidget(self.calibration_status)
        self.statusBar().addPermanentWidget(self.database_status)
        self._build_menus()
        context.devices.changed.connect(self.update_status)
        self.status_timer = QTimer(self)
        self.status_timer.setInterval(5000)
        self.status_timer.timeout.connect(self._update_calibration)
        self.status_timer.start()
        delay_ms = idle_lock_ms if idle_lock_ms is not None else settings_idle_lock_ms(context.settings)
        self.idle = IdleWatcher(delay_ms, self)
        self.idle.idle.connect(self.lock)
        self.idle.start()
        self._calibration: dict = {}
        self._calibration_serial: str | None = None
        geometry = context.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1366, 740)
        self.retranslate()
        self._update_calibration()

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.change_password_action = QAction(self)
        self.change_password_action.triggered.connect(self.change_password)
        self.lock_action = QAction(self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock)
        self.file_menu.addAction(self.change_password_action)
        self.file_menu.addAction(self.lock_action)
        self.file_menu.addSeparator()
        self.sign_out_action = QAction(self)
        self.sign_out_action.triggered.connect(self.sign_out)
        self.quit_action = QAction(self)
        self.quit_action.triggered.connect(self.close)
        self.file_menu.addAction(self.sign_out_action)
        self.file_menu.addAction(self.quit_action)
        self.language_menu = bar.addMenu("")
        group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code, name in LANGUAGES.items():
            action = QAction(name, self, checkable=True)
            action.setChecked(code == self.context.languages.language)
            action.triggered.connect(lambda _=False, c=code: self.set_language(c))
            group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[code] = action
        self.admin_menu = bar.addMenu("")
        self.accounts_action = QAction(self)
        self.accounts_action.triggered.connect(self.show_accounts)
        self.admin_menu.addAction(self.accounts_action)
        self.admin_menu.menuAction().setVisible(
            self.context.account is not None and self.context.account.role == "admin"
        )
        self.help_menu = bar.addMenu("")
        self.about_action = QAction(self)
        self.about_action.triggered.connect(self.show_about)
        self.help_menu.addAction(self.about_action)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("E-nose breath screening"))
        self.app_title.setText(self.tr("E-nose breath screening"))
        account = self.context.account
        if account is not None:
            self.user.setText(
                self.tr("%1 - %2 workspace").replace("%1", account.username).replace("%2", role_name(self.workspace))
            )
        self.sign_out_button.setText(self.tr("Sign out"))
        titles = {
            "screening": self.tr("Screening"),
            "device": self.tr("Device"),
            "raw": self.tr("Raw signals"),
            "calibration": self.tr("Calibration"),
            "drift": self.tr("Drift"),
            "sessions": self.tr("Sessions"),
        }
        for i, key in enumerate(self.screens):
            self.tabs.setTabText(i, titles[key])
        self.file_menu.setTitle(self.tr("&File"))
        self.change_password_action.setText(self.tr("Change my password..."))
        self.lock_action.setText(self.tr("Lock screen"))
        self.sign_out_action.setText(self.tr("Sign out"))
        self.quit_action.setText(self.tr("Quit"))
        self.language_menu.setTitle(self.tr("&Language"))
        self.admin_menu.setTitle(self.tr("&Administration"))
        self.accounts_action.setText(self.tr("Accounts..."))
        self.help_menu.setTitle(self.tr("&Help"))
        self.about_action.setText(self.tr("About"))
        self.update_status()

    def changeEvent(self, event) -> None:  # noqa: N802
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    # -- actions ------------------------------------------------------------------------------

    def set_language(self, code: str) -> None:
        self.context.languages.set_language(code)
        self.context.settings.setValue("language", code)
        for other, action in self.language_actions.items():
            action.setChecked(other == code)

    def show_accounts(self) -> AccountsDialog:
        """The administrator's accounts dialog, window-modal (returned so tests can drive it)."""
        dialog = AccountsDialog(self.context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def change_password(self) -> PasswordDialog | None:
        """Any signed-in user changes their own password (the current one is asked for)."""
        if self.context.account is None:
            return None
        dialog = PasswordDialog(self.context, self.context.account.username, own=True, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.password_changed.connect(
            lambda _name: self.statusBar().showMessage(self.tr("Your password was changed."), 10_000)
        )
        dialog.open()
        return dialog

    # -- idle lock ----------------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return self.stack.currentWidget() is self.lock_screen

    def lock(self) -> None:
        """Hide the workspace behind the lock screen; whatever runs underneath (a recording) goes on."""
        if self.locked or self.context.account is None:
            return
        self.idle.stop()
        self._close_dialogs()
        self.lock_screen.prepare(recording=self.busy())
        self.stack.setCurrentWidget(self.lock_screen)
        self._set_menus_enabled(False)
        self.lock_screen.password.setFocus()
        self._audit("screen_locked")
        self.screen_locked.emit()

    def _unlocked(self, account: accounts.Account) -> None:
        """The core accepted the password again: show the workspace, unless the account may no longer open it."""
        self.context.account = account
        if not accounts.may_work_as(account, self.workspace):
            self.sign_out()
            return
        self.stack.setCurrentWidget(self.content)
        self._set_menus_enabled(True)
        self._audit("screen_unlocked")
        self.idle.start()
        self.screen_unlocked.emit()

    def _close_dialogs(self) -> None:
        """Cancel every dialog open over this window, innermost first: a lock must leave nothing readable."""
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and self._owns(w)]
        for dialog in sorted(dialogs, key=_depth, reverse=True):
            if dialog.isVisible():
                dialog.reject()

    def _owns(self, widget: QWidget) -> bool:
        parent = widget.parentWidget()
        while parent is not None and parent is not self:
            parent = parent.parentWidget()
        return parent is self

    def _set_menus_enabled(self, enabled: bool) -> None:
        self.menuBar().setEnabled(enabled)
        for action in (self.change_password_action, self.lock_action, self.accounts_action):
            action.setEnabled(enabled)

    def _audit(self, action: str) -> None:
        """Record a lock or unlock through the core; failing to write it must never keep the workspace open."""
        try:
            accounts.record_account_event(self.context.db_path, self.context.account, action)
        except Exception:
            log.exception("could not record %s in the audit trail", action)

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About"),
            self.tr(
                "E-nose breath screening %1\n\nOpen software for an electronic-nose breath test that helps decide "
                "whether a CT scan should be discussed. It is not a diagnosis. The bundled model was trained on "
                "simulated data and is not for clinical use."
            ).replace("%1", __version__),
        )

    def _tab_changed(self, index: int) -> None:
        drift = self.screens.get("drift")
        if drift is not None and self.tabs.widget(index) is drift:
            drift.refresh()

    def busy(self) -> bool:
        return any(getattr(screen, "running", False) for screen in self.screens.values())

    def sign_out(self) -> None:
        self.signing_out = True
        if self.close():
            self.signed_out.emit()
        self.signing_out = False

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.shutdown()
        self.context.settings.setValue("window/geometry", self.saveGeometry())
        super().closeEvent(event)
        self.closed.emit(self.signing_out)

    def shutdown(self) -> None:
        """Stop whatever runs (an aborted screening keeps its data) and wait for the threads."""
        self.status_timer.stop()
        self.idle.stop()
        for screen in self.screens.values():
            stop = getattr(screen, "shutdown", None)
            if stop is not None:
                stop()

    # -- status bar ------------------------------------------------------------------------------

    def update_status(self) -> None:
        devices = self.context.devices
        if devices.port is None:
            device = self.tr("Device: none chosen")
        else:
            name = devices.info.serial if devices.info is not None else devices.port
            if devices.is_emulator(devices.port):
                name = self.tr("built-in emulator")
                if devices.info is not None:
                    name += f" {devices.info.serial}"
            device = self.tr("Device: %1, %2").replace("%1", name).replace("%2", link_text(devices.link))
        self.device_status.setText(device)
        serial = devices.info.serial if devices.info is not None else None
        if serial != self._calibration_serial:
            self._update_calibration()
        self._show_calibration()
        self.database_status.setText(self.tr("Database: %1").replace("%1", str(self.context.db_path)))

    def _update_calibration(self) -> None:
        devices = self.context.devices
        serial = devices.info.serial if devices.info is not None else None
        self._calibration_serial = serial
        if serial is None:
            self._calibration = {}
        else:
            from enose.storage import StorageError, Store

            try:
                store = Store.open(self.context.db_path)
            except StorageError:
                self._calibration = {}
            else:
                try:
                    self._calibration = backend.calibration_status(store, serial)
                finally:
                    store.close()
        self._show_calibration()

    def _show_calibration(self) -> None:
        state = self._calibration
        if self._calibration_serial is None:
            text = self.tr("Calibration: connect a device to see it")
        elif not state:
            text = self.tr("Calibration: never calibrated")
        else:
            when = str(state["created_at"])[:10]
            if state.get("passed") is False:
                text = self.tr("Calibration: last attempt failed (%1)").replace("%1", when)
            elif state.get("due"):
                text = self.tr("Calibration: recalibration due (last %1)").replace("%1", when)
            else:
                text = self.tr("Calibration: %1 on %2").replace("%1", kind_name(state["kind"])).replace("%2", when)
        self.calibration_status.setText(text)
