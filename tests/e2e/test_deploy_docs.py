"""What ships beside the binary: the man page (mandoc -T lint, and every
option, key and variable documented), the OpenAPI description (a real
linter from npm, and in sync with the code), and `make install` /
`make uninstall` with PREFIX and DESTDIR."""

import json
import os
import re
import shutil
import subprocess
import unittest

import deploy_util as du
import vendors
from harness import ROOT

MAN = os.path.join(ROOT, "man", "falconieri.8")
OPENAPI = os.path.join(ROOT, "docs", "openapi.yaml")
PROVIDERS = vendors.names()


def source(path):
    with open(os.path.join(ROOT, path)) as f:
        return f.read()


def error_codes():
    """Every wire code of lib/err.c's table."""
    codes = re.findall(r'\{\s*\d{3},\s*"([^"]+)",', source("lib/err.c"))
    if len(codes) < 20:
        raise AssertionError("cannot read the codes of lib/err.c")
    return codes


def env_variables():
    """Every environment variable lib/config.c reads."""
    text = source("lib/config.c")
    glob = re.findall(r'"(FALCONIERI_[A-Z_]+)"', text)
    keys = re.findall(r'\{\s*"[a-z_]+",\s*"([A-Z_]+)",\s*PKEY', text)
    if len(glob) < 6 or len(keys) < 8:
        raise AssertionError("cannot read the variables of lib/config.c")
    names = set(glob)
    for v in vendors.vendors():
        for name in vendors.env_names(v):
            if name.split("_", 1)[1] not in keys:
                raise AssertionError("lib/config.c has no key %s" % name)
            names.add(name)
    return sorted(names)


