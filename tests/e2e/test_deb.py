"""The Debian package installed for real on this machine (it needs root):
built once per run with scripts/deb.sh (make deb), checked by lintian,
installed with dpkg, configured, run with its unit's ExecStart command
line by hand (there may be no systemd as PID 1) behind nginx with the
installed snippet, then upgraded from a previous version with an edited
conffile, removed and purged.

The package is a machine-wide thing: a lock file serialises the classes
that install it (run.py runs each class in a process of its own, and
other checkouts may run these tests at the same time), a falconieri
package installed before them is left alone (they refuse to run), and
each purges it at its end, also on failure.
"""

import fcntl
import grp
import json
import os
import pwd
import re
import shlex
import shutil
import stat
import subprocess
import tempfile
import time
import unittest

import deploy_util as du
import harness
from harness import ROOT, free_port

DEBDIR = os.path.join(ROOT, "build", "deb")
MACHINE_LOCK = "/run/lock/falconieri-deb-test.lock"
CONF = "/etc/falconieri/conf.json"
STATE = "/var/lib/falconieri"
SNIPPET = "/etc/nginx/snippets/falconieri.conf"
UNITDIR = "/lib/systemd/system"
UNITS = ("falconieri.service", "falconieri-socket.service",
         "falconieri.socket")
STORE = "sqlite:/var/lib/falconieri/batches.db"
ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
       "DEBIAN_FRONTEND": "noninteractive", "LC_ALL": "C.UTF-8"}

# What setUpModule made: the two packages, a temporary folder.
pkg = {}


