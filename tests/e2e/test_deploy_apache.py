"""Falconieri behind a real Apache httpd: etc/apache-falconieri.conf
(mod_proxy_fcgi, Falconieri on --listen) and etc/apache-falconieri-cgi.conf
(mod_cgid, the shared hosting form)."""

import glob
import os
import pwd
import shutil
import time

import deploy_util as du
from harness import free_port

MODULES = "/usr/lib/apache2/modules"


def apache(tmp, site, modules, procs):
    """apache2 in the foreground on 127.0.0.1 with site (an example,
    substituted) included and modules loaded; returns its port."""
    du.need("apache2", os.path.join(MODULES, "mod_proxy_fcgi.so"))
    port = free_port()
    inc = du.write(os.path.join(tmp, "site.conf"), site)
    os.makedirs(os.path.join(tmp, "htdocs"), exist_ok=True)
    lines = [
        'ServerRoot "%s"' % tmp,
        "ServerName 127.0.0.1",
        "Listen 127.0.0.1:%d" % port,
        "PidFile %s/httpd.pid" % tmp,
        "DefaultRuntimeDir %s" % tmp,
        "ErrorLog %s/error.log" % tmp,
        "LogLevel warn",
        "Mutex file:%s default" % tmp,
        "DocumentRoot %s/htdocs" % tmp,
    ]
    if os.geteuid() == 0:
        lines += ["User www-data", "Group www-data"]
    mods = ["mpm_event", "authz_core"] + list(modules)
    lines += ["LoadModule %s_module %s/mod_%s.so" % (m, MODULES, m)
              for m in mods]
    lines.append("Include %s" % inc)
    if "cgid" in modules:  # a directive of mod_cgid, once it is loaded
        lines.append("ScriptSock %s/cgid.sock" % tmp)
    conf = du.write(os.path.join(tmp, "httpd.conf"), "\n".join(lines) + "\n")
    p = du.Proc(["apache2", "-f", conf, "-D", "FOREGROUND"],
                os.path.join(tmp, "apache.log"), env=du.clean_env(),
                what="apache2", extra_logs=[os.path.join(tmp, "error.log")])
    procs.append(p)
    du.wait_tcp(port, p, "apache2")
    if "cgid" in modules:
        wait_cgid(os.path.join(tmp, "cgid.sock"), p)
    return port


def wait_cgid(sock, proc, timeout=15.0):
    """Waits until mod_cgid's daemon has handed its socket (ScriptSock
    with the pid appended) to the User.  It binds the socket as root and
    chowns it afterwards; a request that comes in between fails with
    "Permission denied" (CI saw one), and mod_cgid tries again only when
    the connection was refused."""
    uid = pwd.getpwnam("www-data").pw_uid if os.geteuid() == 0 else None
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for path in glob.glob(glob.escape(sock) + ".*"):
            try:
                if uid is None or os.stat(path).st_uid == uid:
                    return
            except FileNotFoundError:
                pass
        if proc.proc.poll() is not None:
            break
        time.sleep(0.02)
    raise AssertionError("mod_cgid's socket %s not ready" % sock)


class TestApacheProxyFCGI(du.DeployTest):
    # Outside /falconieri/ Apache answers itself; inside, Falconieri strips
    # base_path from REQUEST_URI (Apache sets no PATH_INFO).

    @classmethod
    def start(cls, sim, tmp):
        conf = cls.conf_file(sim, tmp)
        cls.falconieri, fport = du.falconieri_listen(tmp, conf, cls.procs)
        site = du.substitute(du.example("apache-falconieri.conf"), (
            ('"fcgi://127.0.0.1:9000/"', '"fcgi://127.0.0.1:%d/"' % fport),))
        return apache(tmp, site, ("proxy", "proxy_fcgi"), cls.procs)


class TestApacheCGI(du.DeployTest):
    """CGI under mod_cgid, run as www-data when the tests run as root."""

    CONFIG = {}

    @classmethod
    def start(cls, sim, tmp):
        conf = cls.conf_file(sim, tmp)
        # www-data runs the binary: a copy in the world-readable tmp, so
        # the test does not depend on who may read the checkout (/root/...).
        bindir = os.path.join(tmp, "bin")
        os.makedirs(bindir)
        os.chmod(bindir, 0o755)
        binary = os.path.join(bindir, "falconieri")
        shutil.copy(du.binary(), binary)
        os.chmod(binary, 0o755)
        script = du.substitute(du.example("falconieri.cgi"), (
            ("/usr/local/bin/falconieri", binary),
            ("/opt/falconieri/conf.json", conf)))
        cgidir = os.path.join(tmp, "cgi")
        os.makedirs(cgidir)
        os.chmod(cgidir, 0o755)
        du.write(os.path.join(cgidir, "falconieri.cgi"), script, 0o755)
        site = du.substitute(du.example("apache-falconieri-cgi.conf"), (
            ("/usr/local/lib/falconieri/falconieri.cgi",
             os.path.join(cgidir, "falconieri.cgi")),
            ('"/usr/local/lib/falconieri"', '"%s"' % cgidir)))
        return apache(tmp, site, ("alias", "cgid"), cls.procs)
