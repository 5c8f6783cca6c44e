"""Account protection in the app: disabling, lock-out and unlocking, passwords, and the idle lock.

Real offscreen windows over a real SQLite database; the core decides, the screens
only say what it decided. Failed sign-ins are throttled by ``time.sleep`` in the
core, switched off here.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from enose.security import accounts as core_accounts
from enose.storage import Store
from gui import accounts
from gui.app import Shell
from gui.login import AccountsDialog, SignInDialog, account_error_text

from .conftest import PASSWORD, open_workspace

LEFT = Qt.MouseButton.LeftButton
NEW_PASSWORD = "saffron-glacier-bicycle-41"
WRONG = "not-the-password-at-all"
LOCKED_TEXT = (
    "This account is locked for 15 minutes after too many failed sign-ins; an administrator can unlock it sooner."
)


@pytest.fixture(autouse=True)
def _no_throttle(monkeypatch):
    monkeypatch.setattr(core_accounts, "THROTTLE_BASE_S", 0.0)


@pytest.fixture
def staff(gui_context):
    """The administrator (first start), then a clinician and a technician created by that administrator."""
    accounts.create_user(gui_context.db_path, "admin", PASSWORD, "admin", "first-start")
    admin = accounts.Account("admin", "admin")
    for name, role in (("claire", "clinician"), ("theo", "technician")):
        accounts.create_user(gui_context.db_path, name, PASSWORD, role, admin)
    return gui_context


def sign_in_dialog(qtbot, context, username: str, password: str, workspace: str = "clinician") -> SignInDialog:
    """A sign-in dialog that has just tried ``username``/``password`` (the context's account is left alone)."""
    dialog = SignInDialog(context)
    qtbot.addWidget(dialog)
    dialog.username.setText(username)
    dialog.password.setText(password)
    dialog.workspace.setCurrentIndex(dialog.workspace.findData(workspace))
    dialog.try_sign_in()
    return dialog


def can_sign_in(qtbot, context, username: str, password: str, workspace: str = "clinician") -> bool:
    """Whether the sign-in dialog accepts the pair, without changing who the context says is signed in."""
    before = context.account, context.workspace
    dialog = sign_in_dialog(qtbot, context, username, password, workspace)
    ok = dialog.result() == SignInDialog.DialogCode.Accepted
    context.account, context.workspace = before
    return ok


def accounts_dialog(qtbot, context) -> AccountsDialog:
    window = open_workspace(qtbot, context, "admin", "researcher")
    assert window.admin_menu.menuAction().isVisible()
    dialog = window.show_accounts()
    assert dialog.isVisible()
    return dialog


def state_of(dialog: AccountsDialog, username: str) -> str:
    row = [entry["username"] for entry in dialog.entries].index(username)
    return dialog.table.item(row, 2).text()


def audit_actions(context, action_prefix: str) -> list[tuple[str, str, str]]:
    with Store.open(context.db_path) as store:
        rows = store.conn.execute(
            "SELECT actor, action, object_id FROM audit_log WHERE action LIKE ? ORDER BY id", (action_prefix + "%",)
        ).fetchall()
    return [tuple(row) for row in rows]


def test_admin_disables_an_account_which_then_cannot_sign_in(qtbot, staff):
    dialog = accounts_dialog(qtbot, staff)
    assert not dialog.toggle_button.isEnabled()  # nothing selected yet
    assert dialog.select("claire")
    assert state_of(dialog, "claire") == "Active" and dialog.toggle_button.text() == "Disable"
    qtbot.mouseClick(dialog.toggle_button, LEFT)
    assert dialog.message.text() == "Account claire disabled."
    assert state_of(dialog, "claire") == "Disabled" and dialog.toggle_button.text() == "Enable"
    refused = sign_in_dialog(qtbot, staff, "claire", PASSWORD)
    assert refused.message.text() == "Unknown user name or wrong password."  # never says "disabled"
    assert refused.result() != SignInDialog.DialogCode.Accepted
    # The last enabled administrator cannot be disabled: the core refuses, the dialog says why.
    dialog.select("admin")
    qtbot.mouseClick(dialog.toggle_button, LEFT)
    assert dialog.message.text() == account_error_text("last_admin")
    assert "last active administrator" in dialog.message.text()
    # Enabled again, the account signs in.
    dialog.select("claire")
    qtbot.mouseClick(dialog.toggle_button, LEFT)
    assert state_of(dialog, "claire") == "Active"
    assert can_sign_in(qtbot, staff, "claire", PASSWORD)
    dialog.close()


def test_five_wrong_passwords_lock_the_account_until_an_admin_unlocks_it(qtbot, staff):
    for _ in range(core_accounts.MAX_FAILED_ATTEMPTS):
        dialog = sign_in_dialog(qtbot, staff, "claire", WRONG)
        assert dialog.message.text() == "Unknown user name or wrong password."
    # Now even the right password is refused, and the dialog says why.
    dialog = sign_in_dialog(qtbot, staff, "claire", PASSWORD)
    assert dialog.message.text() == LOCKED_TEXT
    assert dialog.result() != SignInDialog.DialogCode.Accepted and staff.account is None
    admin = accounts_dialog(qtbot, staff)
    admin.select("claire")
    assert state_of(admin, "claire") == "Locked"
    assert admin.unlock_button.isEnabled()
    qtbot.mouseClick(admin.unlock_button, LEFT)
    assert admin.message.text() == "Account claire unlocked."
    assert state_of(admin, "claire") == "Active" and not admin.unlock_button.isEnabled()
    assert can_sign_in(qtbot, staff, "claire", PASSWORD)
    admin.close()


def test_a_user_changes_their_own_password_from_the_main_window(qtbot, staff):
    window = open_workspace(qtbot, staff, "theo", "technician")
    dialog = window.change_password()
    assert dialog.isVisible() and dialog.current.isVisible()
    dialog.current.setText(WRONG)
    dialog.new.setText(NEW_PASSWORD)
    dialog.confirm.setText(NEW_PASSWORD)
    qtbot.mouseClick(dialog.change, LEFT)
    assert dialog.message.text() == "The current password is wrong; nothing was changed."
    assert dialog.isVisible() and dialog.current.text() == ""
    dialog.current.setText(PASSWORD)
    with qtbot.waitSignal(dialog.password_changed):
        qtbot.mouseClick(dialog.change, LEFT)
    assert window.statusBar().currentMessage() == "Your password was changed."
    window.close()
    assert not can_sign_in(qtbot, staff, "theo", PASSWORD, "technician")
    assert can_sign_in(qtbot, staff, "theo", NEW_PASSWORD, "technician")


def test_a_weak_password_is_refused_with_the_reason_in_words(qtbot, staff):
    window = open_workspace(qtbot, staff, "claire", "clinician")
    dialog = window.change_password()
    for new, confirm, words in [
        ("short-pw", "short-pw", "The password must have at least 12 characters."),
        ("passwordpassword", "passwordpassword", "too easy to guess"),
        ("abcdefgh1234", "abcdefgh1234", "too easy to guess"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "The two passwords differ."),
    ]:
        dialog.current.setText(PASSWORD)
        dialog.new.setText(new)
        dialog.confirm.setText(confirm)
        assert not dialog.try_change()
        assert words in dialog.message.text() and dialog.isVisible(), new
    dialog.close()
    window.close()
    assert can_sign_in(qtbot, staff, "claire", PASSWORD)


def test_admin_sets_another_accounts_password(qtbot, staff):
    admin = accounts_dialog(qtbot, staff)
    admin.select("claire")
    dialog = admin.set_password_selected()
    assert dialog.isVisible() and not dialog.current.isVisibleTo(dialog)  # no current password asked
    dialog.new.setText("claire12345678")
    dialog.confirm.setText("claire12345678")
    assert not dialog.try_change()
    assert "too easy to guess" in dialog.message.text()
    dialog.new.setText(NEW_PASSWORD)
    dialog.confirm.setText(NEW_PASSWORD)
    with qtbot.waitSignal(dialog.password_changed):
        qtbot.mouseClick(dialog.change, LEFT)
    assert admin.message.text() == "New password set for claire."
    admin.close()
    assert can_sign_in(qtbot, staff, "claire", NEW_PASSWORD)
    assert not can_sign_in(qtbot, staff, "claire", PASSWORD)


def test_idle_lock_hides_the_workspace_until_the_same_password(qtbot, staff):
    staff.settings.setValue("security/idle_lock_minutes", 0.01)  # 600 ms
    window = open_workspace(qtbot, staff, "claire", "clinician")
    assert window.idle.timer.interval() == 600 and not window.locked
    password_dialog = window.change_password()  # left open: the lock must close it
    with qtbot.waitSignal(window.screen_locked, timeout=10_000):
        pass
    assert window.locked
    assert not window.content.isVisible() and not window.tabs.isVisible()
    assert window.lock_screen.isVisible() and not window.menuBar().isEnabled()
    assert not password_dialog.isVisible()
    assert "claire is signed in" in window.lock_screen.who.text()
    assert audit_actions(staff, "screen_") == [("claire", "screen_locked", "claire")]
    # A wrong password does not unlock (and counts as a failed sign-in in the core).
    window.lock_screen.password.setText(WRONG)
    qtbot.mouseClick(window.lock_screen.unlock_button, LEFT)
    assert window.locked and not window.content.isVisible()
    assert window.lock_screen.message.text() == "Wrong password (or the account has been disabled)."
    assert window.lock_screen.password.text() == ""
    # The account's own password does.
    window.lock_screen.password.setText(PASSWORD)
    with qtbot.waitSignal(window.screen_unlocked, timeout=5000):
        qtbot.mouseClick(window.lock_screen.unlock_button, LEFT)
    assert not window.locked and window.content.isVisible() and window.menuBar().isEnabled()
    assert audit_actions(staff, "screen_")[-1] == ("claire", "screen_unlocked", "claire")
    assert window.idle.timer.isActive()  # watching again
    window.close()


def test_sign_out_from_the_lock_screen(qtbot, staff):
    window = open_workspace(qtbot, staff, "claire", "clinician")
    window.lock_action.trigger()
    assert window.locked
    with qtbot.waitSignal(window.signed_out):
        qtbot.mouseClick(window.lock_screen.sign_out_button, LEFT)
    shell: Shell = window._shell
    assert staff.account is None and shell.sign_in.isVisible()
    qtbot.addWidget(shell.sign_in)


def test_a_recording_goes_on_under_the_lock(qtbot, staff):
    from .test_clinician import fill_subject, tick_checklist

    window = open_workspace(qtbot, staff, "claire", "clinician")
    wizard = window.screens["screening"]
    fill_subject(qtbot, wizard, "LIL-0077")
    qtbot.mouseClick(wizard.next_button, LEFT)
    tick_checklist(qtbot, wizard)
    with qtbot.waitSignal(wizard.screening_finished, timeout=60_000) as finished:
        qtbot.mouseClick(wizard.next_button, LEFT)
        qtbot.waitUntil(lambda: wizard.recording_page.plot.frames > 0, timeout=30_000)
        window.lock()
        assert window.locked and window.lock_screen.recording_note.isVisible()
    assert finished.args[0].status == "complete"
    assert window.locked and not wizard.isVisible()  # the result waits behind the lock
    window.lock_screen.password.setText(PASSWORD)
    assert window.lock_screen.try_unlock()
    assert wizard.isVisible() and wizard.pages.currentIndex() == 3
    window.close()


def test_the_locked_message_is_translated(qtbot, staff):
    for _ in range(core_accounts.MAX_FAILED_ATTEMPTS):
        sign_in_dialog(qtbot, staff, "theo", WRONG)
    staff.languages.set_language("fr")
    dialog = sign_in_dialog(qtbot, staff, "theo", PASSWORD, "technician")
    assert dialog.message.text() == account_error_text("locked") != LOCKED_TEXT
    assert "administrateur" in dialog.message.text() and "15 minutes" in dialog.message.text()


def test_keyboard_and_mouse_input_restart_the_idle_countdown(qtbot, staff):
    from PySide6.QtWidgets import QLineEdit

    from gui.mainwindow import IdleWatcher

    watcher = IdleWatcher(60_000)
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    watcher.start()
    try:
        watcher.timer.stop()  # stands for "the countdown ran": only input may start it again
        field.setText("no input event")
        field.update()
        qtbot.waitExposed(field)
        assert not watcher.timer.isActive()
        qtbot.keyClick(field, Qt.Key.Key_A)
        assert watcher.timer.isActive()
        watcher.timer.stop()
        qtbot.mouseClick(field, LEFT)
        assert watcher.timer.isActive()
    finally:
        watcher.stop()
    watcher.timer.stop()
    qtbot.keyClick(field, Qt.Key.Key_B)
    assert not watcher.timer.isActive()  # stopped watchers no longer listen
