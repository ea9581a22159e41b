"""Falconieri behind a real lighttpd: etc/lighttpd-falconieri.conf
(mod_fastcgi, Falconieri on --listen) and etc/lighttpd-falconieri-cgi.conf
(mod_cgi, the shared hosting form)."""

import os

import deploy_util as du
from harness import free_port

DEBIAN_CGI = "/etc/lighttpd/conf-available/10-cgi.conf"


def lighttpd(tmp, site, procs, port=None, before=""):
    """lighttpd on 127.0.0.1 with before, then site (an example,
    substituted) included; returns its port."""
    du.need("lighttpd")
    port = port or free_port()
    inc = du.write(os.path.join(tmp, "site.conf"), site)
    docroot = os.path.join(tmp, "htdocs")
    os.makedirs(docroot, exist_ok=True)
    main = (
        'server.document-root = "%(d)s/htdocs"\n'
        'server.bind = "127.0.0.1"\n'
        'server.port = %(port)d\n'
        'server.pid-file = "%(d)s/lighttpd.pid"\n'
        'server.errorlog = "%(d)s/error.log"\n'
        'server.breakagelog = "%(d)s/breakage.log"\n'
        '%(before)s\n'
        'include "%(inc)s"\n') % {"d": tmp, "port": port, "inc": inc,
                                  "before": before}
    conf = du.write(os.path.join(tmp, "lighttpd.conf"), main)
    p = du.Proc(["lighttpd", "-D", "-f", conf],
                os.path.join(tmp, "lighttpd.log"), what="lighttpd",
                env=du.clean_env(),
                extra_logs=[os.path.join(tmp, n)
                            for n in ("error.log", "breakage.log")])
    procs.append(p)
    du.wait_tcp(port, p, "lighttpd")
    return port


class TestLighttpdFastCGI(du.DeployTest):

    @classmethod
    def start(cls, sim, tmp):
        conf = cls.conf_file(sim, tmp)
        cls.falconieri, fport = du.falconieri_listen(tmp, conf, cls.procs)
        site = du.substitute(du.example("lighttpd-falconieri.conf"),
                             (('"port" => 9000', '"port" => %d' % fport),))
        return lighttpd(tmp, site, cls.procs)


class TestLighttpdFastCGIRoot(du.DeployTest):
    """The variant the example describes for the root of a host."""

    PREFIX = ""
    OUTSIDE = None
    CONFIG = {"base_path": ""}

    @classmethod
    def start(cls, sim, tmp):
        conf = cls.conf_file(sim, tmp)
        cls.falconieri, fport = du.falconieri_listen(tmp, conf, cls.procs)
        site = du.substitute(du.example("lighttpd-falconieri.conf"), (
            ('"port" => 9000', '"port" => %d' % fport),
            ('"^/falconieri(/|$)"', '"^/"'),
            ('"/falconieri" => ((',
             '"/" => (( "fix-root-scriptname" => "enable",')))
        return lighttpd(tmp, site, cls.procs)


class TestLighttpdCGI(du.DeployTest):
    """CGI under lighttpd's mod_cgi with etc/lighttpd-falconieri-cgi.conf
    and etc/falconieri.cgi: one process per request, PATH_INFO routing."""

    CONFIG = {}

    @classmethod
    def start(cls, sim, tmp):
        conf = cls.conf_file(sim, tmp)
        script = du.substitute(du.example("falconieri.cgi"), (
            ("/usr/local/bin/falconieri", du.binary()),
            ("/opt/falconieri/conf.json", conf)))
        cgi = du.write(os.path.join(tmp, "falconieri.cgi"), script, 0o755)
        site = du.substitute(du.example("lighttpd-falconieri-cgi.conf"), (
            ("/usr/local/lib/falconieri/falconieri.cgi", cgi),))
        # Beside Debian's own CGI setup (an alias of all of /cgi-bin/),
        # as lighty-enable-mod cgi leaves it.
        return lighttpd(tmp, site, cls.procs, before='include "%s"'
                        % DEBIAN_CGI)

