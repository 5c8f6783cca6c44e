"""Recording commands: ``screen`` (a breath screening on a device), ``demo`` (the same on the built-in
emulator) and ``recover`` (emergency files back into their sessions).

The screening itself is the core's :class:`enose.screening.Screening`; this module adds the
protocol and risk-factor options, the progress bar on stderr, Ctrl-C handling and the summary.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import click

from enose.cli.auth import acting_user, user_option
from enose.cli.common import _check_integrity, _fail, _open_store, db_option, json_option, record_calibration
from enose.security.permissions import Permission, has_permission

__all__ = ["demo", "recover", "register", "run_screening", "screen"]


def default_model_dir() -> Path | None:
    """The model used when none is named (one rule for the CLI and the GUI: :func:`enose.model.default_model_dir`)."""
    from enose.model.artifact import default_model_dir as core_default

    return core_default()


def _protocol_options(fn):
    for option in reversed(
        [
            click.option("--baseline-s", type=float, default=60.0, show_default=True, help="Baseline duration (s)."),
            click.option("--breath-s", type=float, default=300.0, show_default=True, help="Breath duration (s)."),
            click.option("--purge-s", type=float, default=120.0, show_default=True, help="Purge duration (s)."),
            click.option("--period-ms", type=int, default=10, show_default=True, help="Sampling period (ms)."),
            click.option("--site", default=None, help="Study site code."),
            click.option(
                "--model",
                "model_dir",
                type=click.Path(file_okay=False),
                default=None,
                help="Risk model directory (default: ENOSE_MODEL, else the bundled demo model).",
            ),  # fmt: skip
        ]
    ):
        fn = option(fn)
    return fn


def _risk_factor_options(fn):
    """The subject's risk factors, as a clinician registers them (the model uses age, pack-years and COPD)."""
    for option in reversed(
        [
            click.option("--age", "age_years", type=click.IntRange(18, 110), default=None, help="Age, years."),
            click.option("--sex", type=click.Choice(["F", "M", "X"]), default=None, help="Sex."),
            click.option("--smoking", type=click.Choice(["never", "former", "current"]), default=None,
                         help="Smoking status."),  # fmt: skip
            click.option("--pack-years", type=click.FloatRange(0, 200), default=None, help="Smoking history."),
            click.option("--copd/--no-copd", default=None, help="Diagnosed COPD (default: not recorded)."),
        ]
    ):
        fn = option(fn)
    return fn


def risk_factors(age_years=None, sex=None, smoking=None, pack_years=None, copd=None) -> dict:
    """The risk factors given, checked for consistency (unknown ones stay unknown: the model imputes them)."""
    if smoking == "never" and pack_years:
        _fail(f"--smoking never contradicts --pack-years {pack_years:g}")
    if smoking == "never" and pack_years is None:
        pack_years = 0.0
    return {"age_years": age_years, "sex": sex, "smoking": smoking, "pack_years": pack_years,
            "copd": None if copd is None else int(copd)}  # fmt: skip


def run_screening(
    port: str,
    subject: str,
    db: str | None,
    *,
    baseline_s: float,
    breath_s: float,
    purge_s: float,
    period_ms: int,
    username: str | None,
    site: str | None,
    progress: bool,
    model_dir: str | None = None,
    risk: dict | None = None,
    user=None,
) -> dict:
    """Run the screening protocol on ``port`` through the core's :class:`enose.screening.Screening`
    and return the summary dictionary (the JSON of ``enose screen``).

    ``risk`` holds the subject's risk factors (:func:`risk_factors`); the ones given are recorded.
    """
    from enose.acquisition import ScreeningProtocol
    from enose.screening import Screening, ScreeningNotStarted

    try:
        protocol = ScreeningProtocol(baseline_s=baseline_s, breath_s=breath_s, purge_s=purge_s, period_ms=period_ms)
    except ValueError as error:
        _fail(str(error))
    with ExitStack() as stack:
        store = stack.enter_context(_open_store(db, create=True))
        _check_integrity(store)
        user = user or acting_user(store, username, Permission.RECORD_SESSION)
        _propose_recovery(store)
        bar = _ProgressBar() if progress else None
        if bar is not None:
            stack.callback(bar.close)
        screening = Screening(store, port, protocol, user, subject_code=subject, site=site, risk=risk,
                              model_dir=Path(model_dir) if model_dir else default_model_dir(),
                              on_progress=bar.update if bar else None)  # fmt: skip
        with _ctrl_c_aborts(screening):
            try:
                outcome = screening.run()  # a second Ctrl-C still raises KeyboardInterrupt: stored as aborted too
            except ScreeningNotStarted as error:
                _fail(str(error))
    return _summary(outcome)


