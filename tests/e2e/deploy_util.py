"""Helpers of the deployment tests (tests/e2e/test_deploy_*.py): run the
real web servers and spawners of Debian with configurations generated from
the examples in etc/ (only ports and paths substituted), on 127.0.0.1 and
in temporary directories, and stop everything they started.

A deployment test is a subclass of DeployTest that starts its servers in
start() and says where the API is mounted; DeployTest holds the smoke set
every deployment must pass (a registration against the Snom simulator, a
validation error, base_path mounting, the API token).
"""

import base64
import http.client
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import harness
import xmlrpc_sim
from harness import ROOT, build_dir, free_port, wait_port

ETC = os.path.join(ROOT, "etc")
TOKEN = "deploy-token-0123456789"
MAC = "AC-DE-48-23-45-67"
MAC12 = "ACDE48234567"
URL = "https://pbx.example.com/prov/?a=1&b=2"


def binary():
    path = os.path.join(build_dir(), "falconieri")
    if not os.access(path, os.X_OK):
        raise RuntimeError("no binary %s (run make)" % path)
    return path


def need(*commands):
    """Fails (never skips) when a command the test needs is missing:
    scripts/deps.sh installs them all."""
    for c in commands:
        if shutil.which(c) is None and not os.path.exists(c):
            raise AssertionError("%s is not installed (run make deps)" % c)


def example(name):
    with open(os.path.join(ETC, name)) as f:
        return f.read()


def substitute(text, pairs):
    """text with each (old, new) replaced; an old string that does not
    occur fails, so a changed example cannot silently keep its defaults."""
    for old, new in pairs:
        if old not in text:
            raise AssertionError("%r not found in the example" % old)
        text = text.replace(old, new)
    return text


def make_tmpdir(prefix, shared=False):
    """A temporary directory; shared: readable by the unprivileged user a
    server's children run as."""
    d = tempfile.mkdtemp(prefix="falconieri-%s-" % prefix)
    if shared:
        os.chmod(d, 0o755)
    return d


def write(path, text, mode=0o644):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def conf_json(sim, extra=None):
    """conf.json with the Snom simulator as provider snom, one API token
    and extra merged over it."""
    conf = {"providers": {"snom": {"user": sim.user,
                                   "password": sim.password,
                                   "rpc_url": sim.url}},
            "api_tokens": [TOKEN],
            "connect_timeout_ms": 2000, "timeout_ms": 5000}
    return harness._merge(conf, extra or {})


