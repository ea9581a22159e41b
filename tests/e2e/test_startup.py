"""How the program starts, refuses to start and lives on: a token list
that would open the gateway, the --listen address (a file in the way, a
live socket, a stale one, a busy port), and SIGHUP.  Each test runs the
real binary on its own temporary directory and free port."""

import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
import unittest

from harness import build_dir, free_port

# What a FastCGI answer to GET /health/check starts with.
HEALTH_OK = b"Status: 200"


def fcgi_get(sock, path, sent=None):
    """Sends one FastCGI GET for path on the connected sock, calls sent()
    if given, and returns the stdout records' bytes (the CGI answer head
    and body)."""
    def record(rtype, content):
        return struct.pack(">BBHHBx", 1, rtype, 1, len(content),
                           0) + content

    def pair(k, v):
        return bytes([len(k), len(v)]) + k + v

    params = b"".join(pair(k, v) for k, v in (
        (b"REQUEST_METHOD", b"GET"), (b"REQUEST_URI", path),
        (b"SCRIPT_NAME", b""), (b"SERVER_PROTOCOL", b"HTTP/1.1")))
    sock.sendall(record(1, struct.pack(">HBx4x", 1, 0)) +
                 record(4, params) + record(4, b"") + record(5, b""))
    if sent is not None:
        sent()
    out, buf = b"", b""
    while True:
        data = sock.recv(65536)
        if not data:
            return out
        buf += data
        while len(buf) >= 8:
            _, rtype, _, clen, plen = struct.unpack(">BBHHBx", buf[:8])
            if len(buf) < 8 + clen + plen:
                break
            if rtype == 6:
                out += buf[8:8 + clen]
            elif rtype == 3:
                return out
            buf = buf[8 + clen + plen:]


class Program:
    """The binary with a minimal configuration in a temporary directory."""

    def __init__(self, test):
        self.dir = tempfile.mkdtemp(prefix="falconieri-startup-")
        test.addCleanup(shutil.rmtree, self.dir, True)
        self.test = test
        self.conf = os.path.join(self.dir, "conf.json")
        with open(self.conf, "w") as f:
            json.dump({"api_tokens": ["t0k3n-from-the-file"]}, f)
        self.binary = os.path.join(build_dir(), "falconieri")

    def env(self, extra=None):
        e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                e[k] = os.environ[k]
        e.update(extra or {})
        return e

    def run(self, args, env=None, timeout=20):
        """Runs to the end: (status, stderr text)."""
        p = subprocess.run([self.binary, "-c", self.conf] + args,
                           env=self.env(env), stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=timeout)
        return p.returncode, p.stderr.decode("utf-8", "replace")

    def start(self, listen, env=None):
        """Starts it serving on listen; the process, stderr in a file."""
        log = open(os.path.join(self.dir, "stderr-%d.log" % time.time_ns()),
                   "w+b")
        self.test.addCleanup(log.close)
        p = subprocess.Popen([self.binary, "-c", self.conf, "--listen",
                              listen, "--workers", "2"],
                             env=self.env(env), stdin=subprocess.DEVNULL,
                             stdout=log, stderr=log)
        p.log = log
        self.test.addCleanup(self.stop, p)
        return p

    @staticmethod
    def stop(p):
        if p.poll() is None:
            p.kill()
            p.wait()

    @staticmethod
    def log(p):
        p.log.seek(0)
        return p.log.read().decode("utf-8", "replace")


