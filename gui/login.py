"""Sign-in, the administrator's first-start account, account management, passwords and the lock screen.

Every decision (is the password right, strong enough, may this account do that)
is the core's, reached through :mod:`gui.accounts`; these screens only put its
refusals in the reader's language.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui import accounts
from gui.context import AppContext
from gui.i18n import LANGUAGES
from gui.widgets import Card, heading, is_language_change

__all__ = [
    "SignInDialog",
    "FirstAdminDialog",
    "AccountsDialog",
    "PasswordDialog",
    "LockScreen",
    "role_name",
    "account_error_text",
    "account_state_text",
]

OK_STYLE = "color:#1e8e3e;"
ERROR_STYLE = "color:#c5221f;"


def password_field() -> QLineEdit:
    """A line edit that hides what is typed."""
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def labelled_form(*fields: QWidget) -> QFormLayout:
    """A form with one row per field; the labels are set by the dialog's ``retranslate``."""
    form = QFormLayout()
    for field in fields:
        form.addRow(QLabel(), field)
    return form


def button_row(*buttons: QPushButton) -> QHBoxLayout:
    """Buttons aligned to the right, in the order given."""
    row = QHBoxLayout()
    row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    return row


def push_button(on_click, primary: bool = False) -> QPushButton:
    """A button wired to ``on_click``; its text is set by the dialog's ``retranslate``."""
    button = QPushButton()
    if primary:
        button.setObjectName("primary")
    button.clicked.connect(on_click)
    return button


def message_label(error: bool = True) -> QLabel:
    label = QLabel()
    if error:
        label.setObjectName("error")
    label.setWordWrap(True)
    return label


def role_name(role: str) -> str:
    names = {
        "admin": QCoreApplication.translate("Roles", "Administrator"),
        "clinician": QCoreApplication.translate("Roles", "Clinician"),
        "technician": QCoreApplication.translate("Roles", "Technician"),
        "researcher": QCoreApplication.translate("Roles", "Researcher"),
    }
    return names.get(role, role)


def account_error_text(code: str) -> str:
    """The words for a code of :class:`gui.accounts.AccountError` or :func:`gui.accounts.sign_in_refusal`."""
    texts = {
        "user_name": QCoreApplication.translate(
            "Accounts", "Choose a user name without spaces (at most 64 characters)."
        ),
        "role": QCoreApplication.translate("Accounts", "Choose a role."),
        "password_short": QCoreApplication.translate("Accounts", "The password must have at least 12 characters."),
        "password_weak": QCoreApplication.translate(
            "Accounts", "This password is too easy to guess: use a longer passphrase of unrelated words."
        ),
        "exists": QCoreApplication.translate("Accounts", "This user name is already taken."),
        "mismatch": QCoreApplication.translate("Accounts", "The two passwords differ."),
        "permission": QCoreApplication.translate("Accounts", "Only an administrator may manage accounts."),
        "unknown": QCoreApplication.translate("Accounts", "This account does not exist."),
        "wrong_password": QCoreApplication.translate("Accounts", "The current password is wrong; nothing was changed."),
        "last_admin": QCoreApplication.translate(
            "Accounts", "This is the last active administrator: create another administrator first."
        ),
        "sign_in": QCoreApplication.translate("Accounts", "Unknown user name or wrong password."),
        "locked": QCoreApplication.translate(
            "Accounts",
            "This account is locked for %1 minutes after too many failed sign-ins; an administrator can unlock it "
            "sooner.",
        ).replace("%1", str(accounts.LOCK_MINUTES)),
        "tampered": QCoreApplication.translate(
            "Accounts",
            "This account was changed outside the software, so sign-in is refused. "
            "An administrator restores the database from a backup.",
        ),
    }
    return texts.get(code, code)


