"""Risk-model commands of the ``enose`` CLI: ``cohort``, ``train``, ``evaluate``, ``score``.

Thin wiring to :mod:`enose.model`; :mod:`enose.cli` adds them with :func:`register`.
Every command prints a human summary, or one JSON object with ``--json``;
errors exit with status 2 and say what to do.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, fields, replace
from pathlib import Path

import click

from enose.cli.auth import acting_user, user_option
from enose.cli.common import SESSION_ID, _fail, _open_central, central_insecure_option, central_option, json_option

__all__ = ["register", "cohort", "train", "evaluate", "score"]


def _json(obj: dict) -> None:
    click.echo(json.dumps(obj, default=float))


#: These commands word ``--no-progress`` their own way (the others: "Do not draw a progress bar.").
progress_option = click.option("--no-progress", is_flag=True, help="No progress bar on stderr.")


ci_rounds_option = click.option(
    "--ci-rounds",
    type=click.IntRange(50, 10_000),
    default=1000,
    show_default=True,
    help="Bootstrap rounds for confidence intervals.",
)


@dataclass(frozen=True)
class DataSource:
    """Where ``train`` and ``evaluate`` read labelled data: recorded sessions (``db``) or a researcher's table."""

    db: str | None
    features_csv: str | None
    label: str | None
    group: str | None
    clinical: str | None
    feature_columns: str | None
    exclude: str | None
    sep: str
    time: str | None
    username: str | None = None
    central: str | None = None
    insecure: bool = False


def _data_source_options(fn):
    """Add the data options (``--db``, ``--central`` or ``--features`` and its columns); the command receives one
    ``source``."""
    options = [
        click.option("--db", default=None, type=click.Path(dir_okay=False, exists=True),
                     help="Database of labelled sessions."),
        central_option,
        central_insecure_option,
        click.option("--features", "features_csv", type=click.Path(dir_okay=False), default=None,
                     help="External feature table (CSV, one row per sample) instead of --db."),
        click.option("--label", default=None, help="Label column of --features (1/0, yes/no)."),
        click.option("--group", default=None, help="Subject column of --features (rows of a subject stay in one fold)."),
        click.option("--clinical", default=None,
                     help="Comma-separated clinical columns (table) or variables (database: age_years,pack_years,copd,"
                          "previous_cancer,sex_male,smoking_current)."),
        click.option("--feature-columns", default=None, help="Feature columns of --features: names or globs, e.g. 'S*_T*'."),
        click.option("--exclude", default=None, help="Columns of --features to leave out of the default feature set."),
        click.option("--sep", default=",", show_default=True, help="Field separator of --features (e.g. ';')."),
        click.option("--user", "username", envvar="ENOSE_USER", default=None,
                     help="Account reading the --db labels (env ENOSE_USER; see `enose login`)."),
        click.option("--time", default=None,
                     help="Column of --features saying when each row was recorded (number or ISO date), for the "
                          "confounding audit (default: the row order)."),
    ]  # fmt: skip

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        source = DataSource(**{f.name: kwargs.pop(f.name) for f in fields(DataSource)})
        return fn(*args, source=source, **kwargs)

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def _load_dataset(source: DataSource, progress: bool, clinical_default=()):
    """``(dataset, flow, provenance)``: provenance (:meth:`enose.research.CentralSource.training_data`) with --central,
    else None."""
    from enose.model import TableError, read_feature_table

    given = [source.db is not None, source.features_csv is not None, source.central is not None]
    if sum(given) != 1:
        _fail("give exactly one of --db (recorded sessions), --central (the central study database) or --features "
              "(a CSV table)")  # fmt: skip
    if source.features_csv is not None:
        if not source.label:
            _fail("--features needs --label COLUMN (the diagnosis column)")
        try:
            ds = read_feature_table(
                source.features_csv,
                label=source.label,
                group=source.group,
                clinical=source.clinical,
                feature_columns=source.feature_columns,
                exclude=source.exclude,
                sep=source.sep,
                time=source.time,
            )
        except TableError as error:
            _fail(str(error))
        return ds, {"rows_in_table": len(ds), "analysed": len(ds)}, None
    from enose.model.features import dataset_from_store
    from enose.storage import StorageError, Store

    clinical = source.clinical
    names = [c.strip() for c in clinical.split(",") if c.strip()] if clinical else list(clinical_default)
    if source.central is not None:
        with _open_central(source.central, source.insecure) as central:
            try:
                return central.training_data(clinical=names)
            except (ValueError, KeyError) as error:
                _fail(str(error))
    try:
        with Store.open(source.db, create=False) as store:
            user = acting_user(store, source.username)
            return (*dataset_from_store(store, user=user, clinical=names, progress=progress), None)
    except (StorageError, ValueError, KeyError) as error:
        _fail(str(error))


