"""Start and stop helpers of the end-to-end tests: Falconieri (the real
binary, serving FastCGI), nginx with the repository's nginx/falconieri.conf,
and the vendor simulators, all on 127.0.0.1.

A test class holds one Stack for all its tests (StackTest below):

    class TestX(StackTest):
        SIMS = ("snom",)               # simulators, configured automatically
        CONFIG = {"api_tokens": ["t"]}  # the rest of conf.json
        ENV = {"SNOM_DISABLE": "true"}  # Falconieri's environment

        def test_y(self):
            status, headers, body, js = self.stack.request("GET", "/providers")

The build directory is FALCONIERI_E2E_BUILD (run.py --build sets it).
"""

import copy
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "sim"))

import xmlrpc_sim  # noqa: E402

SANITIZER_WORDS = ("AddressSanitizer", "LeakSanitizer", "runtime error:")
# Sanitizer settings pass through the otherwise clean environment.
PASS_ENV = ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS")


def build_dir():
    return os.path.abspath(os.environ.get("FALCONIERI_E2E_BUILD",
                                          os.path.join(ROOT, "build")))


# Classes run in parallel (run.py), each with E2E_SLOT: a range of ports
# of its own, below the kernel's ephemeral range.  Ports the kernel hands
# out for bind(0) are shared by every process, so two classes could be
# given the same one before either listens on it, and a stack would then
# talk to another class's server.
SLOT_PORTS = 400
SLOT_BASE = 12000
_handed = []