def _summary(outcome) -> dict:
    """The outcome under the command line's JSON keys (stable for scripts that read them)."""
    summary = {
        "session_id": outcome.session_id,
        "status": outcome.status,
        "subject": outcome.subject_code,
        "device_serial": outcome.device_serial,
        "samples": outcome.n_samples,
        "lost_samples": outcome.lost_samples,
        "duplicates_dropped": outcome.duplicates,
        "interruptions": outcome.interruptions,
        "phases": outcome.phases,
        "link": outcome.link,
        "database": outcome.database,
        "operator": outcome.operator,
        "authenticated": outcome.authenticated,
        "software_version": outcome.software_version,
        "qc": outcome.qc,
        "score": _cli_score(outcome.score),
    }
    if outcome.error:
        summary["error"] = outcome.error.replace("aborted (ctrl-c)", "aborted by the operator (Ctrl-C)")
    if outcome.emergency_file:
        summary["emergency_file"] = outcome.emergency_file
    return summary


_SCORE_KEYS = ("probability", "interval", "zone", "zone_text", "model_id", "model_sha256", "ood", "explanation",
               "calibration_id", "processing_version", "software_version", "unit_in_training", "caution",
               "protocol_mismatch", "humidity_calibration", "no_zone")  # fmt: skip


def _cli_score(score: dict) -> dict:
    if not score.get("given"):
        return {k: score[k] for k in ("given", "zone", "reason") if k in score}
    return {"given": True, **{k: score[k] for k in _SCORE_KEYS if k in score}}


@contextmanager
def _ctrl_c_aborts(engine) -> Iterator[None]:  # engine: anything with abort(how), e.g. a Screening
    """While the engine runs, Ctrl-C asks it to stop at the next sample instead of raising mid-write.

    Why: a KeyboardInterrupt can land anywhere, even inside a database write; asking the engine
    lets it finish the session as ``aborted`` with every sample kept. The handler is one-shot:
    a second Ctrl-C raises at once (the engine still stores the session as ``aborted``).
    Signal handlers can only be set from the main thread; elsewhere Ctrl-C is left alone.
    """
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        yield  # no handler from other threads; and a process started with Ctrl-C ignored keeps ignoring it
        return

    def on_sigint(signum, frame) -> None:
        signal.signal(signal.SIGINT, previous)
        engine.abort("ctrl-c")

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class _ProgressBar:
    """Protocol progress on stderr: a tqdm bar per step on a terminal, one line per step otherwise."""

    def __init__(self) -> None:
        self._bar = None
        self._step = None
        self._tty = sys.stderr.isatty()

    def update(self, progress) -> None:
        from tqdm import tqdm

        if progress.step != self._step:
            self.close()
            self._step = progress.step
            total = round(progress.duration_s, 1) if progress.duration_s else None
            if not self._tty:
                length = f" ({total:g} s)" if total else ""
                click.echo(
                    f"{progress.step}{length}: {progress.n_samples} samples so far, link {progress.link}", err=True
                )
                return
            self._bar = tqdm(total=total, desc=f"{progress.step:>9}", unit="s", file=sys.stderr, leave=True,
                             mininterval=0.25, bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total_fmt} s {postfix}")  # fmt: skip
        if progress.storage_error and not self._tty:
            click.echo(f"DISK: {progress.storage_error} (samples kept in memory)", err=True)
        if self._bar is not None:
            self._bar.n = min(progress.elapsed_s, self._bar.total or progress.elapsed_s)
            warning = f", DISK: {progress.storage_error} (kept in memory)" if progress.storage_error else ""
            self._bar.set_postfix_str(
                f"samples {progress.n_samples}, lost {progress.lost_samples}, "
                f"interruptions {progress.interruptions}, link {progress.link}{warning}",
                refresh=False,
            )
            self._bar.update(0)  # redraws only when mininterval has passed

    def close(self) -> None:
        if self._bar is not None:
            self._bar.refresh()
            self._bar.close()
            self._bar = None