@click.command()
@click.option(
    "--subjects",
    "n_subjects",
    type=click.IntRange(10, 100_000),
    default=500,
    show_default=True,
    help="Number of simulated subjects.",
)
@click.option("--sites", "n_sites", type=click.IntRange(1, 50), default=5, show_default=True, help="Number of sites.")
@click.option(
    "--devices",
    "n_devices",
    type=click.IntRange(1, 200),
    default=6,
    show_default=True,
    help="Number of e-nose units (at least one per site).",
)
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="SQLite database to write (created if new).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (same seed, same cohort).")
@click.option(
    "--prevalence",
    type=click.FloatRange(0.01, 0.9),
    default=0.4,
    show_default=True,
    help="Fraction of subjects with lung cancer (case-control enriched).",
)
@click.option(
    "--site-prefix", default="SITE", show_default=True, help="Prefix of site codes (new sites: another prefix)."
)
@click.option("--breath-s", type=float, default=300.0, show_default=True, help="Breath phase duration (s).")
@click.option(
    "--period-ms", type=click.IntRange(10, 1000), default=100, show_default=True, help="Sampling period (ms)."
)
@json_option
@progress_option
def cohort(
    n_subjects, n_sites, n_devices, db, seed, prevalence, site_prefix, breath_s, period_ms, as_json, no_progress
):
    """Simulate a multi-site cohort of complete screening sessions with labels.

    Subjects (age, sex, smoking, pack-years, COPD, cancer and stage), devices
    with unit-to-unit differences and drift, sites with their own ambient air
    and humidity, and a few failed or noisy manoeuvres; labels are stored with
    source 'simulated'. Signals come from the emulator's physics, in the
    emulated device's channel layout (what `enose demo` records), so a model
    trained on the cohort can score a demo session. Simulated data: not for
    clinical use.

    Example: ``enose cohort --subjects 500 --sites 5 --devices 6 --db cohort.db``
    """  # fmt: skip
    from enose.model import CohortParams, simulate_cohort

    if n_devices < n_sites:
        _fail(f"--devices ({n_devices}) must be at least --sites ({n_sites}): every site needs a device")
    _refuse_clinical_database(db)
    params = CohortParams(
        n_subjects=n_subjects, n_sites=n_sites, n_devices=n_devices, seed=seed, prevalence=prevalence,
        site_prefix=site_prefix, breath_s=breath_s, period_ms=period_ms,
    )  # fmt: skip
    summary = simulate_cohort(db, params, progress=not no_progress)
    summary.pop("session_ids")
    if as_json:
        _json(summary)
    else:
        click.echo(
            f"{summary['n_sessions']} sessions of {summary['n_subjects']} subjects ({summary['n_cancer']} with cancer) "
            f"at {len(summary['sites'])} sites on {len(summary['devices'])} devices -> {summary['db']}"
        )


