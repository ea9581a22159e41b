#!/usr/bin/env python3
"""Runs the end-to-end tests (tests/e2e/test_*.py) against BUILD/falconieri,
one line per test, and ends with exactly one line

    e2e: N passed, M failed

where errors, failures, skips and unexpected successes all count as
failed.  Exit status 0 iff M is 0.  Usage: run.py --build DIR [PATTERN]
"""

import argparse
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


class _Result(unittest.TextTestResult):
    """Counts the tests that really passed; anything else is a failure."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passed = 0

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("pattern", nargs="?", default="test_*.py")
    args = ap.parse_args()
    os.environ["FALCONIERI_E2E_BUILD"] = os.path.abspath(args.build)
    sys.path.insert(0, HERE)

    loader = unittest.TestLoader()
    try:
        suite = loader.discover(HERE, pattern=args.pattern,
                                top_level_dir=HERE)
    except Exception as e:  # a test module that does not even import
        print("e2e: cannot load the tests: %s" % e)
        print("e2e: 0 passed, 1 failed")
        return 1
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2,
                                     resultclass=_Result)
    result = runner.run(suite)
    failed = (len(result.failures) + len(result.errors) +
              len(result.skipped) + len(result.unexpectedSuccesses) +
              len(result.expectedFailures))
    sys.stdout.flush()
    print("e2e: %d passed, %d failed" % (result.passed, failed))
    sys.stdout.flush()
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