def _bindable(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def free_port():
    """A TCP port on 127.0.0.1 nobody listens on right now, from this
    class's own range when run.py gave it a slot, and never the same port
    twice in one process."""
    slot = os.environ.get("E2E_SLOT")
    if slot is None:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]
        finally:
            s.close()
    base = SLOT_BASE + int(slot) * SLOT_PORTS
    for i in range(SLOT_PORTS):
        port = base + (len(_handed) + i) % SLOT_PORTS
        if port not in _handed[-SLOT_PORTS // 2:] and _bindable(port):
            _handed.append(port)
            return port
    raise RuntimeError("no free port in %d-%d" % (base, base + SLOT_PORTS))


def wait_port(port, proc=None, timeout=15.0, what="server"):
    """Waits until 127.0.0.1:port accepts; fails if proc exits first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("%s exited with status %s before listening"
                               % (what, proc.returncode))
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("%s did not listen on port %d in %.0f s"
                       % (what, port, timeout))


class Falconieri:
    """The binary serving FastCGI on 127.0.0.1:port, stderr to a file."""

    def __init__(self, build, config, env=None, workers=4, port=None):
        self.binary = os.path.join(build, "falconieri")
        if not os.access(self.binary, os.X_OK):
            raise RuntimeError("no binary %s (run make)" % self.binary)
        self.dir = tempfile.mkdtemp(prefix="falconieri-e2e-")
        self.conf = os.path.join(self.dir, "conf.json")
        with open(self.conf, "w") as f:
            json.dump(config, f, indent=2)
        self.port = port or free_port()
        self.stderr_path = os.path.join(self.dir, "stderr.log")
        e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        for k in PASS_ENV:
            if k in os.environ:
                e[k] = os.environ[k]
        e.update(env or {})
        self.stderr = open(self.stderr_path, "wb")
        argv = [self.binary, "-c", self.conf,
                "--listen", "127.0.0.1:%d" % self.port]
        if workers is not None:  # None: the default
            argv += ["--workers", str(workers)]
        self.proc = subprocess.Popen(
            argv,
            env=e, stdin=subprocess.DEVNULL, stdout=self.stderr,
            stderr=self.stderr, cwd=self.dir)
        try:
            wait_port(self.port, self.proc, what="falconieri")
        except Exception:
            self.kill()
            raise RuntimeError("falconieri did not start:\n" + self.log())

    def log(self):
        """Falconieri's stderr so far."""
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def alive(self):
        return self.proc.poll() is None

    def sanitizer_report(self):
        log = self.log()
        for w in SANITIZER_WORDS:
            if w in log:
                return log
        return None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.stderr.close()

    def stop(self):
        """SIGTERM; returns a list of problems (empty when all is well)."""
        problems = []
        if not self.alive():
            problems.append("falconieri died during the tests (status %s)"
                            % self.proc.returncode)
        else:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(15)
                if rc != 0:
                    problems.append("falconieri exited with status %d on "
                                    "SIGTERM" % rc)
            except subprocess.TimeoutExpired:
                problems.append("falconieri did not exit on SIGTERM")
        self.kill()
        rep = self.sanitizer_report()
        if rep is not None:
            problems.append("sanitizer report in falconieri's stderr")
        if problems:
            problems.append("falconieri's stderr:\n" + self.log()[-20000:])
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
        return problems


def nginx_main_conf(tmpdir, include):
    """The main nginx.conf of the tests (scripts/run.sh writes the same):
    every path under tmpdir, the site file included in http {}."""
    user = "user root;\n" if os.geteuid() == 0 else ""
    return user + (
        "daemon off;\n"
        "master_process on;\n"
        "worker_processes 2;\n"
        "pid %(d)s/nginx.pid;\n"
        "error_log %(d)s/error.log;\n"
        "events {}\n"
        "http {\n"
        "    access_log off;\n"
        "    client_body_temp_path %(d)s/body;\n"
        "    fastcgi_temp_path %(d)s/fastcgi;\n"
        "    proxy_temp_path %(d)s/proxy;\n"
        "    uwsgi_temp_path %(d)s/uwsgi;\n"
        "    scgi_temp_path %(d)s/scgi;\n"
        "    include %(inc)s;\n"
        "}\n") % {"d": tmpdir, "inc": include}


# Where nginx/falconieri.conf expects the operator page (make install's).
WWW_INSTALLED = "/usr/local/share/falconieri/www"


def site_conf(port, upstream):
    """nginx/falconieri.conf listening on 127.0.0.1:port, its upstream
    server replaced by upstream ("127.0.0.1:PORT" or "unix:PATH"), the
    operator page served from the checkout's www/."""
    with open(os.path.join(ROOT, "nginx", "falconieri.conf")) as f:
        site = f.read()
    for old, new in (("listen 127.0.0.1:8080;", "listen 127.0.0.1:%d;" % port),
                     ("server 127.0.0.1:9000;", "server %s;" % upstream),
                     ("root %s;" % WWW_INSTALLED,
                      "root %s;" % os.path.join(ROOT, "www"))):
        if old not in site:
            raise RuntimeError("nginx/falconieri.conf lacks %r" % old)
        site = site.replace(old, new)
    return site


class Nginx:
    """nginx on 127.0.0.1:port with nginx/falconieri.conf in front of
    Falconieri's port (site: a function like site_conf that writes it)."""

    def __init__(self, falconieri_port, port=None, site=site_conf):
        self.port = port or free_port()
        self.dir = tempfile.mkdtemp(prefix="nginx-e2e-")
        site = site(self.port, "127.0.0.1:%d" % falconieri_port)
        inc = os.path.join(self.dir, "falconieri.conf")
        with open(inc, "w") as f:
            f.write(site)
        self.conf = os.path.join(self.dir, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(nginx_main_conf(self.dir, inc))
        self.error_log = os.path.join(self.dir, "error.log")
        self.out = open(os.path.join(self.dir, "stdout.log"), "wb")
        self.proc = subprocess.Popen(
            ["nginx", "-p", self.dir, "-c", self.conf, "-e", self.error_log],
            stdin=subprocess.DEVNULL, stdout=self.out, stderr=self.out)
        try:
            wait_port(self.port, self.proc, what="nginx")
        except Exception:
            self.stop()
            raise RuntimeError("nginx did not start:\n" + self.log())

    def log(self):
        text = ""
        for name in ("stdout.log", "error.log"):
            try:
                with open(os.path.join(self.dir, name), "rb") as f:
                    text += f.read().decode("utf-8", "replace")
            except OSError:
                pass
        return text

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def _merge(base, extra):
    """base updated recursively with extra (dicts merged, others replaced)."""
    out = copy.deepcopy(base)
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


class Stack:
    """Simulators, Falconieri and nginx, started together.

    sims: vendor names; each simulator (user "user-<vendor>", password
    "secret-<vendor>") is configured as that provider in conf.json unless
    config says otherwise.  config: the rest of conf.json, merged over the
    simulators' entries, or a callable taking the dict vendor -> simulator
    and returning it.  env: Falconieri's environment besides PATH, a dict
    or a callable like config.
    """

    def __init__(self, config=None, env=None, sims=(), workers=4):
        self.config_arg = config if config is not None else {}
        self.env = env or {}
        self.sim_names = tuple(sims)
        self.workers = workers
        self.sims = {}
        self.falconieri = None
        self.nginx = None

    def __enter__(self):
        try:
            self.start()
        except Exception:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        problems = self.stop()
        if problems and exc[0] is None:
            raise AssertionError("\n".join(problems))
        return False

    def start(self):
        for v in self.sim_names:
            self.sims[v] = xmlrpc_sim.start(v, "user-" + v, "secret-" + v)
        conf = {"providers": {}}
        for v, sim in self.sims.items():
            conf["providers"][v] = {"user": sim.user,
                                    "password": sim.password,
                                    "rpc_url": sim.url}
        if callable(self.config_arg):
            extra = self.config_arg(self.sims)
        else:
            extra = self.config_arg
        self.config = _merge(conf, extra)
        env = self.env(self.sims) if callable(self.env) else self.env
        self.falconieri = Falconieri(build_dir(), self.config, env,
                                     self.workers)
        self.nginx = Nginx(self.falconieri.port)
        self.port = self.nginx.port

    def stop(self):
        """Stops everything; returns the problems found with Falconieri."""
        problems = []
        if self.nginx is not None:
            self.nginx.stop()
            self.nginx = None
        if self.falconieri is not None:
            problems = self.falconieri.stop()
            self.falconieri = None
        for sim in self.sims.values():
            sim.stop()
        self.sims = {}
        return problems

    def sim(self, vendor):
        return self.sims[vendor]

    def log(self):
        """Falconieri's stderr so far."""
        return self.falconieri.log()

    def alive(self):
        return self.falconieri is not None and self.falconieri.alive()

    def request(self, method, path, body=None, headers=None, raw_body=None,
                timeout=30):
        """One request to nginx: (status, headers with lower-case names,
        body bytes, parsed JSON or None).  body: a dict/list (sent as JSON)
        or a str; raw_body: bytes sent as they are."""
        hdrs = dict(headers or {})
        data = raw_body
        if data is None and body is not None:
            if isinstance(body, (dict, list)):
                data = json.dumps(body).encode()
            elif isinstance(body, str):
                data = body.encode()
            else:
                data = body
            hdrs.setdefault("Content-Type", "application/json")
        conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                          timeout=timeout)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            if data is not None:
                hdrs.setdefault("Content-Length", str(len(data)))
            for k, v in hdrs.items():
                conn.putheader(k, v)
            conn.endheaders()
            if data:
                try:
                    conn.send(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the server answered before reading it all
            resp = conn.getresponse()
            rbody = resp.read()
            rheaders = {k.lower(): v for k, v in resp.getheaders()}
        finally:
            conn.close()
        js = None
        if rheaders.get("content-type", "").startswith("application/json"):
            try:
                js = json.loads(rbody)
            except ValueError:
                js = None
        return resp.status, rheaders, rbody, js


class StackTest(unittest.TestCase):
    """A test class sharing one Stack (self.stack) across its tests."""

    SIMS = ()
    CONFIG = {}
    ENV = {}
    WORKERS = 4
    stack = None

    @classmethod
    def setUpClass(cls):
        cls.stack = Stack(cls.CONFIG, cls.ENV, cls.SIMS, cls.WORKERS)
        cls.stack.__enter__()

    @classmethod
    def tearDownClass(cls):
        stack, cls.stack = cls.stack, None
        if stack is not None:
            problems = stack.stop()
            if problems:
                raise AssertionError("\n".join(problems))

    def setUp(self):
        for sim in self.stack.sims.values():
            sim.reset()

    def tearDown(self):
        if not self.stack.alive():
            self.fail("falconieri is not running after this test:\n"
                      + self.stack.log()[-5000:])

    def req(self, method, path, body=None, headers=None, raw_body=None):
        return self.stack.request(method, path, body, headers, raw_body)

    def sim(self, vendor):
        return self.stack.sim(vendor)

    def assertError(self, resp, status, code):
        """resp is the JSON error answer status {"error": code}."""
        st, hdrs, body, js = resp
        self.assertEqual((st, js and js.get("error")), (status, code),
                         "body: %r" % body[:500])
        self.assertTrue(hdrs.get("content-type", "")
                        .startswith("application/json"), hdrs)
        self.assertIsInstance(js, dict)
        return js

    def assertEmptyOK(self, resp):
        """resp is 200 with an empty body and Content-Length 0."""
        st, hdrs, body, js = resp
        self.assertEqual(st, 200, "body: %r" % body[:500])
        self.assertEqual(body, b"")
        self.assertEqual(hdrs.get("content-length"), "0", hdrs)