def account_state_text(entry: dict) -> str:
    """Active, Disabled or Locked (both when an account is disabled and locked) for the accounts list."""
    states = []
    if entry["disabled"]:
        states.append(QCoreApplication.translate("Accounts", "Disabled"))
    if entry["locked"]:
        states.append(QCoreApplication.translate("Accounts", "Locked"))
    return ", ".join(states) or QCoreApplication.translate("Accounts", "Active")


def say(label: QLabel, text: str, ok: bool) -> None:
    """Show ``text`` in ``label`` in green (done) or red (refused)."""
    label.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
    label.setText(text)


class SignInDialog(QDialog):
    """User name, password, the workspace to open and the language."""

    language_chosen = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.account: accounts.Account | None = None
        self.title = heading()
        self.intro = QLabel()
        self.intro.setObjectName("hint")
        self.intro.setWordWrap(True)
        self.username = QLineEdit(str(context.settings.value("signin/username", "")))
        self.password = password_field()
        self.workspace = QComboBox()
        for name in accounts.WORKSPACES:
            self.workspace.addItem("", name)
        last = context.settings.value("signin/workspace", "clinician")
        self.workspace.setCurrentIndex(max(0, self.workspace.findData(last)))
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(context.languages.language)))
        self.language.currentIndexChanged.connect(self._language_changed)
        self.message = message_label()
        self.form = labelled_form(self.username, self.password, self.workspace, self.language)
        self.buttons = QDialogButtonBox()
        self.sign_in = QPushButton()
        self.sign_in.setObjectName("primary")
        self.sign_in.setDefault(True)
        self.quit = QPushButton()
        self.buttons.addButton(self.sign_in, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.quit, QDialogButtonBox.ButtonRole.RejectRole)
        self.sign_in.clicked.connect(self.try_sign_in)
        self.quit.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(12)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        if self.username.text():
            self.password.setFocus()
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("E-nose breath screening - sign in"))
        self.title.setText(self.tr("E-nose breath screening"))
        self.intro.setText(self.tr("Sign in with your personal account. Every recording is stored under your name."))
        labels = [self.tr("User name"), self.tr("Password"), self.tr("Work as"), self.tr("Language")]
        for row, text in enumerate(labels):
            self.form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().setText(text)
        for i in range(self.workspace.count()):
            self.workspace.setItemText(i, role_name(self.workspace.itemData(i)))
        self.sign_in.setText(self.tr("Sign in"))
        self.quit.setText(self.tr("Quit"))

    def changeEvent(self, event) -> None:  # noqa: N802
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def _language_changed(self) -> None:
        code = self.language.currentData()
        self.context.languages.set_language(code)
        self.context.settings.setValue("language", code)
        self.language_chosen.emit(code)

    def try_sign_in(self) -> bool:
        try:
            account = accounts.authenticate(self.context.db_path, self.username.text(), self.password.text())
        except accounts.AuthenticationFailed as error:
            self.message.setText(account_error_text(accounts.sign_in_refusal(error)))
            self.password.clear()
            self.password.setFocus()
            return False
        workspace = self.workspace.currentData()
        if not accounts.may_work_as(account, workspace):
            self.message.setText(
                self.tr("Your account (%1) cannot open this workspace.").replace("%1", role_name(account.role))
            )
            self.password.clear()
            return False
        self.account = account
        self.context.account = account
        self.context.workspace = workspace
        self.context.settings.setValue("signin/username", account.username)
        self.context.settings.setValue("signin/workspace", workspace)
        self.accept()
        return True