def connect(address):
    """A socket connected to a --listen address (path or 127.0.0.1:port),
    or None when nothing accepts there."""
    if address.startswith("/"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        target = address
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        target = ("127.0.0.1", int(address.rsplit(":", 1)[1]))
    s.settimeout(5)
    try:
        s.connect(target)
        return s
    except OSError:
        s.close()
        return None


def wait_serving(p, address, timeout=15):
    """Waits until the program answers /health/check on address."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if p.poll() is not None:
            raise AssertionError("exited with %s:\n%s"
                                 % (p.returncode, Program.log(p)))
        s = connect(address)
        if s is not None:
            with s:
                if fcgi_get(s, b"/health/check").startswith(HEALTH_OK):
                    return
        time.sleep(0.02)
    raise AssertionError("not serving on %s" % address)


class TestTokenList(unittest.TestCase):
    """SPEC §3: a token list that is set but yields no token, or has an
    empty item, stops the program rather than run it open."""

    def test_blank_or_empty_items_refused(self):
        prog = Program(self)
        for value in (" ", ",", " , ", "a,,b", "a,", "\t"):
            for args in (["--check-config"],
                         ["--listen", "127.0.0.1:%d" % free_port()]):
                rc, err = prog.run(args, {"FALCONIERI_API_TOKENS": value})
                self.assertEqual(rc, 1, (value, args, err))
                self.assertIn("FALCONIERI_API_TOKENS", err)
                self.assertIn("empty token", err)

    def test_empty_string_in_file_refused(self):
        prog = Program(self)
        with open(prog.conf, "w") as f:
            json.dump({"api_tokens": ["good", ""]}, f)
        rc, err = prog.run(["--check-config"])
        self.assertEqual(rc, 1, err)
        self.assertIn("api_tokens", err)

    def test_empty_variable_is_unset(self):
        rc, out = Program(self).run(["--check-config"],
                                    {"FALCONIERI_API_TOKENS": ""})
        self.assertEqual(rc, 0, out)


class TestListen(unittest.TestCase):
    """--listen refuses what it must not take over, replaces only a stale
    socket, and exits 1 naming the address (SPEC §4, man page)."""

    def test_regular_file_is_not_replaced(self):
        prog = Program(self)
        path = os.path.join(prog.dir, "not-a-socket")
        with open(path, "w") as f:
            f.write("precious\n")
        rc, err = prog.run(["--listen", path])
        self.assertEqual(rc, 1, err)
        self.assertIn(path, err)
        self.assertIn("not a socket", err)
        with open(path) as f:
            self.assertEqual(f.read(), "precious\n")

    def test_live_socket_is_not_taken_over(self):
        prog = Program(self)
        path = os.path.join(prog.dir, "fcgi.sock")
        first = prog.start(path)
        wait_serving(first, path)
        rc, err = prog.run(["--listen", path])
        self.assertEqual(rc, 1, err)
        self.assertIn(path, err)
        self.assertIn("listening", err)
        # The first instance is still reachable at its address.
        with connect(path) as s:
            self.assertTrue(fcgi_get(s, b"/health/check")
                            .startswith(HEALTH_OK))
        self.assertIsNone(first.poll())

    def test_stale_socket_is_replaced(self):
        prog = Program(self)
        path = os.path.join(prog.dir, "stale.sock")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(path)
        s.close()                      # the file stays, nobody listens
        p = prog.start(path)
        wait_serving(p, path)

    def test_busy_port_exits_1_naming_it(self):
        prog = Program(self)
        busy = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(busy.close)
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        addr = "127.0.0.1:%d" % busy.getsockname()[1]
        rc, err = prog.run(["--listen", addr])
        self.assertEqual(rc, 1, err)
        self.assertIn(addr, err)
        self.assertIn("in use", err)

    def test_tcp_serves(self):
        prog = Program(self)
        addr = "127.0.0.1:%d" % free_port()
        wait_serving(prog.start(addr), addr)


class TestSighup(unittest.TestCase):
    """SIGHUP (a supervisor's reload) neither stops the program nor drops
    a request in flight."""

    def test_sighup_keeps_serving(self):
        prog = Program(self)
        addr = "127.0.0.1:%d" % free_port()
        p = prog.start(addr)
        wait_serving(p, addr)
        def hup():
            p.send_signal(signal.SIGHUP)
            time.sleep(0.3)

        # A request in flight: sent whole, its answer not read yet.
        with connect(addr) as s:
            self.assertTrue(fcgi_get(s, b"/health/check", hup)
                            .startswith(HEALTH_OK))
        self.assertIsNone(p.poll(), Program.log(p))
        wait_serving(p, addr)
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(15), 0, Program.log(p))


if __name__ == "__main__":
    unittest.main()