def _print_summary(summary: dict, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(summary, default=str))
        return
    click.echo(f"session {summary['session_id']}: {summary['status']}")
    click.echo(f"  subject {summary['subject']}, device {summary['device_serial']}")
    click.echo(
        f"  samples {summary['samples']}, lost {summary['lost_samples']}, interruptions {summary['interruptions']}"
    )
    qc = summary.get("qc")
    if qc is not None:
        click.echo(f"  quality: {'passed' if qc['passed'] else 'NOT passed'}")
        for reason in qc["reasons"]:
            click.echo(f"    - [{reason.get('severity')}] {reason.get('message', reason.get('code'))}")
    score = summary.get("score")
    if score is not None:
        if score.get("given"):
            low, high = score["interval"]
            click.echo(
                f"  result: {score.get('zone_text', score['zone'])} - estimated probability "
                f"{100 * score['probability']:.1f} % (interval {100 * low:.1f}-{100 * high:.1f} %)"
            )
            factors = score.get("explanation") or []
            if factors:
                click.echo("  main factors:")
                for factor in factors[:4]:
                    click.echo(f"    - {factor.get('text', factor.get('factor'))}")
            for reason in score.get("no_zone") or []:
                click.echo(f"  no zone (probability for the record only) because {reason['text']}")
            if score.get("caution"):
                click.echo(f"  caution: {score['caution']}")
            click.echo(
                f"  model {score['model_id']} (sha256 {str(score.get('model_sha256', ''))[:12]}), "
                f"processing {score.get('processing_version')}, software {score.get('software_version')}"
            )
        else:
            click.echo(f"  no risk score: {score.get('reason')}")
        click.echo("  This result supports a medical discussion; it is not a diagnosis.")
    if "error" in summary:
        click.echo(f"  error: {summary['error']}")
    if summary.get("authenticated") is False:
        click.echo(f"  recorded as {summary['operator']}: this database has no accounts (single-user mode; "
                   "`enose users add NAME --role admin` switches sign-in on)")  # fmt: skip
    click.echo(f"  database {summary['database']}")


@click.command()
@click.option("--port", required=True, help="Serial port of the device (e.g. /dev/ttyACM0 or the emulator's path).")
@click.option("--subject", required=True, help="Pseudonymous subject code, e.g. LIL-0042.")
@db_option
@user_option
@_protocol_options
@_risk_factor_options
@json_option
@click.option("--no-progress", is_flag=True, help="Do not draw a progress bar.")
def screen(port, subject, db, username, baseline_s, breath_s, purge_s, period_ms, site, model_dir, age_years, sex,
           smoking, pack_years, copd, as_json, no_progress) -> None:  # fmt: skip
    """Run a breath screening on a device and store the session.

    Risk factors that are not given stay unknown (the model then assumes its training cohort's median).

    Example: ``enose screen --port /dev/ttyACM0 --subject LIL-0042 --age 63 --smoking former --pack-years 30``
    """
    summary = run_screening(
        port, subject, db, baseline_s=baseline_s, breath_s=breath_s, purge_s=purge_s, period_ms=period_ms,
        username=username, site=site, progress=not no_progress, model_dir=model_dir,
        risk=risk_factors(age_years, sex, smoking, pack_years, copd),
    )  # fmt: skip
    _print_summary(summary, as_json)
    if summary["status"] != "complete":
        sys.exit(1)


@click.command()
@click.option("--speed", type=float, default=20.0, show_default=True, help="Emulator time acceleration.")
@click.option("--subject", default="DEMO-0001", show_default=True, help="Pseudonymous subject code.")
@click.option("--profile", type=click.Choice(["control", "cancer"]), default="control", show_default=True,
              help="Breath profile of the emulated subject.")  # fmt: skip