class TestManPage(unittest.TestCase):

    def test_mandoc_lint_clean(self):
        du.need("mandoc")
        r = subprocess.run(["mandoc", "-T", "lint", MAN],
                           capture_output=True, text=True,
                           env=du.clean_env())
        # mandoc also reports on the machine's own stale manual database
        # when it looks up the SEE ALSO references: that is not the page.
        out = [line for line in (r.stdout + r.stderr).splitlines()
               if not re.match(r"mandoc: outdated mandoc\.db lacks "
                               r"\S+ entry", line)]
        self.assertEqual((r.returncode, out), (0, []))

    # The linter does look: a page with a mistake is reported.
    def test_mandoc_lint_reports(self):
        tmp = du.make_tmpdir("man")
        try:
            with open(MAN) as f:
                text = f.read()
            bad = du.write(os.path.join(tmp, "bad.8"),
                           text.replace(".Sh EXIT STATUS\n.Bl -tag",
                                        ".Sh EXIT STATUS\n.Bl", 1))
            r = subprocess.run(["mandoc", "-T", "lint", bad],
                               capture_output=True, text=True,
                               env=du.clean_env())
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("bad.8", r.stdout + r.stderr)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_every_option(self):
        r = subprocess.run([du.binary(), "--help"], capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 0)
        opts = set(re.findall(r"--([a-z][a-z-]+)", r.stdout))
        self.assertGreaterEqual(opts, {"listen", "workers", "check-config",
                                       "version", "help", "config"})
        man = source("man/falconieri.8")
        for o in sorted(opts):
            with self.subTest(option=o):
                self.assertTrue("Fl \\-" + o.replace("-", "\\-") in man)
        self.assertTrue(".It Fl c Ar file" in man)

    def test_every_key_and_variable(self):
        man = source("man/falconieri.8")
        conf = json.loads(source("etc/conf.json"))
        keys = set(conf) | {k for p in conf["providers"].values()
                            for k in p}
        for k in sorted(keys):
            with self.subTest(key=k):
                self.assertRegex(man, r"\.Cm %s\b" % re.escape(k))
        for v in env_variables():
            with self.subTest(variable=v):
                self.assertRegex(man, r"\b%s\b" % v)

    def test_exit_codes(self):
        man = source("man/falconieri.8")
        section = man[man.index(".Sh EXIT STATUS"):man.index(".Sh EXAMPLES")]
        for code in ("0", "1", "2"):
            self.assertIn(".It %s\n" % code, section)
        # And the program keeps them: 2 for a usage error, 1 for a bad
        # configuration.
        r = subprocess.run([du.binary(), "--no-such-option"],
                           capture_output=True)
        self.assertEqual(r.returncode, 2)
        tmp = du.make_tmpdir("exit")
        try:
            bad = du.write(os.path.join(tmp, "c.json"), "[")
            r = subprocess.run([du.binary(), "-c", bad, "--check-config"],
                               capture_output=True, env=du.clean_env())
            self.assertEqual(r.returncode, 1)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class TestOpenAPI(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.redocly = du.openapi_linter()
        cls.tmp = du.make_tmpdir("openapi")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def redocly_run(self, *args):
        env = du.clean_env({"HOME": self.tmp, "REDOCLY_TELEMETRY": "off",
                            "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
                            "NO_COLOR": "1"})
        return subprocess.run([self.redocly] + list(args),
                              capture_output=True, text=True, env=env,
                              cwd=self.tmp, timeout=300)

    def test_lint(self):
        r = self.redocly_run("lint", "--format=stylish", OPENAPI)
        out = r.stdout + r.stderr
        self.assertEqual(r.returncode, 0, out)
        self.assertNotRegex(out, r"(?i)\b\d+ (warning|error)s?\b", out)
        self.assertIn("valid", out)

    # The linter does check: a description with a dangling reference and
    # an operation without responses fails.
    def test_lint_fails_on_a_broken_description(self):
        with open(OPENAPI) as f:
            text = f.read()
        broken = text.replace('$ref: "#/components/schemas/Providers"',
                              '$ref: "#/components/schemas/Nothing"', 1)
        self.assertNotEqual(broken, text)
        path = du.write(os.path.join(self.tmp, "broken.yaml"), broken)
        r = self.redocly_run("lint", path)
        self.assertNotEqual(r.returncode, 0, r.stdout + r.stderr)

    def description(self):
        out = os.path.join(self.tmp, "openapi.json")
        r = self.redocly_run("bundle", OPENAPI, "--ext", "json",
                             "--output", out)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(out) as f:
            return json.load(f)

    # In sync with SPEC §1 and the code: the routes, the methods, every
    # error code of lib/err.c and nothing else, the providers in order.
    def test_in_sync(self):
        d = self.description()
        self.assertTrue(d["openapi"].startswith("3."))
        paths = d["paths"]
        self.assertEqual(sorted(paths), ["/batches", "/batches/{id}",
                                         "/batches/{id}/devices",
                                         "/health/check", "/metrics",
                                         "/providers",
                                         "/providers/{provider}/{mac}"])
        methods = {p: sorted(k for k in v if k != "parameters")
                   for p, v in paths.items()}
        self.assertEqual(methods["/providers/{provider}/{mac}"],
                         ["delete", "get", "put"])
        lookup = d["components"]["schemas"]["Lookup"]
        self.assertEqual(lookup["properties"]["state"]["enum"],
                         ["registered", "not_registered",
                          "registered_elsewhere"])
        self.assertEqual(sorted(lookup["required"]),
                         ["mac", "provider", "state", "url"])
        for p in ("/health/check", "/metrics", "/providers",
                  "/batches/{id}/devices"):
            self.assertEqual(methods[p], ["get"])
        self.assertEqual(methods["/batches"], ["get", "post"])
        self.assertEqual(methods["/batches/{id}"], ["delete", "get"])
        comp = d["components"]
        codes = comp["schemas"]["Error"]["properties"]["error"]["enum"]
        self.assertEqual(sorted(codes),
                         sorted(c for c in error_codes() if c != "ok"))
        self.assertEqual(comp["parameters"]["provider"]["schema"]["enum"],
                         PROVIDERS)
        self.assertEqual(paths["/health/check"]["get"]["security"], [])
        self.assertEqual(d["security"], [{"bearer": []}])
        mac = re.compile(comp["parameters"]["mac"]["schema"]["pattern"])
        for ok in ("AC-DE-48-23-45-67", "ac:de:48:23:45:67"):
            self.assertTrue(mac.match(ok), ok)
        for bad in ("AC-DE-48:23-45-67", "ACDE48234567", "AC-DE-48-23-45"):
            self.assertFalse(mac.match(bad), bad)


class TestInstall(unittest.TestCase):
    """make install / uninstall into a temporary DESTDIR, with the
    binary the other tests ran (-o all: nothing is rebuilt)."""

    PREFIX = "/usr"
    FILES = sorted([
        "usr/bin/falconieri",
        "usr/share/man/man8/falconieri.8",
        "usr/share/doc/falconieri/conf.json.example",
        "usr/share/doc/falconieri/deploy.md",
        "usr/share/doc/falconieri/openapi.yaml",
        "usr/share/doc/falconieri/examples/nginx-falconieri.conf",
        "usr/share/doc/falconieri/examples/nginx-falconieri-basic-auth.conf",
        "usr/share/doc/falconieri/examples/lighttpd-falconieri.conf",
        "usr/share/doc/falconieri/examples/lighttpd-falconieri-cgi.conf",
        "usr/share/doc/falconieri/examples/apache-falconieri.conf",
        "usr/share/doc/falconieri/examples/apache-falconieri-cgi.conf",
        "usr/share/doc/falconieri/examples/apache-falconieri-basic-auth.conf",
        "usr/share/doc/falconieri/examples/spawn-fcgi.sh",
        "usr/share/doc/falconieri/examples/falconieri.cgi",
        "usr/lib/falconieri/falconieri.cgi",
        "usr/lib/systemd/system/falconieri.service",
        "usr/lib/systemd/system/falconieri-socket.service",
        "usr/lib/systemd/system/falconieri.socket",
    ] + ["usr/share/falconieri/www/" + f for f in sorted(
        f for f in os.listdir(os.path.join(ROOT, "www"))
        if f.endswith((".html", ".mjs", ".css", ".svg")))])

    def make(self, target, dest):
        return subprocess.run(
            ["make", "--no-print-directory", "-o", "all", target,
             "BUILD=" + du.build_dir(), "PREFIX=" + self.PREFIX,
             "DESTDIR=" + dest], cwd=ROOT, capture_output=True, text=True,
            timeout=300)

    def files(self, dest):
        out = []
        for d, _, names in os.walk(dest):
            out += [os.path.relpath(os.path.join(d, n), dest) for n in names]
        return sorted(out)

    def test_install_and_uninstall(self):
        dest = du.make_tmpdir("destdir")
        try:
            r = self.make("install", dest)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertEqual(self.files(dest), self.FILES)
            self.check_installed(dest)
            r = self.make("uninstall", dest)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertEqual(self.files(dest), [])
        finally:
            shutil.rmtree(dest, ignore_errors=True)

    def check_installed(self, dest):
        def path(rel):
            return os.path.join(dest, rel)

        def mode(rel):
            return os.stat(path(rel)).st_mode & 0o777

        self.assertEqual(mode("usr/bin/falconieri"), 0o755)
        self.assertEqual(mode("usr/lib/falconieri/falconieri.cgi"), 0o755)
        self.assertEqual(mode("usr/share/man/man8/falconieri.8"), 0o644)
        self.assertEqual(mode("usr/lib/systemd/system/falconieri.service"),
                         0o644)
        r = subprocess.run([path("usr/bin/falconieri"), "--version"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0)
        self.assertTrue(r.stdout.startswith("falconieri "), r.stdout)
        # The installed units and scripts name the installed binary.
        for rel in ("usr/lib/systemd/system/falconieri.service",
                    "usr/lib/systemd/system/falconieri-socket.service",
                    "usr/lib/falconieri/falconieri.cgi",
                    "usr/share/doc/falconieri/examples/spawn-fcgi.sh"):
            with open(path(rel)) as f:
                text = f.read()
            with self.subTest(file=rel):
                self.assertIn("/usr/bin/falconieri", text)
                self.assertNotIn("/usr/local/", text)
        with open(path("usr/share/doc/falconieri/examples/"
                       "lighttpd-falconieri-cgi.conf")) as f:
            self.assertIn('"/usr/lib/falconieri/falconieri.cgi"', f.read())
        with open(path("usr/share/doc/falconieri/conf.json.example")) as f:
            self.assertIn("providers", json.load(f))
        # The nginx example serves the installed operator page.
        with open(path("usr/share/doc/falconieri/examples/"
                       "nginx-falconieri.conf")) as f:
            self.assertIn("root /usr/share/falconieri/www;", f.read())
        self.assertEqual(mode("usr/share/falconieri/www/index.html"), 0o644)
