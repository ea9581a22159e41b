"""Falconieri started the ways a daemon is started, each serving through a
real nginx (nginx/falconieri.conf): under spawn-fcgi with etc/spawn-fcgi.sh
(a Unix socket on standard input), under systemd-socket-activate with the
socket of etc/falconieri.socket passed as systemd does (LISTEN_FDS, and on
standard input as falconieri-socket.service's StandardInput=socket asks),
and with the command line of etc/falconieri.service (--listen).  The
systemd units themselves are checked with systemd-analyze verify.

nginx sends every path to Falconieri, so base_path is Falconieri's own
work here: /falconieri/... is served, anything else is not_found."""

import os
import re
import shlex
import shutil
import subprocess
import unittest

import deploy_util as du
from harness import free_port

UNITS = ("falconieri.service", "falconieri.socket",
         "falconieri-socket.service")


def unit_value(name, key):
    """The value of key= in etc/<name> (the last one, as systemd reads)."""
    values = re.findall(r"^%s=(.*)$" % re.escape(key), du.example(name),
                        re.M)
    if not values:
        raise AssertionError("%s has no %s=" % (name, key))
    return values[-1].strip()


def exec_start(name, conf, extra=()):
    """ExecStart= of a unit as argv: the installed paths replaced by the
    build's binary and conf, extra (old, new) pairs applied to it."""
    line = du.substitute(unit_value(name, "ExecStart"), (
        ("/usr/local/bin/falconieri", du.binary()),
        ("/opt/falconieri/conf.json", conf)) + tuple(extra))
    return shlex.split(line)


class TestSpawnFcgi(du.DeployTest):
    """etc/spawn-fcgi.sh: spawn-fcgi -n opens the Unix socket, puts it on
    standard input and execs Falconieri."""

    OUTSIDE = "/providers"

    @classmethod
    def start(cls, sim, tmp):
        du.need("spawn-fcgi")
        conf = cls.conf_file(sim, tmp)
        sock = os.path.join(tmp, "run", "falconieri.sock")
        env = du.clean_env({"BIN": du.binary(), "CONF": conf,
                            "SOCKET": sock, "RUN_AS": "", "SOCK_OWNER": "",
                            "WORKERS": "4"})
        cls.falconieri = du.Proc(
            ["sh", os.path.join(du.ETC, "spawn-fcgi.sh")],
            os.path.join(tmp, "falconieri.log"), env=env, cwd=tmp,
            what="falconieri")
        cls.procs.append(cls.falconieri)
        du.wait_unix(sock, cls.falconieri, what="spawn-fcgi")
        return du.nginx(tmp, "unix:" + sock, cls.procs)

    # With -n, the process the script started is Falconieri itself, so a
    # supervisor's SIGTERM reaches it (tearDownClass checks it exits 0).
    def test_script_execs_falconieri(self):
        exe = os.readlink("/proc/%d/exe" % self.falconieri.pid)
        self.assertEqual(os.path.realpath(exe),
                         os.path.realpath(du.binary()))


class SocketActivated(du.DeployTest):
    """systemd-socket-activate listening on the address of
    etc/falconieri.socket (port substituted), running the ExecStart of
    etc/falconieri-socket.service."""

    OUTSIDE = "/providers"
    INETD = False

    @classmethod
    def start(cls, sim, tmp):
        du.need("systemd-socket-activate")
        conf = cls.conf_file(sim, tmp)
        listen = unit_value("falconieri.socket", "ListenStream")
        fport = free_port()
        listen = du.substitute(listen, (("127.0.0.1:9000",
                                         "127.0.0.1:%d" % fport),))
        argv = ["systemd-socket-activate", "-l", listen]
        if cls.INETD:
            argv.append("--inetd")
        argv += exec_start("falconieri-socket.service", conf, ())
        cls.falconieri = du.Proc(argv, os.path.join(tmp, "falconieri.log"),
                                 env=du.clean_env(), cwd=tmp,
                                 what="falconieri")
        cls.procs.append(cls.falconieri)
        du.wait_tcp(fport, cls.falconieri, "systemd-socket-activate")
        return du.nginx(tmp, "127.0.0.1:%d" % fport, cls.procs)


class TestSocketActivationListenFds(SocketActivated):
    """The socket as fd 3 with LISTEN_FDS=1 and LISTEN_PID."""


class TestSocketActivationStdin(SocketActivated):
    """The listening socket on standard input (StandardInput=socket)."""
    INETD = True


class TestServiceUnit(du.DeployTest):
    """The ExecStart of etc/falconieri.service (--listen), port
    substituted, as systemd would run it."""

    OUTSIDE = "/providers"

    @classmethod
    def start(cls, sim, tmp):
        conf = cls.conf_file(sim, tmp)
        fport = free_port()
        argv = exec_start("falconieri.service", conf, (
            ("127.0.0.1:9000", "127.0.0.1:%d" % fport),))
        cls.falconieri = du.Proc(argv, os.path.join(tmp, "falconieri.log"),
                                 env=du.clean_env(), cwd=tmp,
                                 what="falconieri")
        cls.procs.append(cls.falconieri)
        du.wait_tcp(fport, cls.falconieri, "falconieri")
        return du.nginx(tmp, "127.0.0.1:%d" % fport, cls.procs)


class TestUnits(unittest.TestCase):
    """systemd's own checks of the units, and what they must say."""

    def test_systemd_analyze_verify(self):
        du.need("systemd-analyze")
        tmp = du.make_tmpdir("units")
        try:
            paths = []
            for name in UNITS:
                text = du.example(name).replace("/usr/local/bin/falconieri",
                                                du.binary())
                paths.append(du.write(os.path.join(tmp, name), text))
            r = subprocess.run(["systemd-analyze", "verify", "--man=no"]
                               + paths, capture_output=True, text=True,
                               cwd=tmp, timeout=60)
            self.assertEqual((r.returncode, r.stdout + r.stderr), (0, ""))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_socket_unit_hands_one_listening_socket(self):
        self.assertEqual(unit_value("falconieri.socket", "Accept"), "no")
        self.assertEqual(unit_value("falconieri.socket", "Service"),
                         "falconieri-socket.service")
        self.assertEqual(unit_value("falconieri-socket.service",
                                    "StandardInput"), "socket")
        # Log lines must not be written into the FastCGI socket.
        for key in ("StandardOutput", "StandardError"):
            self.assertEqual(unit_value("falconieri-socket.service", key),
                             "journal")
        self.assertNotIn("--listen", unit_value("falconieri-socket.service",
                                                "ExecStart"))
        self.assertIn("--listen", unit_value("falconieri.service",
                                             "ExecStart"))
