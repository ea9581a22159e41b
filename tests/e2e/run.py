#!/usr/bin/env python3
"""Runs the end-to-end tests (tests/e2e/test_*.py) against BUILD/falconieri,
one line per test, and ends with exactly one line

    e2e: N passed, M failed

where errors, failures, skips and unexpected successes all count as
failed.  Exit status 0 iff M is 0.

Usage: run.py --build DIR [--jobs N] [PATTERN]

Each test class runs in a process of its own, up to N (E2E_JOBS, default
3 per core) at a time: the tests mostly wait on servers, and every class
starts its own on free ports in its own temporary folders.  A class
with E2E_ALONE = True runs with nothing beside it.  The longest classes
start first, by the durations of the last run (BUILD/e2e-times.json).
A class's output is printed whole when it ends.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SUMMARY = "e2e: %d passed, %d failed"
# A class still running after this many seconds has hung: it is killed
# and its tests count as failed.
CLASS_TIMEOUT_S = float(os.environ.get("E2E_CLASS_TIMEOUT", "900"))


class _Result(unittest.TextTestResult):
    """Counts the tests that really passed; anything else is a failure."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passed = 0

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1


def run_here(suite):
    """Runs suite in this process; returns (passed, failed)."""
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2,
                                     resultclass=_Result)
    result = runner.run(suite)
    failed = (len(result.failures) + len(result.errors) +
              len(result.skipped) + len(result.unexpectedSuccesses) +
              len(result.expectedFailures))
    return result.passed, failed


def flatten(suite):
    """The test cases of suite, in order."""
    if not isinstance(suite, unittest.TestSuite):
        return [suite]
    return [t for s in suite for t in flatten(s)]


def classes(tests):
    """{"module.Class": (test count, alone)} of tests."""
    out = {}
    for t in tests:
        name = t.id().rsplit(".", 1)[0]
        n, _ = out.get(name, (0, False))
        out[name] = (n + 1, bool(getattr(t, "E2E_ALONE", False)))
    return out


class Child:
    """One class running in its own process (and process group), its
    output in a temporary file."""

    def __init__(self, name, count, build, slot):
        self.name, self.count, self.slot = name, count, slot
        self.out = tempfile.TemporaryFile()
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--build", build,
             "--class", name],
            stdin=subprocess.DEVNULL, stdout=self.out,
            stderr=subprocess.STDOUT, start_new_session=True,
            env=dict(os.environ, E2E_SLOT=str(slot)))

    def seconds(self):
        return time.monotonic() - self.t0

    def poll(self):
        """True once the process has ended (killed when it hung)."""
        if self.proc.poll() is not None:
            return True
        if self.seconds() > CLASS_TIMEOUT_S:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            return True
        return False

    def finish(self):
        """Prints the output; returns (passed, failed).  A process that
        ended without its summary line fails every test it did not pass."""
        secs = self.seconds()
        self.out.seek(0)
        text = self.out.read().decode("utf-8", "replace")
        self.out.close()
        # What the class started and left behind goes with it.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        passed = failed = None
        for line in text.splitlines():
            if line.startswith("e2e: ") and " passed, " in line:
                words = line.split()
                passed, failed = int(words[1]), int(words[3])
        if text and not text.endswith("\n"):
            text += "\n"
        sys.stdout.write("== %s (%.1f s)\n%s" % (self.name, secs, text))
        if passed is None or self.proc.returncode not in (0, 1):
            if passed is None:
                passed = sum(1 for line in text.splitlines()
                             if line.endswith(" ... ok"))
            failed = max(1, self.count - passed)
            print("FAIL %s: exit status %s, %s"
                  % (self.name, self.proc.returncode,
                     "killed after %.0f s" % secs
                     if secs > CLASS_TIMEOUT_S else "no summary line"))
        sys.stdout.flush()
        return passed, failed


def load_times(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def run_parallel(units, build, jobs):
    """Runs units ({name: (count, alone)}) jobs at a time, then the alone
    ones one by one; returns (passed, failed)."""
    times_path = os.path.join(build, "e2e-times.json")
    times = load_times(times_path)
    # Unknown classes first (they may be long), then longest first.
    order = sorted(units, key=lambda u: (-times.get(u, 1e9), u))
    queue = [u for u in order if not units[u][1]]
    alone = [u for u in order if units[u][1]]
    running, passed, failed = [], 0, 0

    def start(u):
        # The lowest slot no running class holds: its own range of ports.
        used = {c.slot for c in running}
        slot = min(s for s in range(jobs + 1) if s not in used)
        running.append(Child(u, units[u][0], build, slot))

    while queue or alone or running:
        while queue and len(running) < jobs:
            start(queue.pop(0))
        if not queue and not running:
            start(alone.pop(0))
        time.sleep(0.05)
        for c in [c for c in running if c.poll()]:
            running.remove(c)
            times[c.name] = round(c.seconds(), 2)
            p, f = c.finish()
            passed, failed = passed + p, failed + f
    try:
        with open(times_path, "w") as f:
            json.dump(times, f, indent=1, sort_keys=True)
    except OSError:
        pass
    return passed, failed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--jobs", type=int, default=int(
        os.environ.get("E2E_JOBS") or 3 * (os.cpu_count() or 1)))
    ap.add_argument("--class", dest="cls", help=argparse.SUPPRESS)
    ap.add_argument("pattern", nargs="?", default="test_*.py")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    os.environ["FALCONIERI_E2E_BUILD"] = build
    sys.path.insert(0, HERE)

    loader = unittest.TestLoader()
    try:
        if args.cls:
            suite = loader.loadTestsFromName(args.cls)
        else:
            suite = loader.discover(HERE, pattern=args.pattern,
                                    top_level_dir=HERE)
    except Exception as e:  # a test module that does not even import
        print("e2e: cannot load the tests: %s" % e)
        print(SUMMARY % (0, 1))
        return 1
    tests = flatten(suite)
    # A module that does not import is a test that fails, here.
    broken = [t for t in tests if t.id().startswith("unittest.loader.")]
    units = classes(t for t in tests if t not in broken)
    if args.cls or args.jobs <= 1 or len(units) <= 1:
        passed, failed = run_here(suite)
    else:
        t0 = time.monotonic()
        passed, failed = run_parallel(units, build, args.jobs)
        print("e2e: %d classes, %d at a time, in %.1f s"
              % (len(units), args.jobs, time.monotonic() - t0))
        if broken:
            p, f = run_here(unittest.TestSuite(broken))
            passed, failed = passed + p, failed + f
    sys.stdout.flush()
    print(SUMMARY % (passed, failed))
    sys.stdout.flush()
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
