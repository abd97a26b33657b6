# Shared by the tests/train scripts: arguments (--probe, --work), imports of tools/train with a
# clear failure when torch or numpy is missing, and calls into sigma-train-probe.
# Not a test framework: each script is a plain unittest module run by ctest.
import argparse
import os
import subprocess
import sys
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TRAIN_DIR = os.path.join(ROOT, "tools", "train")
sys.path.insert(0, TRAIN_DIR)

PROBE = None
WORK = None


def require(module):
    """Imports a module the test cannot run without; a missing one fails the test loudly."""
    try:
        return __import__(module)
    except ImportError as e:
        print(f"FAILED: {sys.executable} cannot import {module} ({e}). The training tests need PyTorch and numpy: "
              f"run tools/test.sh (setup_train_deps installs Debian's python3-torch and python3-numpy) or "
              f"apt-get install python3-torch python3-numpy.", file=sys.stderr)
        sys.exit(1)


def probe(*args, stdin=None):
    """Runs sigma-train-probe; returns stdout (text), failing the test on a non-zero exit."""
    r = subprocess.run([PROBE] + [str(a) for a in args], input=stdin, capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(f"sigma-train-probe {args[0]} failed ({r.returncode}): {r.stderr.strip()}")
    return r.stdout


def work_path(name):
    return os.path.join(WORK, name)


def main():
    global PROBE, WORK
    ap = argparse.ArgumentParser()
    ap.add_argument("--probe", required=True)
    ap.add_argument("--work", required=True)
    args, rest = ap.parse_known_args()
    PROBE = args.probe
    WORK = args.work
    os.makedirs(WORK, exist_ok=True)
    unittest.main(module="__main__", argv=[sys.argv[0]] + rest, verbosity=2)
