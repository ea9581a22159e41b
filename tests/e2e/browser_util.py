"""The operator page's tests drive Debian's chromium through
tests/browser/driver.mjs (playwright-core): one node process, one browser
and one fresh profile per test class, asked for one step at a time (the
steps are in tests/browser/steps.mjs) so that the test can check the
simulators between two clicks.

Not a test module itself (run.py loads test_*.py only).
"""

import json
import os
import shutil
import subprocess
import threading

from harness import ROOT

BROWSER_DIR = os.path.join(ROOT, "tests", "browser")
CHROMIUM = "/usr/bin/chromium"
STEP_TIMEOUT = 120


class BrowserError(AssertionError):
    pass


def install():
    """npm ci of tests/browser when its node_modules is not up to date;
    fails (never skips) when that cannot be done."""
    for cmd in ("node", "npm"):
        if shutil.which(cmd) is None:
            raise BrowserError("no %s (scripts/deps.sh installs it)" % cmd)
    if not os.access(CHROMIUM, os.X_OK):
        raise BrowserError("no %s (Debian package chromium; "
                           "scripts/deps.sh installs it)" % CHROMIUM)
    r = subprocess.run(["sh", os.path.join(BROWSER_DIR, "install.sh")],
                       capture_output=True, text=True, timeout=600,
                       stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        raise BrowserError("tests/browser/install.sh failed:\n%s%s"
                           % (r.stdout, r.stderr))


class Browser:
    """chromium under tests/browser/driver.mjs, showing the page at base."""

    def __init__(self, base):
        install()
        self.base = base
        self.stderr = []
        self.proc = subprocess.Popen(
            ["node", os.path.join(BROWSER_DIR, "driver.mjs")],
            cwd=BROWSER_DIR, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, bufsize=1)
        self._reader = threading.Thread(target=self._read_stderr,
                                        daemon=True)
        self._reader.start()

    def _read_stderr(self):
        for line in self.proc.stderr:
            self.stderr.append(line)

    def step(self, name, **args):
        """Runs one step; returns its result or raises BrowserError with
        the browser side's words."""
        self.proc.stdin.write(json.dumps(
            {"step": name, "base": self.base, "args": args}) + "\n")
        self.proc.stdin.flush()
        line = self._readline()
        if not line:
            self.proc.wait(10)
            raise BrowserError("the browser driver exited (%s):\n%s"
                               % (self.proc.returncode,
                                  "".join(self.stderr)[-5000:]))
        answer = json.loads(line)
        if not answer["ok"]:
            raise BrowserError("step %s %r failed:\n%s"
                               % (name, args, answer["error"]))
        return answer["result"]

    def _readline(self):
        out = []
        t = threading.Thread(target=lambda: out.append(
            self.proc.stdout.readline()), daemon=True)
        t.start()
        t.join(STEP_TIMEOUT)
        if t.is_alive():
            self.proc.kill()
            raise BrowserError("the browser took over %d s for one step"
                               % STEP_TIMEOUT)
        return out[0]

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(30)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self._reader.join(5)
