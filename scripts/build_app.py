#!/usr/bin/env python3
"""Build the self-contained desktop app (one folder, no Python needed on the target) with PyInstaller.

    python3 scripts/build_app.py --out dist
    dist/enose-gui/enose-gui --self-test shot.png      # exits 0 and writes the first-start window

The folder holds the GUI, the core, the device emulator, the demo model
(``models/demo``), the translations and the SQL migrations; the recipe is
``packaging/enose-gui.spec``, the entry point ``packaging/launch.py``.

Which Python builds it: this one when it can import PyInstaller and the
project's dependencies (``pip install -e '.[app]'``); otherwise, or with
``--venv``, a build environment in ``build/app-venv`` is created (or reused) and
``.[app]`` installed there from the package registry. PyInstaller builds for the
system it runs on: run this script on Windows for a Windows folder, on macOS for
a macOS one (see the README, "Desktop app").

Prints the build time, the folder size and where the program is; exit status 0 on
success. ``--self-test PNG`` runs the built program's self-test right after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "enose-gui.spec"
NAME = "enose-gui"
#: What the build interpreter must import (PyInstaller analyses the app with it).
NEEDED = ("PyInstaller", "PySide6", "sklearn", "skops", "scipy", "numpy", "pyqtgraph", "sqlite_utils", "zxcvbn")


def program_path(out: Path) -> Path:
    """The built program inside ``out`` (``.exe`` on Windows; on macOS also ``out/E-nose.app``)."""
    return out / NAME / (NAME + (".exe" if sys.platform == "win32" else ""))


def folder_size(folder: Path) -> int:
    """Bytes of every file under ``folder`` (links not followed)."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def can_build(python: str | Path) -> bool:
    """True when ``python`` imports PyInstaller and the app's dependencies, with enose installed (its metadata
    goes into the app: ``enose.__version__``)."""
    probe = (
        "import importlib.metadata, importlib.util, sys; importlib.metadata.distribution('enose'); "
        "sys.exit(any(importlib.util.find_spec(m) is None for m in sys.argv[1:]))"
    )
    return subprocess.run([str(python), "-c", probe, *NEEDED], capture_output=True, cwd=ROOT).returncode == 0


def build_python(use_venv: bool) -> Path:
    """This interpreter if it can build, else ``build/app-venv`` (created and filled from the registry)."""
    if not use_venv and can_build(sys.executable):
        return Path(sys.executable)
    venv = ROOT / "build" / "app-venv"
    python = _venv_python(venv)
    if not python.exists():
        print(f"build_app: creating the build environment {venv}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    if not can_build(python):
        print("build_app: installing the app and PyInstaller into it (pip install '.[app]')", flush=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", f"{ROOT}[app]"], check=True)
    return python


def build(out: Path, work: Path, python: Path) -> Path:
    """Run PyInstaller on the spec; returns the program's path."""
    if (out / NAME).exists():
        shutil.rmtree(out / NAME)
    command = [
        str(python), "-m", "PyInstaller", str(SPEC),
        "--noconfirm", "--clean", "--log-level", "WARN",
        "--distpath", str(out), "--workpath", str(work),
    ]  # fmt: skip
    subprocess.run(command, check=True, cwd=ROOT)
    program = program_path(out)
    if not program.is_file():
        raise SystemExit(f"build_app: PyInstaller finished but {program} is missing")
    return program


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=ROOT / "dist", help="folder that receives enose-gui/ (default: dist)"
    )
    parser.add_argument("--work", type=Path, help="PyInstaller's work folder (default: a temporary one, removed)")
    parser.add_argument("--venv", action="store_true", help="build in build/app-venv even if this Python could")
    parser.add_argument("--self-test", metavar="PNG", type=Path, help="then run the built program's self-test")
    args = parser.parse_args(argv)

    out = args.out.resolve()
    started = time.monotonic()
    python = build_python(args.venv)
    print(f"build_app: building with {python} (PyInstaller, {SPEC.relative_to(ROOT)})", flush=True)
    work_parent = None if args.work else tempfile.mkdtemp(prefix="enose-app-build-")
    try:
        program = build(out, args.work.resolve() if args.work else Path(work_parent), python)
    except subprocess.CalledProcessError as error:
        print(f"build_app: PyInstaller failed (exit status {error.returncode})", file=sys.stderr)
        return 1
    finally:
        if work_parent:
            shutil.rmtree(work_parent, ignore_errors=True)
    elapsed = time.monotonic() - started
    size = folder_size(program.parent)
    print(f"build_app: built {program} in {elapsed:.0f} s; folder {size / 2**20:.0f} MiB", flush=True)
    if args.self_test:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        status = subprocess.run([str(program), "--self-test", str(args.self_test.resolve())], env=env).returncode
        print(f"build_app: self-test exit status {status}", flush=True)
        return status
    return 0


if __name__ == "__main__":
    sys.exit(main())
