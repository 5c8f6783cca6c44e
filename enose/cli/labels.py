"""``enose labels``: confirmed diagnoses (the training labels), entered and listed through the core.

The same :mod:`enose.labels` functions as the app's researcher workspace: the permission is
checked there, each label is audited with its fingerprint, and a correction is a new label
that supersedes the old one (labels are never edited).
"""

from __future__ import annotations

import json

import click

from enose.cli.auth import acting_user, user_option
from enose.cli.common import _fail, _open_store, db_option, json_option

__all__ = ["register", "labels_group"]


@click.group("labels")
def labels_group() -> None:
    """Confirmed diagnoses of subjects (append-only; a correction supersedes)."""


@labels_group.command("add")
@click.option("--subject", "subject_code", required=True, help="Pseudonymous subject code, e.g. LIL-0042.")
@click.option("--cancer/--no-cancer", required=True, help="Confirmed lung cancer, or confirmed free of it.")
@click.option("--source", required=True, help="Where the diagnosis comes from, e.g. 'pathology report'.")
@click.option("--histology", default=None, help="e.g. adenocarcinoma, squamous, SCLC.")
@click.option("--stage", default=None, help="e.g. IA, IIB, IV.")
@click.option("--date", "diagnosis_date", default=None, help="Diagnosis date, YYYY-MM-DD.")
@click.option("--supersedes", type=click.IntRange(1), default=None, help="Id of the label this one corrects.")
@db_option
@user_option
@json_option
def labels_add(subject_code, cancer, source, histology, stage, diagnosis_date, supersedes, db, username,
               as_json) -> None:  # fmt: skip
    """Enter a confirmed diagnosis for a subject (clinicians and administrators).

    Example: ``enose labels add --subject LIL-0042 --cancer --source 'pathology report' --stage IA``
    """
    from enose.labels import add_label
    from enose.storage import StorageError

    with _open_store(db) as store:
        user = acting_user(store, username)
        if store.subject(subject_code) is None:
            _fail(f"no subject {subject_code} in this database; nothing was recorded")
        try:
            label_id = add_label(store, user, subject_code=subject_code, cancer=cancer, histology=histology,
                                 stage=stage, diagnosis_date=diagnosis_date, source=source,
                                 supersedes=supersedes)  # fmt: skip
        except ValueError:
            _fail("--source must say where the diagnosis comes from; nothing was recorded")
        except StorageError as error:
            _fail(f"{error}; nothing was recorded")
    if as_json:
        click.echo(json.dumps({"label_id": label_id, "subject_code": subject_code}))
    else:
        click.echo(f"label {label_id} recorded for {subject_code}")


@labels_group.command("list")
@click.option("--subject", "subject_code", required=True, help="Pseudonymous subject code.")
@db_option
@user_option
@json_option
def labels_list(subject_code, db, username, as_json) -> None:
    """List a subject's labels, newest first, marking the one in force.

    Example: ``enose labels list --subject LIL-0042 --json``
    """
    from enose.labels import label_history

    with _open_store(db) as store:
        rows = label_history(store, acting_user(store, username), subject_code)
    if as_json:
        click.echo(json.dumps({"labels": rows}))
        return
    if not rows:
        click.echo(f"no label for {subject_code}")
    for row in rows:
        mark = "*" if row["current"] else " "
        verdict = "cancer" if row["cancer"] else "no cancer"
        click.echo(f"{mark} {row['id']:>5}  {row['entered_at'][:10]}  {verdict:<9}  {row['source']}"
                   + (f"  (supersedes {row['supersedes']})" if row["supersedes"] else ""))  # fmt: skip


def register(cli: click.Group) -> None:
    cli.add_command(labels_group)
