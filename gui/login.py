"""Sign-in, the administrator's first-start account, and account creation."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui import accounts
from gui.context import AppContext
from gui.i18n import LANGUAGES
from gui.widgets import heading, is_language_change

__all__ = ["SignInDialog", "FirstAdminDialog", "AccountsDialog", "role_name", "account_error_text"]


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
    texts = {
        "user_name": QCoreApplication.translate(
            "Accounts", "Choose a user name without spaces (at most 64 characters)."
        ),
        "role": QCoreApplication.translate("Accounts", "Choose a role."),
        "password_short": QCoreApplication.translate("Accounts", "The password must have at least 8 characters."),
        "exists": QCoreApplication.translate("Accounts", "This user name is already taken."),
        "mismatch": QCoreApplication.translate("Accounts", "The two passwords differ."),
        "permission": QCoreApplication.translate("Accounts", "Only an administrator may create accounts."),
    }
    return texts.get(code, code)


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
        except accounts.AuthenticationFailed:
            self.message.setText(self.tr("Unknown user name or wrong password."))
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


class AccountsDialog(QDialog):
    """The administrator's list of accounts and a form to add one."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.title = heading()
        self.users = QListWidget()
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
        buttons = button_row(self.add, self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.users, 1)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(480, 460)
        self.retranslate()

    def refresh(self) -> None:
        self.users.clear()
        for account in accounts.list_users(self.context.db_path):
            self.users.addItem(f"{account.username} - {role_name(account.role)}")

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Accounts"))
        self.title.setText(self.tr("Accounts"))
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

    def try_add(self) -> bool:
        try:
            account = accounts.create_user(
                self.context.db_path, self.username.text(), self.password.text(), self.role.currentData(),
                self.context.operator,
            )  # fmt: skip
        except accounts.AccountError as error:
            self.message.setStyleSheet("color:#c5221f;")
            self.message.setText(account_error_text(str(error)))
            return False
        self.message.setStyleSheet("color:#1e8e3e;")
        self.message.setText(self.tr("Account %1 created.").replace("%1", account.username))
        self.username.clear()
        self.password.clear()
        self.refresh()
        return True
