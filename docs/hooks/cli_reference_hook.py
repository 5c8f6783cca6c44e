"""MkDocs hook: generate the command-line reference page (``cli.md``) from the CLI at build time.

The page is rendered by ``scripts/cli_reference.py`` from the click commands of ``enose`` and
added to the build as a generated file, so no copy of it lives in ``docs/`` to go stale: every
``mkdocs build`` (and ``mkdocs serve``) documents the code as it is. Declared in ``mkdocs.yml``
under ``hooks:``; ``docs/hooks/`` itself is excluded from the site (``exclude_docs``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from mkdocs.structure.files import File, Files

PAGE = "cli.md"


def _load_generator(config):
    root = Path(config.config_file_path).resolve().parent
    path = root / "scripts" / "cli_reference.py"
    spec = importlib.util.spec_from_file_location("enose_cli_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def on_files(files: Files, config, **kwargs) -> Files:
    text = _load_generator(config).render()
    existing = files.get_file_from_path(PAGE)
    if existing is not None:  # a stray hand-written copy must not win over the generated page
        files.remove(existing)
    files.append(File.generated(config, PAGE, content=text))
    return files
