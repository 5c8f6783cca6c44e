"""Mutation testing of the critical modules with mutmut, one module at a time, against its focused tests.

Run: ``python scripts/mutation.py`` (every module below), ``python scripts/mutation.py --modules frames,zones``
or ``python scripts/mutation.py --list``. Needs the ``mutation`` extra (``pip install -e '.[mutation]'``).

The whole suite takes minutes; a mutant must be judged in seconds. So each module is mutated in a scratch
directory of its own (``.mutation/<module>/``, git-ignored) whose ``pyproject.toml`` is the project's with a
``[tool.mutmut]`` section that mutates that one file and runs only the test files that exercise it
(``MODULES`` below). mutmut 3 copies the code into ``.mutation/<module>/mutants/``, runs those tests once
to learn which test reaches which function, then runs, for each mutant, only the tests that reach the
mutated function. Results persist there: a second run re-tests only mutants of functions that changed.

Prints per module: mutants, killed, survived, timeout, no tests (a mutant in a function no selected test
calls), kill rate = (killed + timeout) / mutants, and the rate once the survivors written down as equivalent
in ``scripts/mutation_equivalents.md`` are set aside. ``--survivors`` prints the diff of every survivor
that is not written down there. The target is 85 % per module.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".mutation"
EQUIVALENTS = ROOT / "scripts" / "mutation_equivalents.md"
TARGET = 0.85
#: What the scratch directory links to: the packages (mutmut copies them) and the tests.
LINKED = ("enose", "firmware_protocol", "gui", "tests", "models")


@dataclass(frozen=True)
class Module:
    path: str  # the file to mutate, relative to the repository
    tests: tuple[str, ...]  # pytest arguments: the focused test files that exercise it
    functions: tuple[str, ...] = ()  # only the mutants of these functions (default: every function)
    timeout_s: int = 1800  # wall-clock budget of one `mutmut run` of this module
    note: str = field(default="", compare=False)

    @property
    def dotted(self) -> str:
        return self.path.removesuffix(".py").replace("/", ".")

    def patterns(self) -> list[str]:
        """mutmut name patterns for --functions (mutmut names a mutant module.x_function__mutmut_N)."""
        return [f"{self.dotted}.x_{name}__mutmut_*" for name in self.functions]

    def wanted(self, key: str) -> bool:
        if not self.functions:
            return True
        return any(key.startswith(f"{self.dotted}.x_{name}__mutmut_") for name in self.functions)


MODULES: dict[str, Module] = {
    "frames": Module("firmware_protocol/frames.py", ("tests/protocol",), note="frame codec: COBS + CRC framing"),
    "messages": Module("firmware_protocol/messages.py", ("tests/protocol",), note="message parser"),
    "quality": Module(
        "enose/signal/quality.py",
        ("tests/signal/test_quality.py", "tests/signal/test_quality_boundaries.py", "tests/signal/test_mutation_quality.py"),
        note="the quality gate",
    ),
    "zones": Module("enose/model/zones.py", ("tests/model/test_zone_boundaries.py", "tests/model/test_mutation_zones.py")),
    "calibration": Module(
        "enose/pipeline.py",
        ("tests/signal/test_calibration_boundaries.py", "tests/signal/test_humidity_calibration.py",
         "tests/test_pipeline_qc.py", "tests/test_mutation_calibration.py"),
        functions=("judge_reference", "calibrate_session", "humidity_detail"),
        note="the calibration verdict: judge_reference, calibrate_session, humidity_detail only",
    ),
    "audit": Module(
        "enose/security/audit.py",
        ("tests/security/test_audit_known_values.py", "tests/security/test_mutation_audit.py"),
        note="the audit hash chain",
    ),
    "audit_log": Module(
        "enose/storage/audit_log.py",
        ("tests/security/test_audit_known_values.py", "tests/security/test_mutation_audit.py"),
        note="the audit chain's writer and row hash (moved out of enose/security/audit.py)",
    ),
    "payload": Module(
        "enose/sync/payload.py",
        ("tests/sync/test_sync_key_boundaries.py", "tests/sync/test_mutation_sync_keys.py"),
        note="sync keys: row keys and hashes",
    ),
    "outbox": Module(
        "enose/sync/outbox.py",
        ("tests/sync/test_sync_key_boundaries.py", "tests/sync/test_mutation_sync_keys.py"),
        note="sync keys: the outbox",
    ),
    "uploader": Module(
        "enose/sync/uploader.py",
        (
            "tests/sync/test_mutation_uploader_fast.py",
            "tests/sync/test_sync_key_boundaries.py",
            "tests/sync/test_sync.py",
            "tests/sync/test_mutation_uploader.py",
        ),
        timeout_s=3600,
        note="needs PostgreSQL (tests/sync/conftest.py); the slowest",
    ),
    "subjects": Module(
        "enose/subjects.py",
        ("tests/test_subjects.py", "tests/test_subject_code_boundaries.py", "tests/test_mutation_subjects.py"),
        note="subject-code validation",
    ),
}

#: mutmut exit codes -> the columns of the table (mutmut.stats.status_by_exit_code).
KILLED, TIMEOUT, NO_TESTS, NOT_CHECKED = {1, 3, 37}, {36, -24, 24, 152, 255}, {5, 33}, {None}


def mutmut_table(project: dict, module: Module, baseline: bool = False) -> str:
    """The [tool.mutmut] section for one module: the project's shared settings, then this module's.

    ``baseline``: without the tests written for mutation testing (tests/**/test_mutation_*.py), for the
    figures before them.
    """
    settings = dict(project.get("tool", {}).get("mutmut", {}))
    tests = [t for t in module.tests if (ROOT / t.split("::")[0]).exists()]
    if baseline:
        tests = [t for t in tests if not Path(t).name.startswith("test_mutation_")]
        settings["pytest_add_cli_args"] = [*settings.get("pytest_add_cli_args", []), "--ignore-glob=*/test_mutation_*"]
    settings.update(source_paths=["enose", "firmware_protocol"], only_mutate=[module.path],
                    pytest_add_cli_args_test_selection=tests)

    def value(v: object) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        raise TypeError(f"[tool.mutmut] value not supported here: {v!r}")

    return "[tool.mutmut]\n" + "".join(f"{k} = {value(v)}\n" for k, v in settings.items())


def without_mutmut_table(text: str) -> str:
    """The project's pyproject.toml text without its [tool.mutmut] table (the scratch copy gets its own)."""
    out, skipping = [], False
    for line in text.splitlines(keepends=True):
        header = re.match(r"\s*\[\[?([^\]]+)\]\]?\s*(#.*)?$", line)
        if header:
            skipping = header.group(1).strip() == "tool.mutmut"
        if not skipping:
            out.append(line)
    return "".join(out)