def _refuse_clinical_database(db: str) -> None:
    """A simulated cohort goes into a database of its own, never into one that has staff accounts.

    Why: the simulator writes sessions, labels and calibrations as ``simulator`` without a sign-in;
    mixed into a clinic's database they would be indistinguishable from real records in a study.
    """
    from enose.security.signin import accounts_enforced
    from enose.storage import DatabaseMissing, StorageError, Store

    try:
        with Store.open(db, create=False) as store:
            if accounts_enforced(store):
                _fail(f"{db} has staff accounts: a simulated cohort goes into a database of its own (choose another --db)")
    except DatabaseMissing:
        return
    except StorageError as error:
        _fail(str(error))


def _refuse_existing_output(out: Path, force: bool) -> None:
    """Refuse to write a model into a directory that already holds something, unless ``--force``.

    Why: a model directory is what screenings are scored with and what its card and hash
    certify; replacing one must be a decision, not the side effect of reusing a name. Checked
    before training, so a refusal costs nothing.
    """
    if force or not out.exists():
        return
    if not out.is_dir():
        _fail(f"--out {out} exists and is not a directory")
    if any(out.iterdir()):
        what = "a model" if (out / "model.skops").exists() else "files"
        _fail(f"--out {out} already holds {what}; choose another directory or give --force to replace it")


@click.command()
@_data_source_options
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Model directory to write (models/NAME).")
@click.option(
    "--candidates",
    default="logreg,svm,plsda,gboost",
    show_default=True,
    help="Candidate models to compare (logreg, svm, plsda, gboost).",
)
@click.option("--locked-site", default=None, help="Site held out for locked validation (default: the last site).")
@click.option("--no-locked", is_flag=True, help="No locked site (for data without sites, e.g. an external table).")
@click.option(
    "--bootstrap",
    "n_bootstrap",
    type=click.IntRange(0, 500),
    default=30,
    show_default=True,
    help="Bootstrap models for the uncertainty interval.",
)
@ci_rounds_option
@click.option("--permutations", "n_permutations", type=click.IntRange(0, 10_000), default=100, show_default=True,
              help="Label shuffles of the whole model choice for the permutation p (0: off, said on the card).")  # fmt: skip
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option("--force", is_flag=True, help="Replace the model already in --out.")
@json_option
@progress_option
def train(
    source: DataSource,
    out,
    candidates,
    locked_site,
    no_locked,
    n_bootstrap,
    ci_rounds,
    n_permutations,
    seed,
    force,
    as_json,
    no_progress,
):
    """Train and validate the risk model; write models/NAME with its card.

    Candidates are compared by cross-validation blocked by site and device
    (subjects never in two folds); probabilities are calibrated; one site with
    its devices is locked away for the final validation; zone thresholds come
    from out-of-fold predictions.

    ``--central`` trains on the pooled sessions of every site in the central study
    database (the sites' own features and QC verdicts); sites are the enrolled
    sites, and the card records which sites, units and sync state (each site's
    newest audit anchor) the model saw.

    Example: ``enose train --db cohort.db --clinical age_years,pack_years,copd --out models/mine``
    """  # fmt: skip
    from enose.model import NotEnoughData, save_model, train_model

    _refuse_existing_output(Path(out), force)
    ds, flow, provenance = _load_dataset(source, not no_progress)
    names = [c.strip() for c in candidates.split(",") if c.strip()]
    use_locked = not no_locked and bool({s for s in ds.site if s})
    try:
        model, report = train_model(ds, candidates=names, locked_site=locked_site, use_locked=use_locked,
                                    n_bootstrap=n_bootstrap, n_boot_ci=ci_rounds, seed=seed, progress=not no_progress,
                                    n_permutations=n_permutations)  # fmt: skip
    except (NotEnoughData, ValueError) as error:
        _fail(str(error))
    report["flow"] = flow
    if provenance is not None:  # pooled data: which sites, units and sync state, and whether it is all simulated
        saved = save_model(model, out, report=report, simulated=provenance["all_simulated"],
                           extra_card={"central": provenance})  # fmt: skip
    else:
        saved = save_model(model, out, report=report, simulated=source.db is not None)
    trained_on = report["training_data"]
    summary = {
        "model_id": saved.model_id,
        "path": str(Path(out)),
        "chosen": report["chosen"],
        "cv_design": report["cv"]["design"],
        "oof_auc": report["chosen_oof_auc"],
        "oof_auc_ci": report["chosen_oof_auc_ci"],
        "cv_auc": report["chosen_oof_auc"],  # the same figure, under its earlier name
        "cv_auc_ci": report["chosen_oof_auc_ci"],
        "n": trained_on["n_sessions"],
        "n_cancer": trained_on["n_cancer"],
        "n_subjects": trained_on["n_subjects"],
        "permutation_p": report["permutation"].get("permutation_p"),
        "null_auc_mean": report["permutation"].get("null_auc_mean"),
        "null_auc_p95": report["permutation"].get("null_auc_p95"),
        "permutation": report["permutation"],
        "confounding": report["confounding"],
        "site_level": report["site_level"],
        "comparison": report["comparison"],
        "thresholds": report["thresholds"],
        "locked": {k: v for k, v in report["locked"].items() if k in ("site", "devices", "auc", "auc_ci", "n")},
        "warnings": list(report.get("warnings", [])),
    }
    if as_json:
        _json(summary)
        return
    click.echo(f"model {saved.model_id} -> {out}  ({report['cv']['design']})")
    for row in report["comparison"]:
        click.echo(f"  {row['name']:7s} {row['columns']:28s} AUC {row['auc']:.3f} ({_ci_text(row['auc_ci'])})")
    t = report["thresholds"]
    click.echo(
        f"chosen {report['chosen']}; thresholds: green < {t['rule_out']:.4f} <= orange < {t['refer']:.4f} <= red"
    )
    locked = report["locked"]
    if locked.get("auc") is not None:
        click.echo(f"locked site {locked['site']}: AUC {locked['auc']:.3f} ({_ci_text(locked['auc_ci'])})")
    perm = report["permutation"]
    if perm.get("permutation_p") is None:
        click.echo(f"permutation test: {perm['note']}")
    else:
        click.echo(f"permutation test ({perm['n_permutations']} shuffles of the whole model choice): p = "
                   f"{perm['permutation_p']:.4f}; null AUC mean {perm['null_auc_mean']:.3f}, 95th percentile "
                   f"{perm['null_auc_p95']:.3f}")  # fmt: skip
    for finding in report["confounding"]:
        if finding["severity"] == "warn":
            click.echo(f"WARNING (confounding, {finding['code']}): {finding['message']}")
    for text in summary["warnings"]:
        click.echo(f"WARNING: {text}")