class FirstAdminDialog(QDialog):
    """First start: the administrator creates their own account before anyone can sign in."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.title = heading()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setObjectName("hint")
        self.username = QLineEdit("admin")
        self.password = password_field()
        self.confirm = password_field()
        self.message = message_label()
        self.form = labelled_form(self.username, self.password, self.confirm)
        self.create = push_button(self.try_create, primary=True)
        self.cancel = push_button(self.reject)
        buttons = button_row(self.cancel, self.create)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(12)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(480)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("First start"))
        self.title.setText(self.tr("Create the administrator account"))
        self.intro.setText(
            self.tr(
                "No account exists yet. The administrator signs in first and then creates an account for each "
                "clinician, technician and researcher."
            )
        )
        for row, text in enumerate([self.tr("User name"), self.tr("Password"), self.tr("Repeat the password")]):
            self.form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().setText(text)
        self.create.setText(self.tr("Create account"))
        self.cancel.setText(self.tr("Quit"))

    def changeEvent(self, event) -> None:  # noqa: N802
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def try_create(self) -> bool:
        if self.password.text() != self.confirm.text():
            self.message.setText(account_error_text("mismatch"))
            return False
        try:
            accounts.create_user(
                self.context.db_path, self.username.text(), self.password.text(), "admin", "first-start"
            )
        except accounts.AccountError as error:
            self.message.setText(account_error_text(str(error)))
            return False
        self.accept()
        return True


def account_table() -> QTableWidget:
    """A read-only table of accounts, one row selected at a time; headers set by ``retranslate``."""
    table = QTableWidget(0, 3)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setAlternatingRowColors(True)
    table.setStyleSheet("QTableView::item { padding: 0 8px; }")
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
    return table


class PasswordDialog(QDialog):
    """A new password: one's own (the current one is asked for) or, for an administrator, another account's.

    The core checks the current password, the length and how guessable the new one is;
    the dialog only compares the two copies, since a typo would lock a person out.
    """

    password_changed = Signal(str)

    def __init__(self, context: AppContext, username: str, own: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.username = username
        self.own = own
        self.title = heading()
        self.intro = message_label(error=False)
        self.intro.setObjectName("hint")
        self.current = password_field()
        self.new = password_field()
        self.confirm = password_field()
        self.message = message_label()
        self.form = labelled_form(*((self.current,) if own else ()), self.new, self.confirm)
        self.change = push_button(self.try_change, primary=True)
        self.change.setDefault(True)
        self.cancel = push_button(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addLayout(button_row(self.cancel, self.change))
        self.setMinimumWidth(500)
        self.retranslate()

    def retranslate(self) -> None:
        if self.own:
            title = self.tr("Change my password")
            labels = [self.tr("Current password"), self.tr("New password"), self.tr("Repeat the new password")]
            self.change.setText(self.tr("Change password"))
        else:
            title = self.tr("New password for %1").replace("%1", self.username)
            labels = [self.tr("New password"), self.tr("Repeat the new password")]
            self.change.setText(self.tr("Set password"))
        self.setWindowTitle(title)
        self.title.setText(title)
        self.intro.setText(
            self.tr(
                "At least 12 characters, and hard to guess: a passphrase of four or more unrelated words is "
                "strong and easy to remember."
            )
        )
        for row, text in enumerate(labels):
            self.form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().setText(text)
        self.cancel.setText(self.tr("Cancel"))

    def changeEvent(self, event) -> None:  # noqa: N802
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def try_change(self) -> bool:
        """Ask the core to change the password; on refusal say why and keep the dialog open."""
        if self.new.text() != self.confirm.text():
            self.message.setText(account_error_text("mismatch"))
            return False
        try:
            accounts.change_password(
                self.context.db_path, self.context.account, self.username,
                self.current.text() if self.own else None, self.new.text(),
            )  # fmt: skip
        except accounts.AccountError as error:
            self.message.setText(account_error_text(str(error)))
            if str(error) == "wrong_password":
                self.current.clear()
                self.current.setFocus()
            return False
        self.password_changed.emit(self.username)
        self.accept()
        return True


class AccountsDialog(QDialog):
    """The administrator's accounts: each one's role and state, what can be done to it, and a form to add one."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.entries: list[dict] = []
        self.title = heading()
        self.table = account_table()
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.toggle_button = push_button(self.toggle_disabled)
        self.unlock_button = push_button(self.unlock_selected)
        self.password_button = push_button(self.set_password_selected)
        self.new_title = heading(sub=True)
        self.username = QLineEdit()
        self.password = password_field()
        self.role = QComboBox()
        for role in accounts.ROLES:
            self.role.addItem("", role)
        self.role.setCurrentIndex(1)
        self.message = message_label(error=False)
        self.form = labelled_form(self.username, self.password, self.role)
        self.add = push_button(self.try_add, primary=True)
        self.close_button = push_button(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addLayout(button_row(self.toggle_button, self.unlock_button, self.password_button))
        layout.addWidget(self.new_title)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addLayout(button_row(self.add, self.close_button))
        self.resize(600, 560)
        self.retranslate()

    def refresh(self) -> None:
        """Re-read the accounts from the core, keeping the selected one selected."""
        selected = self.selected()
        try:
            self.entries = accounts.list_accounts(self.context.db_path, self.context.account)
        except accounts.AccountError as error:
            self.entries = []
            say(self.message, account_error_text(str(error)), ok=False)
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            cells = (entry["username"], role_name(entry["role"]), account_state_text(entry))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if selected is not None:
            self.select(selected["username"])
        self._update_buttons()

    def select(self, username: str) -> bool:
        """Select ``username``'s row (tests and the refresh after an action use it)."""
        for row, entry in enumerate(self.entries):
            if entry["username"] == username:
                self.table.selectRow(row)
                return True
        return False

    def selected(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows and rows[0].row() < len(self.entries) else None

    def _update_buttons(self) -> None:
        entry = self.selected()
        disabled = entry is not None and entry["disabled"]
        self.toggle_button.setText(self.tr("Enable") if disabled else self.tr("Disable"))
        self.toggle_button.setEnabled(entry is not None)
        self.unlock_button.setEnabled(entry is not None and entry["locked"])
        self.password_button.setEnabled(entry is not None)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Accounts"))
        self.title.setText(self.tr("Accounts"))
        self.table.setHorizontalHeaderLabels([self.tr("User name"), self.tr("Role"), self.tr("State")])
        self.unlock_button.setText(self.tr("Unlock"))
        self.password_button.setText(self.tr("Set password..."))
        self.new_title.setText(self.tr("New account"))
        for row, text in enumerate([self.tr("User name"), self.tr("Initial password"), self.tr("Role")]):
            self.form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().setText(text)
        for i in range(self.role.count()):
            self.role.setItemText(i, role_name(self.role.itemData(i)))
        self.add.setText(self.tr("Add account"))
        self.close_button.setText(self.tr("Close"))
        self.refresh()

    def changeEvent(self, event) -> None:  # noqa: N802
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def _apply(self, action, done: str) -> bool:
        """Run ``action(username)`` on the selected account; say ``done`` (with %1) or the core's refusal."""
        entry = self.selected()
        if entry is None:
            return False
        try:
            action(entry["username"])
        except accounts.AccountError as error:
            say(self.message, account_error_text(str(error)), ok=False)
            return False
        say(self.message, done.replace("%1", entry["username"]), ok=True)
        self.refresh()
        return True

    def toggle_disabled(self) -> bool:
        """Disable the selected account (it can no longer sign in) or enable it again."""
        entry = self.selected()
        if entry is None:
            return False
        disable = not entry["disabled"]
        done = self.tr("Account %1 disabled.") if disable else self.tr("Account %1 enabled.")
        return self._apply(
            lambda name: accounts.set_disabled(self.context.db_path, self.context.account, name, disable), done
        )

    def unlock_selected(self) -> bool:
        """Unlock the selected account after too many failed sign-ins."""
        return self._apply(
            lambda name: accounts.unlock(self.context.db_path, self.context.account, name),
            self.tr("Account %1 unlocked."),
        )

    def set_password_selected(self) -> PasswordDialog | None:
        """Open the new-password dialog for the selected account (window-modal; returned for tests)."""
        entry = self.selected()
        if entry is None:
            return None
        dialog = PasswordDialog(self.context, entry["username"], own=False, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.password_changed.connect(
            lambda name: say(self.message, self.tr("New password set for %1.").replace("%1", name), ok=True)
        )
        dialog.open()
        return dialog

    def try_add(self) -> bool:
        try:
            account = accounts.create_user(
                self.context.db_path, self.username.text(), self.password.text(), self.role.currentData(),
                self.context.account,
            )  # fmt: skip
        except accounts.AccountError as error:
            say(self.message, account_error_text(str(error)), ok=False)
            return False
        say(self.message, self.tr("Account %1 created.").replace("%1", account.username), ok=True)
        self.username.clear()
        self.password.clear()
        self.refresh()
        return True


def notice_label() -> QLabel:
    """A word-wrapped label on the amber notice background.

    Why margins and not the ``banner`` style's padding: a wrapped label with style-sheet
    padding is given too little height and cuts its last line; contents margins count.
    """
    label = message_label(error=False)
    label.setStyleSheet("background:#fff4e0; border:1px solid #e8a200; border-radius:4px; color:#5a3d00;")
    label.setContentsMargins(8, 6, 8, 6)
    return label


class LockScreen(QWidget):
    """What the main window shows while locked: the signed-in account's password, or sign out.

    The core checks the password as at sign-in, so failures count towards the account's
    lock-out and are audited; the window underneath keeps running (a recording goes on).
    """

    unlocked = Signal(object)  # the account, as the core authenticated it again
    sign_out_requested = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.card = Card()
        self.card.setFixedWidth(540)  # a fixed width lets the wrapped texts take the height they need
        self.title = heading()
        self.who = message_label(error=False)
        self.recording_note = notice_label()
        self.recording_note.hide()
        self.password = password_field()
        self.password.returnPressed.connect(self.try_unlock)
        self.message = message_label()
        self.form = labelled_form(self.password)
        self.unlock_button = push_button(self.try_unlock, primary=True)
        self.sign_out_button = push_button(lambda: self.sign_out_requested.emit())
        for widget in (self.title, self.who, self.recording_note):
            self.card.body.addWidget(widget)
        self.card.body.addLayout(self.form)
        self.card.body.addWidget(self.message)
        self.card.body.addLayout(button_row(self.sign_out_button, self.unlock_button))
        centred = QHBoxLayout()  # stretches, not an alignment: an aligned item gets the height for the full width
        centred.addStretch(1)
        centred.addWidget(self.card)
        centred.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(centred)
        layout.addStretch(2)
        self.retranslate()

    def prepare(self, recording: bool) -> None:
        """Empty the form for a new lock; ``recording`` says a recording goes on underneath."""
        self.password.clear()
        self.message.clear()
        self.recording_note.setVisible(recording)
        self.retranslate()
        self.password.setFocus()

    def retranslate(self) -> None:
        username = self.context.account.username if self.context.account is not None else ""
        self.title.setText(self.tr("Screen locked"))
        self.who.setText(
            self.tr("%1 is signed in. Enter this account's password to continue, or sign out.").replace("%1", username)
        )
        self.recording_note.setText(self.tr("A recording is in progress: it continues while the screen is locked."))
        self.form.itemAt(0, QFormLayout.ItemRole.LabelRole).widget().setText(self.tr("Password"))
        self.unlock_button.setText(self.tr("Unlock"))
        self.sign_out_button.setText(self.tr("Sign out"))

    def changeEvent(self, event) -> None:  # noqa: N802
        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    def try_unlock(self) -> bool:
        """Check the password with the core; emit :attr:`unlocked` with the account on success."""
        account = self.context.account
        if account is None:
            return False
        try:
            again = accounts.authenticate(self.context.db_path, account.username, self.password.text())
        except accounts.AuthenticationFailed as error:
            code = accounts.sign_in_refusal(error)
            text = self.tr("Wrong password (or the account has been disabled).")
            self.message.setText(text if code == "sign_in" else account_error_text(code))
            self.password.clear()
            self.password.setFocus()
            return False
        self.password.clear()
        self.message.clear()
        self.unlocked.emit(again)
        return True
