"""Write the command-line reference of ``enose`` as Markdown, generated from the click commands.

The manual's CLI page (``docs/cli.md``) is produced by this script at every ``mkdocs build``
(see ``docs/hooks/cli_reference_hook.py``), so it cannot drift from the code: a new command,
option or help text appears in the manual the next time it is built.

Usage::

    python scripts/cli_reference.py OUT.md

Only click's public attributes are read (names, help texts, parameter declarations); no command
is run.
"""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

import click

PROG = "enose"

HEADER = """\
# Command-line reference

This page is **generated from the `enose` command line itself** each time the manual is built
(`scripts/cli_reference.py`), so it always matches the installed software. Every command also
prints the same text with `--help`, for example `enose screen --help`.

Most commands take `--db PATH` to use another database file than the default one in your
per-user data directory, and `--json` to print one JSON object for scripts.

"""


def _clean(text: str | None) -> str:
    """Help text as Markdown: click's ``\\f`` cut honoured, ``\\b`` markers dropped, RST double
    backticks turned into Markdown code."""
    if not text:
        return ""
    text = inspect.cleandoc(text).split("\f", 1)[0]
    lines = [line for line in text.splitlines() if line.strip() != "\b"]
    text = "\n".join(lines).strip()
    return re.sub(r"``(.+?)``", r"`\1`", text)


def _cell(text: str) -> str:
    """One Markdown table cell: single line, pipes escaped."""
    text = " ".join(_clean(text).split())
    return text.replace("|", "\\|")


def _type_name(param: click.Parameter) -> str:
    ptype = param.type
    if isinstance(param, click.Option) and param.is_flag and not param.count:
        return "flag"
    if isinstance(ptype, click.Choice):
        return " \\| ".join(f"`{c}`" for c in ptype.choices)
    if isinstance(param, click.Option) and param.count:
        return "count"
    name = getattr(ptype, "name", str(ptype))
    return name.upper() if name else ""


def _default(param: click.Parameter, ctx: click.Context) -> str:
    if not isinstance(param, click.Option):
        return ""
    if param.is_flag and not param.count and not param.secondary_opts:
        return ""
    default = param.default
    if _is_unset(default) or callable(default) or default is None or default == () or default is False:
        return ""
    if isinstance(default, (list, tuple)):
        default = ", ".join(str(d) for d in default)
    return f"`{default}`"


def _is_unset(value: object) -> bool:
    """click 8.3+ marks "no default" with a sentinel object rather than ``None``."""
    return type(value).__name__ == "Sentinel" or repr(value).endswith("UNSET")


def _options_table(command: click.Command, ctx: click.Context) -> list[str]:
    rows = []
    for param in command.get_params(ctx):
        if isinstance(param, click.Option):
            if param.hidden:
                continue
            names = ", ".join(f"`{n}`" for n in (*param.opts, *param.secondary_opts))
            help_text = param.help or ""
            if param.required:
                help_text = f"**Required.** {help_text}"
            if param.multiple and "repeat" not in help_text.lower():
                help_text = f"{help_text} (may be repeated)"
            rows.append((names, _type_name(param), _default(param, ctx), _cell(help_text)))
    if not rows:
        return []
    out = ["| option | value | default | description |", "|---|---|---|---|"]
    out += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return out + [""]


def _usage(command: click.Command, ctx: click.Context) -> str:
    pieces = command.collect_usage_pieces(ctx)
    return " ".join([ctx.command_path, *pieces])


def _arguments(command: click.Command, ctx: click.Context) -> list[str]:
    args = [p for p in command.get_params(ctx) if isinstance(p, click.Argument)]
    if not args:
        return []
    out = ["Arguments: " + ", ".join(
        f"`{a.human_readable_name}`" + ("" if a.required else " (optional)") for a in args
    ), ""]
    return out


def _walk(command: click.Command, ctx: click.Context, depth: int, out: list[str]) -> None:
    level = "#" * min(depth + 1, 6)
    if depth > 0:
        out += [f"{level} `{ctx.command_path}`", ""]
    help_text = _clean(command.help)
    if command.deprecated:
        out += ["!!! warning \"Deprecated\"", "", "    This command is deprecated.", ""]
    # `enose export` is a group that also runs a single command of its own when no subcommand
    # is named (its ``single`` attribute): document that command's usage and options.
    single = getattr(command, "single", None)
    own = single if isinstance(single, click.Command) else command
    usages = [_usage(own, ctx)]
    if own is not command:
        usages.append(f"{ctx.command_path} COMMAND [ARGS]...")
    out += ["```text", *usages, "```", ""]
    if help_text:
        out += [help_text, ""]
    out += _arguments(own, ctx)
    out += _options_table(own, ctx)
    if isinstance(command, click.Group):
        names = [n for n in command.list_commands(ctx) if not command.get_command(ctx, n).hidden]
        if names:
            out += ["Subcommands:", ""]
            for name in names:
                sub = command.get_command(ctx, name)
                anchor_text = f"{ctx.command_path} {name}"
                out.append(f"- [`{name}`](#{_anchor(anchor_text)}): "
                           f"{_cell(sub.get_short_help_str(limit=200))}")
            out.append("")
        for name in names:
            sub = command.get_command(ctx, name)
            with click.Context(sub, info_name=name, parent=ctx, **sub.context_settings) as sub_ctx:
                _walk(sub, sub_ctx, depth + 1, out)


def _anchor(title: str) -> str:
    """The id MkDocs' default ``toc`` slugify gives a heading such as `` `enose sync` ``."""
    slug = re.sub(r"[^\w\s-]", "", title.lower()).strip()
    return re.sub(r"[-\s]+", "-", slug)


def render(root: click.Command | None = None, prog: str = PROG) -> str:
    """The whole reference as one Markdown string."""
    if root is None:
        from enose.cli import cli as root  # registers every command module on import
    out = [HEADER]
    with click.Context(root, info_name=prog, **root.context_settings) as ctx:
        _walk(root, ctx, 0, out)
    return "\n".join(out).rstrip() + "\n"


def commands(root: click.Command | None = None, prog: str = PROG) -> list[str]:
    """Every command path, for checks (``enose``, ``enose audit``, ``enose audit verify``...)."""
    if root is None:
        from enose.cli import cli as root
    paths: list[str] = []

    def visit(cmd: click.Command, path: str, ctx: click.Context) -> None:
        paths.append(path)
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                if sub is not None and not sub.hidden:
                    with click.Context(sub, info_name=name, parent=ctx, **sub.context_settings) as sub_ctx:
                        visit(sub, f"{path} {name}", sub_ctx)

    with click.Context(root, info_name=prog, **root.context_settings) as ctx:
        visit(root, prog, ctx)
    return paths


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.parent.mkdir(parents=True, exist_ok=True)
    text = render()
    out.write_text(text, encoding="utf-8")
    print(f"{out}: {len(commands())} commands", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
