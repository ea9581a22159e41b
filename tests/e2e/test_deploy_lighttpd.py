"""Falconieri behind a real lighttpd with etc/lighttpd-falconieri.conf
(mod_fastcgi, mounted at /falconieri/), Falconieri on --listen."""

import os

import deploy_util as du
from harness import free_port


def lighttpd(tmp, site, procs, port=None):
    """lighttpd on 127.0.0.1 with site (an example, substituted) included;
    returns its port."""
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
        'include "%(inc)s"\n') % {"d": tmp, "port": port, "inc": inc}
    conf = du.write(os.path.join(tmp, "lighttpd.conf"), main)
    p = du.Proc(["lighttpd", "-D", "-f", conf],
                os.path.join(tmp, "lighttpd.log"), what="lighttpd")
    p.extra_logs = ("error.log", "breakage.log")
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
