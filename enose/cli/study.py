"""``enose export study``: the whole study, pseudonymous by default, beside the one-session ``enose export``.

:func:`register` turns the ``export`` command already in the main group (``enose.cli.sessions``)
into a group that also has ``study``, so it must run after that module's ``register``.
"""

from __future__ import annotations

import json

import click

from enose.cli.auth import acting_user, user_option_no_token_hint
from enose.cli.common import (
    CHECK_DB,
    _fail,
    _open_central,
    _open_store,
    central_insecure_option,
    central_option,
    db_option,
    json_option,
    progress_option,
)

__all__ = ["export_study", "register"]


@click.command("study")
@click.option("--out", type=click.Path(file_okay=False), required=True, help="Directory to write into (created).")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet", "fhir"]), default="csv", show_default=True)
@click.option("--no-raw", is_flag=True, help="Leave out the raw signals (tables only).")
@click.option("--identified", is_flag=True,
              help="Keep the clinic's subject codes, staff names and exact times (needs export_identified).")
@click.option("--precise-times", is_flag=True,
              help="Keep timestamps to the millisecond in a pseudonymous export (default: the day only).")
@db_option
@central_option
@central_insecure_option
@user_option_no_token_hint
@json_option
@progress_option
def export_study(out, fmt, no_raw, identified, precise_times, db, central, insecure, username, as_json,
                 no_progress) -> None:  # fmt: skip
    """Export the whole study: subjects, sessions, QC, features, scores, labels, raw signals.

    Pseudonymous by default: subject codes and staff names are replaced by stable keyed
    pseudonyms (subj-..., staff-...) and timestamps keep only the day (--precise-times keeps
    them; the audit trail says so); a data dictionary describing every column is written
    beside the tables. ``fhir`` writes one FHIR R4 Bundle with an Observation per score.

    ``--central`` exports the pooled study of every site from the central study database (the
    same files and columns; subjects as study pseudonyms, stable across sites; raw signals read
    from the centre); it is always pseudonymous.

    Example: ``enose export study --out study-2025-06 --format parquet``
    """
    from enose.exports import ExportError
    from enose.exports import export_study as run_export
    from enose.security import SecretKeyError

    if central is not None:
        if identified:
            _fail("--identified is a site's export: the central database holds no subject code or staff name for "
                  "research (leave out --identified)")  # fmt: skip
        with _open_central(central, insecure, db=db) as source:
            try:
                summary = source.export_study(out, fmt, raw=not no_raw, precise_times=precise_times,
                                              progress=not no_progress and not as_json)  # fmt: skip
            except ExportError as error:
                _fail(str(error))
        _say(summary, fmt, as_json)
        return
    store = _open_store(db, missing_hint=CHECK_DB)
    with store:
        user = acting_user(store, username)
        try:
            summary = run_export(store, out, fmt, user, raw=not no_raw, pseudonymous=not identified,
                                 precise_times=precise_times, progress=not no_progress and not as_json)  # fmt: skip
        except (ExportError, SecretKeyError) as error:
            _fail(str(error))
    _say(summary, fmt, as_json)


def _say(summary: dict, fmt: str, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(summary))
    else:
        counts = ", ".join(f"{k} {v}" for k, v in summary["rows"].items())
        click.echo(f"wrote the study export ({fmt}) to {summary['path']}: {counts}")


class _ExportCommand(click.Group):
    """``enose export``: the existing one-session export, plus ``enose export study``.

    Arguments that do not start with a subcommand name go, untouched, to the original
    command, so ``enose export --session ID --format csv`` behaves exactly as before.
    """

    def __init__(self, single: click.Command) -> None:
        super().__init__(name=single.name, help=single.help, short_help=single.short_help,
                         invoke_without_command=True)  # fmt: skip
        self.single = single
        self.epilog = "Whole-study export: `enose export study --help`."

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] in self.commands:
            return super().parse_args(ctx, args)
        ctx.meta["enose.export.single_args"] = list(args)
        return []

    def invoke(self, ctx: click.Context):
        single_args = ctx.meta.pop("enose.export.single_args", None)
        if single_args is None:
            return super().invoke(ctx)
        if any(a in ("-h", "--help") for a in single_args):
            click.echo(self.get_help(ctx))
            ctx.exit(0)
        with self.single.make_context(ctx.info_name, single_args, parent=ctx.parent) as sub:
            return self.single.invoke(sub)

    def get_help(self, ctx: click.Context) -> str:
        with self.single.make_context(ctx.info_name, [], parent=ctx.parent, resilient_parsing=True) as sub:
            text = self.single.get_help(sub)
        return (
            text + "\n\nWhole-study export (subjects, sessions, QC, features, scores, labels, raw signals):\n"
            "  enose export study --out DIR --format csv|parquet|fhir   (see `enose export study --help`)"
        )


def register(cli: click.Group) -> None:
    """Add ``export study`` beside the one-session ``export`` of the main command group."""
    existing = cli.commands.get("export")
    if existing is not None and not isinstance(existing, _ExportCommand):
        group = _ExportCommand(existing)
        group.add_command(export_study, "study")
        cli.add_command(group, "export")
