"""Fresh units set up as a technician would, screened as a clinic would, with the installed commands only.

Run: ``.venv/bin/python scripts/fresh_units_demo.py [--serials 5] [--model models/demo]`` (about 3 minutes).

For each of ``--serials`` serial numbers never used anywhere (``FRESH-<n>``), twice
(a control subject, then a cancer subject, the emulator's two demo breath profiles):

1. ``enose emulate --serial FRESH-<n> --subject control|cancer`` serves the unit on a pty;
2. ``enose calibrate --kind zero`` (once per unit): dry then humidified zero air;
3. ``enose screen`` with the full protocol (60 s baseline, 300 s breath, 120 s purge), the subject
   registered with the risk factors the emulated person has (``--smoking never --no-copd``: both
   demo profiles are the physics' never-smoker without COPD; age not given, so unknown).

Prints each screening's zone and probability, then the counts the acceptance asks for
(no control red; cancer red on at least 4 of 5), and exits 1 when they are not met.
The two demo subjects are the physics' median breath without and with the cancer shift
(x1, smaller than most of the simulated cohort's cancers): a hard, fixed pair.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENOSE = [sys.executable, "-m", "enose.cli"]


def _emulator(serial: str, subject: str, speed: float) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([*ENOSE, "emulate", "--serial", serial, "--subject", subject, "--speed", str(speed)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)  # fmt: skip
    return process, process.stdout.readline().strip()


def _run(*args: str, env: dict) -> dict:
    done = subprocess.run([*ENOSE, *args, "--json"], capture_output=True, text=True, env=env, timeout=600)
    if not done.stdout.strip():
        raise SystemExit(f"enose {' '.join(args)} failed: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serials", type=int, default=5)
    parser.add_argument("--first", type=int, default=1, help="number of the first FRESH-<n> serial")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "demo")
    parser.add_argument("--speed", type=float, default=40.0)
    parser.add_argument("--db", type=Path, default=None, help="database (default: a new temporary one)")
    args = parser.parse_args()
    db = str(args.db or Path(tempfile.mkdtemp(prefix="enose-fresh-")) / "fresh-units.db")
    env = {**os.environ, "ENOSE_MODEL": str(args.model)}
    rows = []
    for n in range(args.first, args.first + args.serials):
        serial = f"FRESH-{n:04d}"
        for k, subject in enumerate(("control", "cancer")):
            process, port = _emulator(serial, subject, args.speed)
            try:
                if k == 0:
                    calibration = _run("calibrate", "--port", port, "--kind", "zero", "--db", db, env=env)
                    humidity = calibration["detail"]["humidity"]["status"]
                summary = _run("screen", "--port", port, "--subject", f"FRS-{n:03d}{k}", "--db", db, "--no-progress",
                               "--smoking", "never", "--no-copd", env=env)  # fmt: skip
            finally:
                process.terminate()
                process.wait(timeout=30)
            score = summary.get("score", {})
            rows.append({"serial": serial, "subject": subject, "humidity": humidity, "zone": score.get("zone"),
                         "probability": score.get("probability"), "qc_passed": summary["qc"]["passed"]})  # fmt: skip
            p = score.get("probability")
            print(f"{serial}  {subject:<8} humidity {humidity:<12} zone {score.get('zone')!s:<12} "
                  f"p = {'-' if p is None else f'{p:.3f}'}", flush=True)  # fmt: skip
    controls_red = sum(r["zone"] == "red" for r in rows if r["subject"] == "control")
    cancers_red = sum(r["zone"] == "red" for r in rows if r["subject"] == "cancer")
    met = controls_red == 0 and cancers_red >= min(4, args.serials)
    print(json.dumps({"controls_red": controls_red, "cancers_red": cancers_red, "serials": args.serials, "met": met,
                      "rows": rows}))  # fmt: skip
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