#: What ``evaluate --json`` says about the overlap with the training data (counts and how it knows; no hashes).
OVERLAP_FIELDS = ("shared_subjects", "rows_of_shared_subjects", "shared_rows", "n_rows", "n_subjects", "basis", "how",
                  "seen_sites", "seen_devices")  # fmt: skip


def _ci_text(pair) -> str:
    """``low-high`` to 3 decimals, or 'CI not estimable' when either end is missing."""
    low, high = (pair or [None, None])[:2]
    if low is None or high is None or low != low or high != high:  # None or NaN
        return "CI not estimable"
    return f"{low:.3f}-{high:.3f}"


@click.command()
@click.option(
    "--model", "model_path", required=True, type=click.Path(exists=True), help="Model directory (models/NAME)."
)
@_data_source_options
@click.option(
    "--out", required=True, type=click.Path(file_okay=False), help="Report directory (PNG, report.md, report.html)."
)
@ci_rounds_option
@json_option
@progress_option
def evaluate(
    model_path,
    source: DataSource,
    out,
    ci_rounds,
    as_json,
    no_progress,
):
    """Validate a trained model on labelled data and write a STARD/TRIPOD-style report.

    ROC with a bootstrap CI, sensitivity/specificity/PPV/NPV at the model's
    thresholds with CIs, calibration curve with slope and intercept, decision
    curve, and results per site and per device.

    Example: ``enose evaluate --model models/demo --db new_site.db --out report/ --json``
    """  # fmt: skip
    from enose.model import ModelError, evaluate_model, load_model

    try:
        model = load_model(model_path)
    except ModelError as error:
        _fail(str(error))
    # a table without --clinical is read with the model's own clinical columns
    source = replace(source, clinical=source.clinical or ",".join(model.clinical_names) or None)
    ds, flow, _ = _load_dataset(source, not no_progress, clinical_default=model.clinical_names)
    try:
        report = evaluate_model(model, ds, out, flow=flow, n_boot=ci_rounds)
    except (ModelError, ValueError) as error:
        _fail(str(error))
    m = report["metrics"]
    headline = {
        "model_id": model.model_id,
        "n": m["n"],
        "n_cancer": m["n_cancer"],
        "auc": m["auc"],
        "auc_ci": m["auc_ci"],
        "calibration_slope": m.get("calibration_slope"),
        "calibration_intercept": m.get("calibration_intercept"),
        "auc_ci_method": m.get("auc_ci_method"),
        "independent_of_training": report["independent"],
        "training_overlap": {k: report["independence"][k] for k in OVERLAP_FIELDS},
        "warnings": list(report["warnings"]),
        "out_of_distribution": report["flow"]["out_of_distribution"],
        "thresholds": {
            key: {
                k: v[k]
                for k in (
                    "threshold",
                    "sensitivity",
                    "sensitivity_ci",
                    "specificity",
                    "specificity_ci",
                    "ppv",
                    "ppv_ci",
                    "npv",
                    "npv_ci",
                )
            }
            for key, v in m["thresholds"].items()
        },  # fmt: skip
        "report": str(Path(out) / "report.html"),
    }
    if as_json:
        _json(headline)
        return
    auc = "-" if m["auc"] is None else f"{m['auc']:.3f} ({_ci_text(m['auc_ci'])})"
    click.echo(f"{model.model_id} on {m['n']} sessions: AUC {auc}")
    for key, v in m["thresholds"].items():
        click.echo(
            f"  {key}: sensitivity {v['sensitivity']:.3f}, specificity {v['specificity']:.3f}, PPV {v['ppv']:.3f}, NPV {v['npv']:.3f}"
        )
    independent = headline["independent_of_training"]
    word = "unknown" if not isinstance(independent, bool) else ("yes" if independent else "NO")
    click.echo(f"independent of training: {word} - {report['independence']['how']}")
    for text in headline["warnings"]:
        click.echo(f"WARNING: {text}")
    click.echo(f"report: {headline['report']}")