def run(argv, cwd=None, timeout=600, env=None):
    """argv's CompletedProcess, output as text, no standard input."""
    e = dict(ENV)
    e.update(env or {})
    return subprocess.run(argv, cwd=cwd, env=e, capture_output=True,
                          text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def dpkg(*args):
    """dpkg ARGS, waiting while another dpkg or apt holds dpkg's lock (the
    machine may be installing packages for another run)."""
    end = time.monotonic() + 600
    while True:
        r = run(["dpkg"] + list(args))
        if r.returncode == 0 or "lock" not in r.stderr or \
                time.monotonic() > end:
            return r
        time.sleep(2)


def status():
    """The package's dpkg status ("installed", "config-files", ...), or
    "not-installed"."""
    r = run(["dpkg-query", "-W", "-f=${db:Status-Status}", "falconieri"])
    return r.stdout.strip() if r.returncode == 0 else "not-installed"


def version():
    return run(["dpkg-query", "-W", "-f=${Version}",
                "falconieri"]).stdout.strip()


def ok(r, what):
    if r.returncode != 0:
        raise AssertionError("%s failed (%d):\n%s%s"
                             % (what, r.returncode, r.stdout, r.stderr))
    return r


def purge():
    if status() != "not-installed":
        ok(dpkg("--purge", "falconieri"), "dpkg -P falconieri")


def lock(path, what):
    """Takes the lock file path (waits up to 800 s, less than run.py gives
    a class); returns its descriptor."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    end = time.monotonic() + 800
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() > end:
                os.close(fd)
                raise AssertionError("%s: %s held for 800 s" % (what, path))
            time.sleep(1)


def take_machine():
    """The machine-wide lock of the installing tests; refuses a machine
    where a falconieri package is installed (not by these tests)."""
    fd = lock(MACHINE_LOCK, "the package tests of another run")
    if status() != "not-installed":
        os.close(fd)
        raise AssertionError(
            "a falconieri package (%s) is installed on this machine: the "
            "tests would replace it (remove it with dpkg -P falconieri "
            "first)" % status())
    return fd


def release_machine(fd):
    """Purges the package, then lets the next run have the machine."""
    try:
        purge()
    finally:
        os.close(fd)


class MachineTest(unittest.TestCase):
    """A test class that installs the package: it holds the machine lock
    from setUpClass to tearDownClass, and purges the package at the end,
    also when the class fails."""

    @classmethod
    def setUpClass(cls):
        cls.machine = take_machine()
        try:
            super().setUpClass()
            cls.prepare()
        except BaseException:
            release_machine(cls.machine)
            raise

    @classmethod
    def prepare(cls):
        """What the class sets up once the machine is its own."""

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            release_machine(cls.machine)


def build_previous(changes_version):
    """The package once more, with a version just below the checkout's, from
    a copy of the tree scripts/deb.sh built (objects included, so only
    the packaging runs again) in DEBDIR/previous; returns the .deb's path.
    Reused while the checkout's package is the same."""
    prev = changes_version + "~prev1"
    out = os.path.join(DEBDIR, "previous")
    stamp = read(os.path.join(DEBDIR, "sources.sha256"))
    if os.path.exists(out) and read(os.path.join(out, "sources.sha256")) \
            == stamp:
        return deb_path(out, prev)
    shutil.rmtree(out, ignore_errors=True)
    src = os.path.join(out, "src")
    os.makedirs(out)
    ok(run(["cp", "-a", os.path.join(DEBDIR, "src"), src]), "cp")
    os.remove(os.path.join(src, "debian", "files"))
    ok(run(["dch", "--force-bad-version", "--newversion", prev,
            "--distribution", "unstable", "--force-distribution",
            "Previous version, for the upgrade test."], cwd=src,
           env={"DEBEMAIL": "tests@localhost", "DEBFULLNAME": "Tests"}),
       "dch")
    ok(run(["dpkg-buildpackage", "-us", "-uc", "-b", "-nc"], cwd=src),
       "dpkg-buildpackage of the previous version")
    du.write(os.path.join(out, "sources.sha256"), stamp)
    return deb_path(out, prev)


def deb_path(folder, ver):
    arch = run(["dpkg", "--print-architecture"]).stdout.strip()
    path = os.path.join(folder, "falconieri_%s_%s.deb" % (ver, arch))
    if not os.path.isfile(path):
        raise AssertionError("no %s" % path)
    return path


def setUpModule():
    """Builds the packages once for all the classes (each class may run in
    a process of its own: the first builds, the others find the build)."""
    if os.geteuid() != 0:
        raise AssertionError("the package tests install a package: run "
                             "them as root")
    du.need("dpkg-buildpackage", "dch", "lintian", "nginx", "setpriv",
            "systemd-analyze")
    os.makedirs(DEBDIR, exist_ok=True)
    fd = lock(os.path.join(os.path.dirname(DEBDIR), "deb.lock"),
              "the package build")
    try:
        # lintian runs as a test of its own (TestDebBuild).
        ok(run(["sh", os.path.join(ROOT, "scripts", "deb.sh"), DEBDIR,
                "--no-lintian"], cwd=ROOT, timeout=1200), "scripts/deb.sh")
        ver = run(["dpkg-parsechangelog", "-l",
                   os.path.join(ROOT, "debian", "changelog"),
                   "-S", "Version"]).stdout.strip()
        pkg["version"] = ver
        pkg["deb"] = deb_path(DEBDIR, ver)
        pkg["prev"] = build_previous(ver)
    finally:
        os.close(fd)
    pkg["tmp"] = tempfile.mkdtemp(prefix="falconieri-deb-")


def tearDownModule():
    if "tmp" in pkg:
        shutil.rmtree(pkg["tmp"], ignore_errors=True)


def install(deb):
    """dpkg -i deb, without a terminal: a conffile question would fail."""
    ok(dpkg("--install", deb), "dpkg -i %s" % os.path.basename(deb))


def edit_conf(change):
    """Rewrites CONF in place (its owner and mode stay) with change(dict)
    applied; returns the new text."""
    with open(CONF) as f:
        conf = json.load(f)
    change(conf)
    text = json.dumps(conf, indent=2) + "\n"
    with open(CONF, "w") as f:
        f.write(text)
    return text


def as_user(user, argv):
    """argv run as user and its group, as systemd's User=/Group= do."""
    return ["setpriv", "--reuid=" + user, "--regid=" + user,
            "--init-groups"] + argv


def unit_values(name, key):
    with open(os.path.join(UNITDIR, name)) as f:
        return re.findall(r"^%s=(.*)$" % re.escape(key), f.read(), re.M)


def read(path):
    """path's text, "" when there is no such file."""
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return ""


class TestDebBuild(unittest.TestCase):
    """What the build produced, before anything is installed."""

    # lintian on the .changes checks it and every .deb it names.
    def test_lintian_no_error_no_warning(self):
        changes = pkg["deb"][:-len(".deb")] + ".changes"
        r = run(["lintian", "--fail-on", "error,warning", changes])
        tags = [line for line in r.stdout.splitlines()
                if re.match(r"^[EW]: ", line)]
        self.assertEqual((r.returncode, tags), (0, []),
                         r.stdout + r.stderr)

    # Build-Depends names every development package the compile needs
    # (the build part of scripts/deps.sh) but cmocka, for the unit tests,
    # which the package build does not run.
    def test_build_depends_follow_deps_sh(self):
        deps = read(os.path.join(ROOT, "scripts", "deps.sh"))
        compile_part = deps[:deps.index('[ "${1:-}" = build ]')]
        wanted = set(re.findall(r"^need_pkg (lib\S+-dev)$", compile_part,
                                re.M)) - {"libc6-dev", "libcmocka-dev"}
        self.assertIn("libcurl4-openssl-dev", wanted)
        control = read(os.path.join(ROOT, "debian", "control"))
        field = re.search(r"^Build-Depends:(.*?)^\S", control, re.M | re.S)
        names = set(re.findall(r"[a-z0-9][a-z0-9+.-]+", field.group(1)))
        self.assertEqual(wanted - names, set())

    # An override must say why, in a comment right above it.
    def test_lintian_overrides_commented(self):
        folder = os.path.join(ROOT, "debian")
        for name in os.listdir(folder):
            if not name.endswith("lintian-overrides"):
                continue
            previous = ""
            for line in read(os.path.join(folder, name)).splitlines():
                if line.strip() and not line.startswith("#"):
                    self.assertTrue(previous.startswith("#"),
                                    "%s: %r has no comment" % (name, line))
                previous = line

    # Depends names the package of every library the program links
    # (dh_shlibdeps), so the list follows the Makefile.
    def test_depends_computed_from_the_binary(self):
        control = read(os.path.join(ROOT, "debian", "control"))
        self.assertIn("${shlibs:Depends}", control)
        tmp = os.path.join(pkg["tmp"], "unpacked")
        ok(run(["dpkg-deb", "-x", pkg["deb"], tmp]), "dpkg-deb -x")
        elf = run(["readelf", "-d", os.path.join(tmp, "usr/sbin/falconieri")])
        needed = re.findall(r"\(NEEDED\).*\[(.+)\]", ok(elf, "readelf").stdout)
        self.assertIn("libcurl.so.4", needed)
        depends = ok(run(["dpkg-deb", "-f", pkg["deb"], "Depends"]),
                     "dpkg-deb -f").stdout
        names = {d.split()[0] for d in depends.replace("|", ",").split(",")}
        for so in needed:
            owners = ok(run(["dpkg", "-S", "*/" + so]), "dpkg -S " + so)
            packages = {p.split(":")[0] for line in
                        owners.stdout.splitlines()
                        for p in line.split(": ")[0].split(", ")}
            self.assertTrue(packages & names, "%s (%s) not in Depends: %s"
                            % (so, packages, depends))


class TestDebInstalled(MachineTest, du.DeployTest):
    """A fresh dpkg -i; the conffile filled in for the Snom simulator;
    falconieri.service's ExecStart run by hand as its User=; nginx with a
    server {} that includes the installed snippet (ports substituted, as
    the other deployment tests do)."""

    PREFIX = ""
    CONFIG = {}

    @classmethod
    def start(cls, sim, tmp):
        install(pkg["deb"])
        cls.shipped_conf = read(CONF)
        conf = du.conf_json(sim)
        edit_conf(lambda c: c.update(harness._merge(c, conf)))
        cls.check = run(as_user("falconieri", [
            "/usr/sbin/falconieri", "-c", CONF, "--check-config"]))
        fport = free_port()
        line = du.substitute(unit_values("falconieri.service",
                                         "ExecStart")[-1],
                             (("127.0.0.1:9000", "127.0.0.1:%d" % fport),))
        user = unit_values("falconieri.service", "User")[-1]
        cls.falconieri = du.Proc(as_user(user, shlex.split(line)),
                                 os.path.join(tmp, "falconieri.log"),
                                 env=du.clean_env(), cwd="/",
                                 what="falconieri")
        cls.procs.append(cls.falconieri)
        du.wait_tcp(fport, cls.falconieri, "falconieri")
        return cls.nginx(tmp, fport)

    @classmethod
    def nginx(cls, tmp, fport):
        """nginx with a site that includes the installed snippet."""
        snippet = du.write(os.path.join(tmp, "snippet.conf"), du.substitute(
            read(SNIPPET), (("fastcgi_pass 127.0.0.1:9000;",
                             "fastcgi_pass 127.0.0.1:%d;" % fport),)))
        port = free_port()
        site = du.write(os.path.join(tmp, "site.conf"),
                        "server {\n    listen 127.0.0.1:%d;\n"
                        "    include %s;\n}\n" % (port, snippet))
        conf = du.write(os.path.join(tmp, "nginx.conf"),
                        harness.nginx_main_conf(tmp, site))
        p = du.Proc(["nginx", "-p", tmp, "-c", conf,
                     "-e", os.path.join(tmp, "error.log")],
                    os.path.join(tmp, "nginx.log"), what="nginx")
        cls.procs.append(p)
        du.wait_tcp(port, p, "nginx")
        return port

    def test_files_in_place(self):
        self.assertTrue(os.access("/usr/sbin/falconieri", os.X_OK))
        r = ok(run(["/usr/sbin/falconieri", "--version"]), "--version")
        self.assertEqual(r.stdout.split()[:1], ["falconieri"])
        self.assertTrue(os.path.isfile("/usr/share/man/man8/falconieri.8.gz"))
        for name in UNITS:
            self.assertTrue(os.path.isfile(os.path.join(UNITDIR, name)), name)
        self.assertTrue(os.path.isfile(SNIPPET))
        page = sorted(f for f in os.listdir(os.path.join(ROOT, "www"))
                      if f.endswith((".html", ".mjs", ".css", ".svg")))
        self.assertIn("index.html", page)
        self.assertEqual(sorted(os.listdir("/usr/share/falconieri/www")),
                         page)

    # The snippet is nginx/falconieri.conf's server block, so what the
    # other tests prove of that file holds for the package too.
    def test_snippet_made_from_the_repository_config(self):
        r = ok(run(["sh", os.path.join(ROOT, "scripts", "nginx-snippet.sh"),
                    os.path.join(ROOT, "nginx", "falconieri.conf")]),
               "nginx-snippet.sh")
        self.assertEqual(read(SNIPPET), r.stdout)
        words = [line.split()[0] for line in r.stdout.splitlines()
                 if line.strip() and not line.lstrip().startswith("#")]
        self.assertIn("location", words)
        self.assertNotIn("listen", words)
        self.assertNotIn("upstream", words)

    # conf.json: a conffile, 0640 root:falconieri, the batch store in
    # /var/lib/falconieri; the snippet is a conffile too.
    def test_conffiles(self):
        conffiles = run(["dpkg-query", "-W", "-f=${Conffiles}",
                         "falconieri"]).stdout.split()
        self.assertIn(CONF, conffiles)
        self.assertIn(SNIPPET, conffiles)
        st = os.stat(CONF)
        self.assertEqual((stat.S_IMODE(st.st_mode), st.st_uid,
                          grp.getgrgid(st.st_gid).gr_name),
                         (0o640, 0, "falconieri"))
        self.assertEqual(json.loads(self.shipped_conf)["batch_store"], STORE)

    # The service keeps its batches where the shipped conf.json says,
    # /var/lib/falconieri, writing there as falconieri; a batch posted
    # through the snippet reaches the simulator.
    def test_batch_stored_in_var_lib(self):
        body = {"action": "register", "devices": [
            {"provider": "snom", "mac": du.MAC, "url": du.URL}]}
        st, hdrs, raw, js = self.req("POST", "/batches", body, du.auth())
        self.assertEqual(st, 202, raw)
        end = time.monotonic() + 60
        while js.get("state") != "done" and time.monotonic() < end:
            time.sleep(0.2)
            st, _, raw, js = du.request(self.port, "GET", hdrs["location"],
                                        headers=du.auth())
            self.assertEqual(st, 200, raw)
        self.assertEqual((js["state"], js["succeeded"]), ("done", 1), raw)
        self.assertEqual(self.sim.registry, {du.MAC12: du.URL})
        db = os.path.join(STATE, "batches.db")
        self.assertEqual(pwd.getpwuid(os.stat(db).st_uid).pw_name,
                         "falconieri")

    # The operator page: the repository's www/ as installed, through the
    # snippet, with the types and the policy the page needs.
    def test_operator_page(self):
        for path, name, ctype in (("/", "index.html", "text/html"),
                                  ("/app.mjs", "app.mjs", "text/javascript"),
                                  ("/app.css", "app.css", "text/css")):
            st, hdrs, body, _ = du.request(self.port, "GET", path)
            self.assertEqual(st, 200, path)
            self.assertTrue(hdrs["content-type"].startswith(ctype),
                            (path, hdrs))
            self.assertIn("connect-src 'self'",
                          hdrs.get("content-security-policy", ""))
            with open(os.path.join(ROOT, "www", name), "rb") as f:
                self.assertEqual(body, f.read(), path)

    def test_system_user(self):
        user = pwd.getpwnam("falconieri")
        self.assertLess(user.pw_uid, 1000)
        self.assertEqual(grp.getgrgid(user.pw_gid).gr_name, "falconieri")
        self.assertEqual(user.pw_dir, STATE)
        self.assertIn(os.path.basename(user.pw_shell), ("nologin", "false"))

    def test_state_folder(self):
        st = os.stat(STATE)
        self.assertEqual((stat.S_IMODE(st.st_mode),
                          pwd.getpwuid(st.st_uid).pw_name),
                         (0o750, "falconieri"))

    # Installed, not enabled: no unit is linked into a target, and
    # deb-systemd-helper (what dh_installsystemd's scripts use when systemd
    # is not running) does not consider any enabled.
    def test_units_not_enabled(self):
        for folder, _, files in os.walk("/etc/systemd/system"):
            for f in files:
                self.assertNotIn("falconieri", f, os.path.join(folder, f))
        for name in UNITS:
            r = run(["deb-systemd-helper", "--quiet", "was-enabled", name])
            self.assertNotEqual(r.returncode, 0, name)

    def test_units_pass_the_conffile(self):
        for name in ("falconieri.service", "falconieri-socket.service"):
            line = unit_values(name, "ExecStart")[-1]
            self.assertEqual(shlex.split(line)[:3],
                             ["/usr/sbin/falconieri", "-c", CONF])
            self.assertEqual(unit_values(name, "StateDirectory"),
                             ["falconieri"])

    def test_systemd_analyze_verify(self):
        r = run(["systemd-analyze", "verify", "--man=no"] +
                [os.path.join(UNITDIR, u) for u in UNITS], cwd=pkg["tmp"])
        self.assertEqual((r.returncode, r.stdout + r.stderr), (0, ""))

    def test_check_config_as_falconieri(self):
        self.assertEqual(self.check.returncode, 0,
                         self.check.stdout + self.check.stderr)
        self.assertIn("snom", self.check.stdout)

    # The process serving the requests is the installed program, run as
    # the unit's user.
    def test_served_by_the_installed_program(self):
        pid = self.falconieri.pid
        self.assertEqual(os.readlink("/proc/%d/exe" % pid),
                         "/usr/sbin/falconieri")
        self.assertEqual(pwd.getpwuid(os.stat("/proc/%d" % pid).st_uid)
                         .pw_name, "falconieri")


class TestDebLifecycle(MachineTest):
    """The previous version installed and its conffile edited, the
    checkout's version installed over it, then dpkg -r and dpkg -P.  The
    steps run in the order of their names."""

    EDIT = {"base_path": "/edited", "api_tokens": ["edited-token"]}

    @classmethod
    def prepare(cls):
        install(pkg["prev"])
        cls.edited = edit_conf(lambda c: c.update(cls.EDIT))
        cls.data = os.path.join(STATE, "data-of-the-operator")
        ok(run(as_user("falconieri", ["touch", cls.data])), "touch")

    def assertEdited(self):
        self.assertEqual(read(CONF), self.edited)
        st = os.stat(CONF)
        self.assertEqual((stat.S_IMODE(st.st_mode),
                          grp.getgrgid(st.st_gid).gr_name),
                         (0o640, "falconieri"))

    def test_1_upgrade_keeps_the_edited_conffile(self):
        self.assertNotEqual(version(), pkg["version"])
        install(pkg["deb"])
        self.assertEqual((status(), version()),
                         ("installed", pkg["version"]))
        self.assertEdited()
        self.assertEqual([f for f in os.listdir("/etc/falconieri")
                          if f != "conf.json"], [])
        self.assertTrue(os.path.exists(self.data))

    def test_2_remove_keeps_config_and_data(self):
        ok(dpkg("--remove", "falconieri"), "dpkg -r")
        self.assertEqual(status(), "config-files")
        self.assertFalse(os.path.exists("/usr/sbin/falconieri"))
        self.assertEdited()
        self.assertTrue(os.path.exists(self.data))
        self.assertTrue(os.path.exists(SNIPPET))

    # The user stays (Debian's practice: files it owned may outlive the
    # package, and a new user given its uid would own them).
    def test_3_purge_removes_config_and_data(self):
        ok(dpkg("--purge", "falconieri"), "dpkg -P")
        self.assertEqual(status(), "not-installed")
        for path in ("/etc/falconieri", STATE, SNIPPET):
            self.assertFalse(os.path.exists(path), path)
        self.assertEqual(pwd.getpwnam("falconieri").pw_dir, STATE)


if __name__ == "__main__":
    unittest.main()