@db_option
@user_option
@_protocol_options
@_risk_factor_options
@json_option
@click.option("--no-progress", is_flag=True, help="Do not draw a progress bar.")
def demo(speed, subject, profile, db, username, baseline_s, breath_s, purge_s, period_ms, site, model_dir, age_years,
         sex, smoking, pack_years, copd, as_json, no_progress):  # fmt: skip
    """Start the built-in emulated device and run a full screening on it.

    As at a clinic, a device without a recent zero-air calibration with its humidity response
    is calibrated first (a technician's dry then humidified zero air), so the screening is
    judged and compensated against it. The emulated subject of either profile is a never
    smoker without COPD, and is registered so unless told otherwise.

    Example: ``enose demo`` (about 30 s at the default speed).
    """
    from enose.pipeline import humidity_in_force, zero_air_due
    from enose.storage.store import utc_now
    from firmware_protocol.emulator import EmulatorConfig, EmulatorServer

    config = EmulatorConfig(speed=speed, subject=profile)
    preset = config.subject_profile()  # what the emulated person is: the presets never smoked and have no COPD
    risk = risk_factors(age_years, sex, smoking or ("current" if preset.smoker else "never"), pack_years,
                        bool(preset.copd) if copd is None else copd)  # fmt: skip
    with EmulatorServer(config) as server:
        port = server.path
        if not as_json:
            click.echo(f"emulated device on {port} (speed x{speed:g}, {profile} breath profile)", err=True)
        calibration = None
        with _open_store(db, create=True) as store:
            user = acting_user(store, username, Permission.RECORD_SESSION)
            if zero_air_due(store, config.serial) or not humidity_in_force(store, config.serial, utc_now()).in_force:
                if not has_permission(user, Permission.CALIBRATE):
                    _fail(f"the emulated device {config.serial} needs a zero-air calibration first, and role "
                          f"{user.role} may not calibrate: a technician runs `enose demo` once (or `enose calibrate`)")
                _, _, outcome = record_calibration(store, port, "zero", user)
                calibration = {"kind": "zero", "passed": outcome["passed"], "calibration_id": outcome["record_id"]}
                if not as_json:
                    verdict = "passed" if outcome["passed"] else "FAILED"
                    click.echo(f"{config.serial} had no recent zero-air calibration with its humidity response: "
                               f"recorded one, {verdict} (record {outcome['record_id']})", err=True)  # fmt: skip
        summary = run_screening(
            port, subject, db, baseline_s=baseline_s, breath_s=breath_s, purge_s=purge_s, period_ms=period_ms,
            username=None, user=user, site=site, progress=not no_progress, model_dir=model_dir, risk=risk,
        )  # fmt: skip
    if calibration is not None:
        summary["calibration_before"] = calibration
    _print_summary(summary, as_json)
    if summary["status"] != "complete":
        sys.exit(1)


@click.command()
@db_option
@user_option
@click.option("--file", "files", multiple=True, type=click.Path(dir_okay=False, exists=True),
              help="An emergency file to import (repeatable; default: every one found for this database).")  # fmt: skip
@json_option
def recover(db, username, files, as_json) -> None:
    """Import emergency files (samples a full or broken disk kept out of the database) back into their sessions.

    Samples are appended to their session, an event records it, and each file moves to a
    ``recovered/`` folder beside it; a file that does not fit its session is left and reported.

    Example: ``enose recover``
    """
    from enose.security.access import recover_emergency_files

    with _open_store(db) as store:
        user = acting_user(store, username, Permission.RECORD_SESSION)
        outcomes = recover_emergency_files(store, user, [Path(f) for f in files] if files else None)
    if as_json:
        click.echo(json.dumps([o.as_dict() for o in outcomes]))
    elif not outcomes:
        click.echo("no emergency file to import")
    for outcome in outcomes if not as_json else []:
        if outcome.recovered:
            click.echo(f"{outcome.path}: {outcome.samples} samples appended to session {outcome.session_id} "
                       f"(file moved to {outcome.moved_to})")  # fmt: skip
        else:
            click.echo(f"{outcome.path}: NOT imported: {outcome.reason}")
    if any(not o.recovered for o in outcomes):
        sys.exit(1)


def _propose_recovery(store) -> None:
    """Say, at the start of a recording, that emergency files wait to be imported (never imports by itself)."""
    from enose.storage.recovery import emergency_files

    waiting = emergency_files(store.path)
    if waiting:
        click.echo(f"{len(waiting)} emergency file(s) of unsaved samples wait to be imported: run "
                   f"`enose recover --db {store.path}`", err=True)  # fmt: skip


def register(cli: click.Group) -> None:
    """Add ``screen``, ``demo`` and ``recover`` to the main command group."""
    for command in (screen, demo, recover):
        cli.add_command(command)