@click.command()
@click.option(
    "--model", "model_path", required=True, type=click.Path(exists=True), help="Model directory (models/NAME)."
)
@click.option("--db", default=None, type=click.Path(dir_okay=False, exists=True), help="Database file.")
@click.option("--session", "session_id", required=True, type=SESSION_ID, help="Session id (`enose sessions list`).")
@user_option
@json_option
def score(model_path, db, session_id, username, as_json):
    """Score one recorded session (quality gate, features, model) and store the score.

    Example: ``enose score --model models/demo --session 12 --json``
    """
    from enose.model import ModelError, load_model, score_session
    from enose.storage import SessionNotFound, StorageError, Store

    try:
        model = load_model(model_path)
        with Store.open(db, create=False) as store:
            result = score_session(store, session_id, model, user=acting_user(store, username))
    except (ModelError, SessionNotFound, StorageError) as error:
        _fail(str(error))
    if as_json:
        _json(result)
        return
    if result["probability"] is None:
        click.echo(f"session {session_id}: no score - {result['reason']}")
        return
    click.echo(
        f"session {session_id}: risk {result['probability']:.2f} (interval {result['interval'][0]:.2f}-"
        f"{result['interval'][1]:.2f}) -> {result['zone_text']}"
    )
    for item in result["explanation"]:
        click.echo(f"  - {item['text']}")


def register(cli: click.Group) -> None:
    """Add the model commands to the ``enose`` group."""
    for command in (cohort, train, evaluate, score):
        cli.add_command(command)
