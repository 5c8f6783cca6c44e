"""What the ``enose`` commands share: the one error exit, the one way to open the database,
the common options, and the helpers two command groups use.

The lowest layer of :mod:`enose.cli`: it imports nothing else of the command line, and every
command module (and :mod:`enose.cli.auth`) imports from it. A helper only one command group
uses lives in that group's module.
"""

from __future__ import annotations

import sys
from contextlib import ExitStack

import click

from enose.pipeline import REFERENCE_TOLERANCE, calibrate_session
from enose.storage.store import MAX_ROW_ID

#: A session id: a SQLite row id, so one beyond its range is refused here (sqlite3 raises OverflowError).
SESSION_ID = click.IntRange(1, MAX_ROW_ID)

#: Exit statuses: the work was tried and failed (sync, bundle import, central), a usage or input
#: error (what to do is in the message), a role the core refuses.
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_DENIED = 3

#: The advice of the sync, bundle, audit, users and ``export study`` commands for a missing database,
#: given with or without --db (``_open_store``'s own advice without --db: nothing recorded yet).
CHECK_DB = "check --db"

db_option = click.option("--db", "db", type=click.Path(dir_okay=False), default=None,
                         help="SQLite database file (default: the per-user data directory).")  # fmt: skip
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
progress_option = click.option("--no-progress", is_flag=True, help="Do not draw a progress bar.")
dsn_option = click.option("--to", "dsn", envvar="ENOSE_CENTRAL_DSN", default=None, metavar="DSN",
                          help="Central database, e.g. postgresql://user@host/study (env ENOSE_CENTRAL_DSN).")  # fmt: skip
insecure_option = click.option("--insecure", is_flag=True,
                               help="Allow a remote DSN's sslmode weaker than verify-full (logged and recorded in the "
                                    "audit trail).")  # fmt: skip
#: ``--central [DSN]``: read the central study database (as a researcher) instead of a site's SQLite file. A bare
#: ``--central`` takes the DSN from ENOSE_CENTRAL_DSN; the variable alone never turns a command central (a site sets
#: it for ``enose sync``, and its own ``sessions list`` must stay its own).
central_option = click.option("--central", "central", is_flag=False, flag_value="", default=None, metavar="DSN",
                              help="Read the central study database instead of --db (researcher role, read-only; "
                                   "bare --central: the DSN in ENOSE_CENTRAL_DSN).")  # fmt: skip
central_insecure_option = click.option("--insecure", is_flag=True,
                                       help="With --central: allow a remote DSN's sslmode weaker than verify-full "
                                            "(logged).")  # fmt: skip


def _fail(message: str, code: int = EXIT_USAGE) -> None:
    """Print ``error: message`` on stderr and exit with ``code`` (never returns)."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _open_store(db: str | None, *, create: bool = False, missing_hint: str | None = None):
    """The database named by ``--db`` (else the default one).

    Only commands that record or that may start an installation (``screen``, ``demo``,
    ``calibrate``, ``users add``, ``bundle import``) pass ``create=True``: a command that reads
    refuses a missing file, so a mistyped ``--db`` is an error and not a new empty database
    that looks like "no sessions". ``missing_hint`` replaces the advice given for a missing file.
    """
    from enose.storage import DatabaseMissing, StorageError, Store

    try:
        return Store.open(db, create=create)
    except DatabaseMissing as error:
        hint = missing_hint or ("check --db" if db else "nothing has been recorded here yet (try `enose demo`)")
        _fail(f"{error} (a command that only reads creates none): {hint}")
    except StorageError as error:
        _fail(str(error))


def _open_central(central: str, insecure: bool = False, *, db: str | None = None):
    """The central study database of ``--central`` (:class:`enose.research.CentralSource`), read-only.

    Refuses ``--db`` beside it (one source per command) and a bare ``--central`` without
    ENOSE_CENTRAL_DSN; an unreachable database or a role that is not a researcher exits with status 1.
    """
    import os

    from enose.research import CentralResearchError, CentralSource

    if db:
        _fail("give either --db (a site's database) or --central (the central study database), not both")
    dsn = central or os.environ.get("ENOSE_CENTRAL_DSN")
    if not dsn:
        _fail("--central needs the central database's address: --central postgresql://user@host/study, or set "
              "ENOSE_CENTRAL_DSN")  # fmt: skip
    try:
        return CentralSource.open(dsn, insecure=insecure)
    except CentralResearchError as error:
        _fail(str(error), code=EXIT_FAILED)


def _check_integrity(store) -> None:
    """Refuse a damaged database before a recording starts (a person must not breathe for a file that
    cannot keep the result); closes the store and exits with the message when it is damaged."""
    from enose.storage import StorageError

    try:
        store.check_integrity()
    except StorageError as error:
        store.close()
        _fail(str(error))


def connect_failure(error: Exception) -> str:
    """The one-line message for a device that could not be connected, with what to do about it."""
    from enose.acquisition import PortBusy

    if isinstance(error, PortBusy):
        return f"{error}; wait for it to finish (or close it), then start again. Nothing was recorded."
    return f"{error}. Check the cable and the port (`enose devices`)."


def record_calibration(store, port: str, kind: str, user, *, tolerance: float = REFERENCE_TOLERANCE,
                       zero_s: float = 60.0, humid_s: float = 60.0, reference_s: float = 60.0,
                       recovery_s: float = 30.0):  # fmt: skip
    """Record a calibration on the device at ``port`` and judge it: ``(recording result, serial, outcome)``.

    Used by ``enose calibrate`` and by ``enose demo`` (which calibrates the emulated device first).
    Exits with a clear message (status 2) when the device cannot be reached or the recording does
    not complete; nothing is stored as a calibration then.
    """
    from enose.acquisition import Acquisition, CalibrationProtocol, DeviceError, ProtocolRefused, ScreeningEngine

    _check_integrity(store)
    try:
        protocol = CalibrationProtocol(kind, zero_s=zero_s, humid_s=humid_s, reference_s=reference_s,
                                       recovery_s=recovery_s)  # fmt: skip
    except ValueError as error:
        _fail(str(error))
    with ExitStack() as stack:
        acquisition = Acquisition(port)
        try:
            acquisition.connect()
        except DeviceError as error:
            _fail(connect_failure(error))
        stack.callback(acquisition.close)
        try:
            result = ScreeningEngine(acquisition, store, protocol, user=user, kind="calibration").run()
        except ProtocolRefused as error:
            _fail(str(error))
        serial = acquisition.info.serial
    if result.status != "complete":
        _fail(f"the calibration recording is {result.status} ({result.error}); nothing was stored")
    return result, serial, calibrate_session(store, result.session_id, kind, user, tolerance)