def clean_env(extra=None):
    """The environment of the processes started here: PATH, the sanitizer
    settings, and extra (no FALCONIERI_* or vendor variable leaks in)."""
    e = {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")}
    for k in harness.PASS_ENV:
        if k in os.environ:
            e[k] = os.environ[k]
    e.update(extra or {})
    return e


class Proc:
    """A started process, its stdout and stderr in log (a file); a web
    server's own log files (where CGI programs' stderr goes) in
    extra_logs."""

    def __init__(self, argv, log, env=None, cwd=None, what=None,
                 stdin=subprocess.DEVNULL, pass_fds=(), extra_logs=()):
        self.what = what or os.path.basename(argv[0])
        self.log_path = log
        self.extra_logs = tuple(extra_logs)
        self.out = open(log, "ab")
        self.proc = subprocess.Popen(argv, stdin=stdin, stdout=self.out,
                                     stderr=self.out, env=env, cwd=cwd,
                                     pass_fds=pass_fds)

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def log(self):
        return "".join(read(p) for p in (self.log_path,)
                       + self.extra_logs)

    def stop(self, timeout=15):
        """SIGTERM, then SIGKILL after timeout; returns the exit status
        (None when it had to be killed)."""
        rc = self.proc.poll()
        if rc is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                rc = None
        self.out.close()
        return rc


def wait_unix(path, proc=None, timeout=15.0, what="server"):
    """Waits until the Unix socket path exists."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc is not None and not proc.alive():
            raise RuntimeError("%s exited before listening:\n%s"
                               % (what, proc.log()))
        if os.path.exists(path):
            return
        time.sleep(0.02)
    raise RuntimeError("%s made no socket %s" % (what, path))


def wait_tcp(port, proc, what):
    try:
        wait_port(port, proc.proc, what=what)
    except RuntimeError as e:
        raise RuntimeError("%s\n%s" % (e, proc.log()))


def request(port, method, path, body=None, headers=None, timeout=30):
    """One request to 127.0.0.1:port: (status, headers with lower-case
    names, body bytes, parsed JSON or None)."""
    hdrs = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode() if isinstance(body, dict) \
            else body.encode()
        hdrs.setdefault("Content-Type", "application/json")
        hdrs["Content-Length"] = str(len(data))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=data, headers=hdrs)
        resp = conn.getresponse()
        rbody = resp.read()
        rheaders = {k.lower(): v for k, v in resp.getheaders()}
    finally:
        conn.close()
    return resp.status, rheaders, rbody, parse_json(rheaders, rbody)


def parse_json(headers, body):
    if not headers.get("content-type", "").startswith("application/json"):
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def auth(token=TOKEN):
    return {"Authorization": "Bearer " + token}


def nginx(tmp, upstream, procs, site=harness.site_conf):
    """nginx with the site file site(port, upstream) writes (by default
    the repository's nginx/falconieri.conf), upstream being
    "127.0.0.1:PORT" or "unix:PATH"; returns its port."""
    need("nginx")
    port = free_port()
    inc = write(os.path.join(tmp, "site.conf"), site(port, upstream))
    conf = write(os.path.join(tmp, "nginx.conf"),
                 harness.nginx_main_conf(tmp, inc))
    p = Proc(["nginx", "-p", tmp, "-c", conf,
              "-e", os.path.join(tmp, "error.log")],
             os.path.join(tmp, "nginx.log"), what="nginx")
    procs.append(p)
    wait_tcp(port, p, "nginx")
    return port


def htpasswd(path, user, password):
    """Writes an htpasswd file with user's bcrypt hash (htpasswd reads
    the password on its standard input, never from argv)."""
    need("htpasswd")
    r = subprocess.run(["htpasswd", "-i", "-c", "-B", path, user],
                       input=password, capture_output=True, text=True,
                       timeout=30)
    if r.returncode != 0:
        raise AssertionError("htpasswd failed: %s" % r.stderr)
    os.chmod(path, 0o644)
    return path


def nginx_basic_auth(tmp, upstream, passwords, procs):
    """nginx with nginx/falconieri-basic-auth.conf, its password file
    replaced by passwords; returns its port."""
    def site(port, up):
        with open(os.path.join(ROOT, "nginx",
                               "falconieri-basic-auth.conf")) as f:
            text = f.read()
        return substitute(text, (
            ("listen 127.0.0.1:8080", "listen 127.0.0.1:%d" % port),
            ("server 127.0.0.1:9000", "server " + up),
            ("/etc/nginx/falconieri.htpasswd;", passwords + ";")))
    return nginx(tmp, upstream, procs, site)


def basic(user, password):
    """An Authorization header with HTTP Basic credentials."""
    raw = ("%s:%s" % (user, password)).encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def falconieri_listen(tmp, conf_path, procs, env=None):
    """Falconieri on --listen 127.0.0.1:PORT; returns (Proc, port)."""
    port = free_port()
    p = Proc([binary(), "-c", conf_path, "--listen", "127.0.0.1:%d" % port,
              "--workers", "4"], os.path.join(tmp, "falconieri.log"),
             env=clean_env(env), cwd=tmp, what="falconieri")
    procs.append(p)
    wait_tcp(port, p, "falconieri")
    return p, port


class DeployTest(unittest.TestCase):
    """The smoke set of one deployment.  A subclass sets PREFIX (where the
    API is mounted, "" for the root) and implements start(cls, sim, tmp),
    which starts the servers (appending each Proc to cls.procs, the
    falconieri one as cls.falconieri when it is a daemon) and returns the
    web server's port.  OUTSIDE: a path outside the mount that still
    reaches Falconieri (so it must answer 404 not_found), or None."""

    PREFIX = "/falconieri"
    OUTSIDE = None
    CONFIG = {"base_path": "/falconieri"}
    procs = None
    falconieri = None
    sim = None

    @classmethod
    def setUpClass(cls):
        cls.procs = []
        cls.tmp = make_tmpdir(cls.__name__.lower(), shared=True)
        cls.sim = xmlrpc_sim.start("snom", "user-snom", "secret-snom")
        try:
            cls.port = cls.start(cls.sim, cls.tmp)
        except Exception:
            cls.stop_all()
            raise

    @classmethod
    def stop_all(cls):
        """Stops what the class started, last first; returns problems."""
        problems = []
        for p in reversed(cls.procs or []):
            rc = p.stop()
            if p is cls.falconieri and rc != 0:
                problems.append("falconieri exited with %s on SIGTERM:\n%s"
                                % (rc, p.log()[-5000:]))
            for w in harness.SANITIZER_WORDS:
                if w in p.log():
                    problems.append("sanitizer report in %s's log:\n%s"
                                    % (p.what, p.log()[-20000:]))
                    break
        cls.procs = []
        if cls.sim is not None:
            cls.sim.stop()
            cls.sim = None
        if not problems:
            shutil.rmtree(cls.tmp, ignore_errors=True)
        return problems

    @classmethod
    def tearDownClass(cls):
        if cls.procs is None:
            return
        problems = cls.stop_all()
        if problems:
            raise AssertionError("\n".join(problems))

    @classmethod
    def conf_file(cls, sim, tmp, extra=None):
        """Writes conf.json (readable by the web server's user)."""
        conf = conf_json(sim, harness._merge(cls.CONFIG, extra or {}))
        return write(os.path.join(tmp, "conf.json"), json.dumps(conf))

    def setUp(self):
        self.sim.reset()

    def logs(self):
        return "\n".join("--- %s\n%s" % (p.what, p.log()[-3000:])
                         for p in self.procs)

    def req(self, method, path, body=None, headers=None):
        return request(self.port, method, self.PREFIX + path, body, headers)

    def assertAnswer(self, resp, status, code=None):
        st, hdrs, body, js = resp
        got = (st, js.get("error") if isinstance(js, dict) else None)
        self.assertEqual(got, (status, code),
                         "body %r\n%s" % (body[:300], self.logs()))

    # A registration and a deregistration reach the simulator, with the
    # API token passed through by the web server.
    def test_register_and_deregister(self):
        dev = "/providers/snom/" + MAC
        resp = self.req("PUT", dev, {"url": URL}, auth())
        self.assertAnswer(resp, 200)
        self.assertEqual(resp[2], b"")
        self.assertEqual(self.sim.registry, {MAC12: URL})
        self.assertEqual(self.sim.calls[0].params, (MAC12, URL))
        self.assertAnswer(self.req("DELETE", dev, headers=auth()), 200)
        self.assertEqual(self.sim.registry, {})

    # Falconieri's own checks answer through the server, and no vendor is
    # called.
    def test_validation_errors(self):
        resp = self.req("PUT", "/providers/snom/AC-DE-48-23-45-ZZ",
                        {"url": URL}, auth())
        self.assertAnswer(resp, 400, "malformed_mac_address")
        self.assertTrue(resp[1].get("content-type", "")
                        .startswith("application/json"), resp[1])
        self.assertAnswer(self.req("PUT", "/providers/snom/" + MAC,
                                   {"sn": "x"}, auth()), 400, "missing_url")
        self.assertAnswer(self.req("PUT", "/providers/snom/" + MAC,
                                   {"url": "gopher://x/"}, auth()),
                          400, "unsupported_url_scheme")
        self.assertAnswer(self.req("PUT", "/providers/acme/" + MAC,
                                   {"url": URL}, auth()),
                          404, "provider_not_supported")
        self.assertEqual(self.sim.calls, [])

    # Every route works under the mount point; what reaches Falconieri
    # outside it is not_found.
    def test_base_path_mounting(self):
        resp = self.req("GET", "/health/check")
        self.assertAnswer(resp, 200)
        self.assertEqual(resp[2], b"")
        resp = self.req("GET", "/providers", headers=auth())
        self.assertAnswer(resp, 200)
        self.assertEqual(resp[3], {"providers": ["snom"]})
        self.assertAnswer(self.req("GET", "/no/such/route"), 404,
                          "not_found")
        self.assertAnswer(self.req("POST", "/providers", "{}", auth()),
                          405, "method_not_allowed")
        if self.OUTSIDE is not None:
            self.assertAnswer(request(self.port, "GET", self.OUTSIDE,
                                   headers=auth()), 404, "not_found")

    # The Authorization header reaches Falconieri, and without it the
    # request is refused before any vendor call.
    def test_token(self):
        dev = "/providers/snom/" + MAC
        self.assertAnswer(self.req("PUT", dev, {"url": URL}), 401,
                          "unauthorized")
        self.assertAnswer(self.req("PUT", dev, {"url": URL},
                                   auth("wrong")), 401, "unauthorized")
        self.assertEqual(self.sim.calls, [])


# The OpenAPI linter, from the npm registry: pinned, installed once into a
# cache directory (FALCONIERI_NPM_CACHE, else ~/.cache/falconieri/npm).
REDOCLY = "@redocly/cli@2.77.0"


def openapi_linter():
    """The path of the redocly command, installed with npm when missing.
    Fails (never skips) when it cannot be had: the API description must
    be checked in CI."""
    need("npm", "node")
    cache = os.environ.get("FALCONIERI_NPM_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or
        os.path.join(os.path.expanduser("~"), ".cache"),
        "falconieri", "npm")
    prefix = os.path.join(cache, REDOCLY.replace("/", "_"))
    cmd = os.path.join(prefix, "node_modules", ".bin", "redocly")
    if os.access(cmd, os.X_OK):
        return cmd
    os.makedirs(prefix, exist_ok=True)
    r = subprocess.run(["npm", "install", "--prefix", prefix, "--no-save",
                        "--no-audit", "--no-fund", "--loglevel=error",
                        REDOCLY], capture_output=True, text=True,
                       timeout=600, stdin=subprocess.DEVNULL)
    if r.returncode != 0 or not os.access(cmd, os.X_OK):
        raise AssertionError("npm install %s failed (%d):\n%s%s"
                             % (REDOCLY, r.returncode, r.stdout, r.stderr))
    return cmd
