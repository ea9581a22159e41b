"""A real PostgreSQL server for the end-to-end tests (tests/pg.sh: initdb
and pg_ctl in a temporary folder, on a port of the class's own range, as
an unprivileged user when run as root).  No mock."""

import os
import subprocess

from harness import ROOT, free_port

PG_SH = os.path.join(ROOT, "tests", "pg.sh")


class PgServer:
    """One server; uri is a libpq URI with a fresh password."""

    def __init__(self):
        out = subprocess.run(["sh", PG_SH, "start", str(free_port())],
                             check=True, capture_output=True, text=True)
        self.dir, self.uri = out.stdout.split()[:2]
        self.password = self.uri.split(":")[2].split("@")[0]

    def _ctl(self, *args):
        subprocess.run(["sh", PG_SH] + list(args), check=True,
                       capture_output=True)

    def restart(self):
        """pg_ctl restart -m fast: every session is cut."""
        self._ctl("restart", self.dir, "-m", "fast")

    def down(self):
        self._ctl("down", self.dir)

    def up(self):
        self._ctl("up", self.dir)

    def sql(self, query):
        """query's rows through psql, as lists of strings."""
        out = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-F", "\t",
                              "-d", self.uri, "-c", query],
                             check=True, capture_output=True, text=True)
        return [line.split("\t") for line in out.stdout.splitlines() if line]

    def log(self):
        try:
            with open(os.path.join(self.dir, "log"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        self._ctl("stop", self.dir)
