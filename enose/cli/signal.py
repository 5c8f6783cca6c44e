"""Commands of the signal layer: ``qc``, ``features``, ``calibrate`` and ``drift``.

Thin wiring: the computing is in :mod:`enose.signal`, the storing in
:mod:`enose.storage.analysis`. Registered into the main ``enose`` group by
:func:`register`.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import click
import numpy as np

from enose.cli.auth import acting_user, user_option
from enose.cli.common import (
    SESSION_ID,
    _fail,
    _open_central,
    _open_store,
    central_insecure_option,
    central_option,
    record_calibration,
)
from enose.pipeline import calibrations_in_force, device_calibration, device_drift, session_qc
from enose.security.access import screening_sessions
from enose.security.permissions import Permission
from enose.storage.analysis import CalibrationRecord, json_numbers, load_features, save_features

__all__ = ["register"]


@click.command()
@click.option("--session", "session_id", type=SESSION_ID, required=True, help="Session id (`enose sessions list`).")
@click.option("--db", "db", type=click.Path(dir_okay=False), default=None, help="SQLite database file.")
@central_option
@central_insecure_option
@user_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def qc(session_id: int, db: str | None, central: str | None, insecure: bool, username: str | None,
       as_json: bool) -> None:  # fmt: skip
    """Run the quality gate on a recorded session and show every reason.

    With ``--central``, the verdict its site computed and synced (of this software's processing
    version) for the centre's session number (`enose sessions list --central`).

    Example: ``enose qc --session 3 --json``
    """
    from enose.storage import SessionNotFound

    if central is not None:
        from enose.research import CentralResearchError

        with _open_central(central, insecure, db=db) as source:
            try:
                verdict = source.qc(session_id)
            except CentralResearchError as error:
                _fail(str(error))
    else:
        with _open_store(db) as store:
            try:
                verdict = session_qc(store, session_id, acting_user(store, username))
            except SessionNotFound as error:
                _fail(f"{error}; see `enose sessions list`")
    if as_json:
        click.echo(json.dumps(verdict, default=str))
        return
    click.echo(f"session {session_id}: quality {'passed' if verdict['passed'] else 'NOT passed'}")
    for reason in verdict["reasons"]:
        click.echo(f"  [{reason['severity']}] {reason['code']}: {reason['message']}")
    if not verdict["reasons"]:
        click.echo("  no finding")


@click.command()
@click.option("--db", "db", type=click.Path(dir_okay=False), default=None, help="SQLite database file.")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="CSV file to write.")
@click.option("--all-statuses", is_flag=True, help="Include sessions that are not complete.")
@click.option("--drift-correct", is_flag=True,
              help="Divide responses by each device's calibration drift gain (cached under its own key).")  # fmt: skip
@click.option("--no-progress", is_flag=True, help="Do not draw a progress bar.")
@central_option
@central_insecure_option
@user_option
def features(db: str | None, out: str, all_statuses: bool, drift_correct: bool, no_progress: bool,
             central: str | None, insecure: bool, username: str | None) -> None:  # fmt: skip
    """Compute (or read from the cache) the feature table of every screening session.

    Sessions are processed in batches per channel layout; results are cached in
    the database under the processing version, so a second run is instant.
    With ``--central``, the pooled table of every site, assembled in the central
    database from the features the sites computed and synced (``session_id``: the
    centre's number; ``subject_code``: the study pseudonym; ``site``: the enrolled
    site); a session whose site sent none of this version is listed as skipped.

    Example: ``enose features --db clinic.db --out features.csv``
    """
    from tqdm import tqdm

    from enose.signal import PROCESSING_VERSION

    # The cache key says how the numbers were made: the model uses uncorrected features.
    version = f"{PROCESSING_VERSION}+drift" if drift_correct else PROCESSING_VERSION
    if central is not None:
        with _open_central(central, insecure, db=db) as source:
            table, rows, skipped = source.feature_table(version, all_statuses=all_statuses)
        _report_features(out, table, rows, skipped, version)
        return
    with _open_store(db) as store:
        rows = screening_sessions(store, acting_user(store, username), all_statuses=all_statuses)
        by_layout: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            by_layout[row["channels"]].append(row)
        table: list[tuple[dict, list[str], np.ndarray]] = []
        skipped: dict[int, str] = {}
        with tqdm(total=len(rows), desc="features", unit="session", file=sys.stderr, disable=no_progress) as bar:
            for group in by_layout.values():
                table += _layout_features(store, group, version, drift_correct, bar, skipped)
    _report_features(out, table, rows, skipped, version)


def _report_features(out: str, table: list[tuple[dict, list[str], np.ndarray]], rows: list[dict],
                     skipped: dict[int, str], version: str) -> None:  # fmt: skip
    """Name each skipped session on stderr, write the CSV, and say what was written."""
    for row in rows:
        if row["id"] in skipped:
            click.echo(f"skipped session {row['id']} ({row['status']}): {skipped[row['id']]}", err=True)
    _write_feature_csv(Path(out), table)
    note = f"; skipped {len(skipped)} session(s) that cannot be analysed (listed above)" if skipped else ""
    click.echo(f"wrote {len(table)} sessions x {len(_header_names(table))} features ({version}) to {out}{note}")


def _layout_features(store, group: list[dict], version: str, drift_correct: bool, bar,
                     skipped: dict[int, str]) -> list[tuple[dict, list[str], np.ndarray]]:  # fmt: skip
    """The feature rows of the sessions of one channel layout, from the cache or computed in batches of 64.

    A session that cannot be analysed is added to ``skipped`` (id -> reason) and left out.
    """
    names, cached = load_features(store, [r["id"] for r in group], version)
    bar.update(len(cached))
    todo = [r for r in group if r["id"] not in cached]
    names_of: dict[int, list[str]] = dict.fromkeys(cached, names)
    for start in range(0, len(todo), 64):
        batch = todo[start : start + 64]
        for session_id, (row_names, values) in _batch_or_each(store, batch, version, drift_correct, skipped).items():
            cached[session_id], names_of[session_id] = values, row_names
        bar.update(len(batch))
    return [(r, names_of[r["id"]], cached[r["id"]]) for r in group if r["id"] in cached]


def _batch_or_each(store, batch: list[dict], version: str, drift_correct: bool,
                   skipped: dict[int, str]) -> dict[int, tuple[list[str], np.ndarray]]:  # fmt: skip
    """Compute and cache one batch; if it fails, each of its sessions alone, so a bad session skips only itself.

    Why every exception: a batch over a clinical database must not be blocked by one session
    (aborted, still running, damaged or from an older version); the session and the reason are
    reported, so nothing is dropped silently, and it is not cached, so a fixed one comes back.
    """
    try:
        return _compute_and_cache(store, batch, version, drift_correct)
    except Exception as error:  # noqa: BLE001 - reported per session below
        if len(batch) == 1:
            skipped[batch[0]["id"]] = f"{type(error).__name__}: {error}"
            return {}
    found: dict[int, tuple[list[str], np.ndarray]] = {}
    for row in batch:
        found.update(_batch_or_each(store, [row], version, drift_correct, skipped))
    return found


def _compute_and_cache(store, batch: list[dict], version: str,
                       drift_correct: bool) -> dict[int, tuple[list[str], np.ndarray]]:  # fmt: skip
    from enose.signal import batch_features

    recordings = [store.load_recording(r["id"]) for r in batch]
    calib = [device_calibration(store, r["device_serial"]) for r in batch] if drift_correct else None
    # compensated with the humidity calibration in force when each session was recorded
    in_force = calibrations_in_force(store, recordings)
    matrix, names = batch_features(recordings, calibrations=calib, humidity_calibrations=in_force)
    save_features(store, [r["id"] for r in batch], version, names, matrix)
    return {r["id"]: (names, matrix[i]) for i, r in enumerate(batch)}


def _header_names(table: list[tuple[dict, list[str], np.ndarray]]) -> list[str]:
    return sorted({n for _, names, _ in table for n in names}, key=lambda n: (n.split(".")[0], n))


def _write_feature_csv(target: Path, table: list[tuple[dict, list[str], np.ndarray]]) -> None:
    """One row per session; a feature a layout does not have is an empty cell. Owner-only: it holds study data."""
    header_names = _header_names(table)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["session_id", "subject_code", "device_serial", "site", *header_names])
        for row, names, values in table:
            by_name = dict(zip(names, values.tolist(), strict=True))
            writer.writerow([row["id"], row["subject_code"], row["device_serial"], row["site"],
                             *[by_name.get(n, "") for n in header_names]])  # fmt: skip


@click.command()
@click.option("--port", required=True, help="Serial port of the device.")
@click.option("--kind", type=click.Choice(["zero", "reference"]), required=True, help="Zero air or reference gas.")
@click.option("--db", "db", type=click.Path(dir_okay=False), default=None, help="SQLite database file.")
@user_option
@click.option("--tolerance", type=float, default=0.2, show_default=True,
              help="Relative tolerance of the reference check (0.2 = +/-20 %).")  # fmt: skip
@click.option("--zero-s", type=float, default=60.0, show_default=True, help="Zero-air duration (s).")
@click.option("--humid-s", type=float, default=60.0, show_default=True,
              help="Humidified zero-air duration after the dry zero air (s; --kind zero; 0 skips it).")  # fmt: skip
@click.option("--reference-s", type=float, default=60.0, show_default=True, help="Reference-gas duration (s).")
@click.option("--recovery-s", type=float, default=30.0, show_default=True, help="Recovery duration (s).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def calibrate(port, kind, db, username, tolerance, zero_s, humid_s, reference_s, recovery_s, as_json) -> None:
    """Record a zero-air baseline or a reference-gas check and store it with pass or fail.

    ``--kind zero`` records dry zero air, then humidified zero air (ICD revision 1.1), and
    stores each gas sensor's zero-air resistance and humidity sensitivity; a sensor whose
    humidity response is implausible fails. A device whose firmware has no humidifier
    still gets its dry calibration, marked "humidity not measured" (its screenings then
    get no risk zone). The first reference check of a device commissions it (its
    responses become the expected values); later checks pass when every channel is
    within the tolerance of them.

    Example: ``enose calibrate --port /dev/ttyACM0 --kind reference --tolerance 0.2``
    """
    with _open_store(db, create=True) as store:
        user = acting_user(store, username, Permission.CALIBRATE)
        result, serial, outcome = record_calibration(store, port, kind, user, tolerance=tolerance, zero_s=zero_s,
                                                     humid_s=humid_s, reference_s=reference_s,
                                                     recovery_s=recovery_s)  # fmt: skip
    if outcome["error"]:
        _fail(f"the calibration recording could not be analysed: {outcome['error']}")
    record_id, passed, detail = outcome["record_id"], outcome["passed"], outcome["detail"]
    channels, values = outcome["channels"], np.array([np.nan if v is None else v for v in outcome["values"]])
    summary = {"calibration_id": record_id, "device_serial": serial, "kind": kind, "passed": passed,
               "channels": list(channels), "values": json_numbers(values),
               "detail": detail, "session_id": result.session_id}  # fmt: skip
    if as_json:
        click.echo(json.dumps(summary, default=str))
    else:
        verdict = "PASS" if passed else "FAIL"
        click.echo(f"{kind} calibration of {serial}: {verdict} (record {record_id}, session {result.session_id})")
        humidity = detail.get("humidity") or {}
        if humidity:
            click.echo(_humidity_headline(humidity))
        for i, name in enumerate(channels):
            extra = ""
            if "deviation" in detail and detail["deviation"][i] is not None:
                extra = f"  response deviation {100 * detail['deviation'][i]:+.1f} %"
            elif "assessable" in detail and not detail["assessable"][i]:
                extra = "  not assessable (the reference gas barely moves this sensor)"
            extra += _humidity_cell(humidity, i)
            click.echo(f"  {name:>8}: {values[i]:.6g}{extra}")
    if not passed:
        sys.exit(1)


_HUMIDITY_REASON_WORDS = {
    "humidity_step_too_small": "the humidified step was too small to measure",
    "no_signal": "no signal",
    "humidity_response_too_low": "humidity response implausibly low",
    "humidity_response_too_high": "humidity response implausibly high",
}


def _humidity_headline(humidity: dict) -> str:
    if humidity["status"] == "not_measured":
        return f"  humidity response NOT MEASURED: {humidity.get('reason')}; screenings on this unit get no risk zone"
    limits = humidity["limits"]
    return (f"  humidity response {humidity['status']}: dry {humidity['rh_dry_pct']:.0f} % RH -> humidified "
            f"{humidity['rh_humid_pct']:.0f} % RH; plausible sensitivity {limits['min_sensitivity_per_pct']:g}-"
            f"{limits['max_sensitivity_per_pct']:g} per % RH")  # fmt: skip


def _humidity_cell(humidity: dict, i: int) -> str:
    values = humidity.get("sensitivity_per_pct")
    if not values:
        return ""
    value, reason = values[i], humidity["per_channel_reason"][i]
    text = "-" if value is None else f"{value:.4f}"
    return f"  humidity {text} per % RH" + (f" FAIL: {_HUMIDITY_REASON_WORDS.get(reason, reason)}" if reason else "")


@click.command()
@click.option("--device", "serial", required=True, help="Device serial number.")
@click.option("--db", "db", type=click.Path(dir_okay=False), default=None, help="SQLite database file.")
@click.option("--plot", type=click.Path(dir_okay=False), default=None, help="Also write the control chart as PNG.")
@user_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def drift(serial: str, db: str | None, plot: str | None, username: str | None, as_json: bool) -> None:
    """Show a device's calibration history as EWMA control charts and whether recalibration is due.

    Example: ``enose drift --device EMU-000001 --plot drift.png``
    """
    with _open_store(db) as store:
        acting_user(store, username, Permission.CALIBRATE)  # drift charts are the technician's tool
        history = device_drift(store, serial)
    if history is None:
        _fail(f"device {serial} has no passing zero-air calibration yet; run `enose calibrate --kind zero`")
    channels, zeros, refs, age_days, status = (list(history.channels), history.zeros, history.references,
                                              history.age_days, history.status)  # fmt: skip
    summary = {"device_serial": serial, "recalibration_due": status.recalibration_due, "reasons": list(status.reasons),
               "age_days": round(age_days, 2), "channels": channels, "n_zero": len(zeros), "n_reference": len(refs),
               "channels_out_of_control": [c for c, out in zip(channels, status.channels_out, strict=True) if out],
               "latest_zero_ohm": json_numbers(zeros[-1].values), "n_humidity": len(history.humidity_records),
               "latest_humidity_per_pct": None if history.humidity is None else json_numbers(history.humidity[-1])}  # fmt: skip
    if plot:
        _plot_drift(Path(plot), serial, channels, zeros, status)
        summary["plot"] = plot
    if as_json:
        click.echo(json.dumps(summary, default=str))
        return
    due = "RECALIBRATION DUE" if status.recalibration_due else "in control"
    click.echo(f"device {serial}: {due}; {len(zeros)} zero-air and {len(refs)} reference records, "
               f"newest {age_days:.1f} days old")  # fmt: skip
    for reason in status.reasons:
        click.echo(f"  reason: {reason}")
    chart = status.baseline_chart
    for i, name in enumerate(channels):
        value = zeros[-1].values[i]
        limits = ""
        if chart is not None and np.isfinite(chart.center[i]):
            limits = f"  EWMA limits {np.exp(chart.lower[i]):.4g}..{np.exp(chart.upper[i]):.4g} ohm"
        flag = "  OUT" if status.channels_out[i] else ""
        humidity = "" if history.humidity is None else f", humidity {history.humidity[-1, i]:.4f} per % RH"
        click.echo(f"  {name:>8}: zero air {value if value is None else f'{value:.4g}'} ohm{humidity}{limits}{flag}")
    if history.humidity is None:
        click.echo("  no humidity response measured yet: screenings on this unit get no risk zone")


def _plot_drift(path: Path, serial: str, channels: list[str], zeros: list[CalibrationRecord], status) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    times = [datetime.fromisoformat(r.created_at) for r in zeros]
    values = np.array([[np.nan if v is None else v for v in r.values] for r in zeros], dtype=float)
    fig, ax = plt.subplots(figsize=(9, 4.5), dpi=110)
    chart = status.baseline_chart
    for i, name in enumerate(channels):
        line = ax.plot(times, values[:, i], marker="o", ms=3, label=name)[0]
        if chart is not None and np.isfinite(chart.center[i]):
            ax.plot(times, np.exp(chart.ewma[:, i]), color=line.get_color(), lw=0.8, ls="--")
    ax.set_yscale("log")
    ax.set_ylabel("zero-air resistance (ohm)")
    title = "recalibration due" if status.recalibration_due else "in control"
    ax.set_title(f"{serial}: zero-air baselines and EWMA ({title})")
    ax.legend(ncol=4, fontsize=7)
    fig.autofmt_xdate()
    fig.tight_layout()
    from enose.storage.private_files import open_private

    with open_private(path) as handle:  # a device's history is clinical-site data: owner-only
        fig.savefig(handle, format="png")
    plt.close(fig)


def register(cli: click.Group) -> None:
    for command in (qc, features, calibrate, drift):
        cli.add_command(command)