def prepare(name: str, module: Module, baseline: bool = False) -> Path:
    """The scratch directory of one module: links to the code and tests, a pyproject.toml of its own."""
    workdir = WORK / (f"{name}-baseline" if baseline else name)
    workdir.mkdir(parents=True, exist_ok=True)
    for entry in LINKED:
        link = workdir / entry
        if not link.is_symlink() and (ROOT / entry).exists():
            link.symlink_to(ROOT / entry, target_is_directory=True)
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    project = tomllib.loads(text)
    (workdir / "pyproject.toml").write_text(without_mutmut_table(text) + "\n" + mutmut_table(project, module, baseline),
                                            encoding="utf-8")
    return workdir


def mutmut(workdir: Path, *args: str, timeout: float | None = None, quiet: bool = True) -> int:
    """Run the mutmut CLI of this interpreter in ``workdir``; on timeout end its whole process group."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONDONTWRITEBYTECODE="1")
    out = subprocess.DEVNULL if quiet else None
    proc = subprocess.Popen([sys.executable, "-m", "mutmut", *args], cwd=workdir, env=env, stdout=out,
                            stderr=subprocess.STDOUT if quiet else None, start_new_session=True)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return -1
    finally:  # timed out, interrupted or terminated: never leave mutmut and its workers running
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def forget_survivors(workdir: Path, module: Module) -> int:
    """Mark the survivors and the mutants no test reached as not checked, so that this run tests them again.

    mutmut keeps a verdict until the mutated function changes; a test added since must get its chance.
    """
    meta = workdir / "mutants" / (module.path + ".meta")
    if not meta.exists():
        return 0
    data = json.loads(meta.read_text(encoding="utf-8"))
    codes = data["exit_code_by_key"]
    again = [k for k, v in codes.items() if module.wanted(k) and (v == 0 or v in NO_TESTS)]
    for key in again:
        codes[key] = None
    meta.write_text(json.dumps(data, indent=4), encoding="utf-8")
    return len(again)


def results(workdir: Path, module: Module) -> dict[str, int | None]:
    """Exit code per mutant name, as mutmut stored it (None: not checked yet)."""
    meta = workdir / "mutants" / (module.path + ".meta")
    if not meta.exists():
        return {}
    codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    return {k: v for k, v in codes.items() if module.wanted(k)}


def equivalents() -> set[str]:
    """Mutant names written down as equivalent: the first `backticked` name of each list line."""
    if not EQUIVALENTS.exists():
        return set()
    return set(re.findall(r"^\s*[-*]\s*`([^`]+__mutmut_\d+)`", EQUIVALENTS.read_text(encoding="utf-8"), re.M))


@dataclass
class Row:
    name: str
    mutants: int = 0
    killed: int = 0
    survived: int = 0
    timeout: int = 0
    no_tests: int = 0
    other: int = 0  # not checked, suspicious, segfault, interrupted
    equivalent: int = 0
    seconds: float = 0.0
    finished: bool = True
    survivors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return (self.killed + self.timeout) / self.mutants if self.mutants else 0.0

    @property
    def rate_without_equivalents(self) -> float:
        judged = self.mutants - self.equivalent
        return (self.killed + self.timeout) / judged if judged else 0.0


def tally(name: str, codes: dict[str, int | None], known_equivalent: set[str]) -> Row:
    row = Row(name, mutants=len(codes))
    for key, code in sorted(codes.items(), key=lambda kv: natural(kv[0])):
        if code in KILLED:
            row.killed += 1
        elif code in TIMEOUT:
            row.timeout += 1
        elif code == 0 or code in NO_TESTS:
            if key in known_equivalent:
                row.equivalent += 1
            else:
                row.survivors.append(key)
            if code == 0:
                row.survived += 1
            else:
                row.no_tests += 1
        else:
            row.other += 1
    return row


def natural(key: str) -> tuple[str, int]:
    head, _, number = key.rpartition("__mutmut_")
    return head, int(number) if number.isdigit() else 0


def run_module(name: str, module: Module, args: argparse.Namespace) -> Row:
    workdir = prepare(name, module, args.baseline)
    started = time.monotonic()
    code = 0
    if not args.report_only:
        if args.fresh and (workdir / "mutants").exists():
            shutil.rmtree(workdir / "mutants")
        timeout = args.timeout or module.timeout_s
        forget_survivors(workdir, module)
        print(f"[{name}] mutmut run on {module.path} with {', '.join(module.tests)} (timeout {timeout} s)",
              flush=True)
        code = mutmut(workdir, "run", "--max-children", str(args.jobs), *module.patterns(), timeout=timeout,
                      quiet=not args.verbose)
    row = tally(name, results(workdir, module), equivalents())
    row.seconds = time.monotonic() - started
    row.finished = code == 0 and row.other == 0
    if code not in (0,) and not args.report_only:
        print(f"[{name}] mutmut run {'timed out' if code == -1 else f'exited {code}'}: figures are partial",
              flush=True)
    if args.survivors:
        for key in row.survivors:
            diff = subprocess.run([sys.executable, "-m", "mutmut", "show", key], cwd=workdir, capture_output=True,
                                  text=True).stdout
            print(diff.rstrip() + "\n")
    return row


def print_table(rows: list[Row]) -> None:
    head = (f"{'module':<12} {'mutants':>7} {'killed':>6} {'survived':>8} {'timeout':>7} {'no tests':>8} "
            f"{'other':>5} {'kill rate':>9} {'equiv.':>6} {'w/o equiv.':>10} {'time':>7}")
    print(head)
    print("-" * len(head))
    for r in rows:
        flag = "" if r.rate_without_equivalents >= TARGET else "  < target"
        print(f"{r.name:<12} {r.mutants:>7} {r.killed:>6} {r.survived:>8} {r.timeout:>7} {r.no_tests:>8} "
              f"{r.other:>5} {r.rate:>9.1%} {r.equivalent:>6} {r.rate_without_equivalents:>10.1%} "
              f"{r.seconds:>6.0f}s{flag}")


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", help=f"comma-separated, from: {', '.join(MODULES)} (default: all)")
    parser.add_argument("--list", action="store_true", help="list the modules, files and tests, then exit")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once (default 2)")
    parser.add_argument("--timeout", type=int, help="override every module's wall-clock budget, seconds")
    parser.add_argument("--fresh", action="store_true", help="forget earlier results of these modules first")
    parser.add_argument("--baseline", action="store_true",
                        help="without tests/**/test_mutation_*.py (the figures before them; kept apart)")
    parser.add_argument("--report-only", action="store_true", help="print the stored results, run nothing")
    parser.add_argument("--survivors", action="store_true", help="print the diff of each unexplained survivor")
    parser.add_argument("--json", action="store_true", help="also print the rows as JSON")
    parser.add_argument("--verbose", action="store_true", help="show mutmut's own output")
    args = parser.parse_args(argv)

    if args.list:
        for name, m in MODULES.items():
            only = f" [{', '.join(m.functions)}]" if m.functions else ""
            print(f"{name:<12} {m.path}{only}\n{'':<12} tests: {' '.join(m.tests)}\n{'':<12} {m.note}".rstrip())
        return 0
    names = [n.strip() for n in args.modules.split(",")] if args.modules else list(MODULES)
    unknown = [n for n in names if n not in MODULES]
    if unknown:
        parser.error(f"unknown module(s) {', '.join(unknown)}; --list shows them")
    try:
        import mutmut  # noqa: F401
    except ImportError:
        parser.error("mutmut is not installed: pip install -e '.[mutation]'")

    # a terminated run (timeout, CI) unwinds like Ctrl-C, so that mutmut's process group is ended too
    signal.signal(signal.SIGTERM, _interrupt)
    started = time.monotonic()
    rows = [run_module(name, MODULES[name], args) for name in names]
    print()
    print_table(rows)
    print(f"\ntotal {time.monotonic() - started:.0f} s; kill rate = (killed + timeout) / mutants; "
          f"'w/o equiv.' sets aside the survivors written down in {EQUIVALENTS.relative_to(ROOT)}")
    unexplained = sum(len(r.survivors) for r in rows)
    if unexplained:
        print(f"{unexplained} survivor(s) neither killed nor written down as equivalent (--survivors shows them)")
    if args.json:
        print(json.dumps([{k: v for k, v in vars(r).items()} | {"rate": r.rate} for r in rows], indent=1))
    return 0 if all(r.rate_without_equivalents >= TARGET and r.finished for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
