"""HTTP Basic credentials checked by the web server in front (SPEC §5),
for clients such as NethVoice that cannot send a bearer token: the
shipped nginx/falconieri-basic-auth.conf and
etc/apache-falconieri-basic-auth.conf, run by the real servers, with
Falconieri's own api_tokens empty.  Good credentials pass, bad ones get
the server's 401, and the client's credentials never reach the vendor."""

import base64
import json
import os
import unittest

import deploy_util as du
import test_deploy_apache
import xmlrpc_sim

CLIENT = "sub-0042"
SECRET = "s3cret-of-the-subscription"
DEV = "/providers/snom/" + du.MAC


class BasicAuthTest:
    """One web server with Basic auth before Falconieri and the Snom
    simulator.  A subclass (also a unittest.TestCase) sets PREFIX and
    implements start(cls, tmp, conf, passwords) returning the server's
    port."""

    PREFIX = ""
    CONFIG = {}
    procs = None
    sim = None

    @classmethod
    def setUpClass(cls):
        cls.procs = []
        cls.tmp = du.make_tmpdir(cls.__name__.lower(), shared=True)
        cls.sim = xmlrpc_sim.start("snom", "user-snom", "secret-snom")
        try:
            conf = dict(du.conf_json(cls.sim, cls.CONFIG), api_tokens=[])
            path = du.write(os.path.join(cls.tmp, "conf.json"),
                            json.dumps(conf))
            passwords = du.htpasswd(os.path.join(cls.tmp, "htpasswd"),
                                    CLIENT, SECRET)
            cls.port = cls.start(cls.tmp, path, passwords)
        except Exception:
            cls.stop_all()
            raise

    @classmethod
    def stop_all(cls):
        for p in reversed(cls.procs or []):
            p.stop()
        cls.procs = []
        if cls.sim is not None:
            cls.sim.stop()
            cls.sim = None

    @classmethod
    def tearDownClass(cls):
        cls.stop_all()

    def setUp(self):
        self.sim.reset()

    def req(self, method, path, body=None, headers=None):
        return du.request(self.port, method, self.PREFIX + path, body,
                          headers)

    def logs(self):
        return "\n".join("--- %s\n%s" % (p.what, p.log()[-3000:])
                         for p in self.procs)

    def test_good_credentials_pass(self):
        st, _, body, _ = self.req("PUT", DEV, {"url": du.URL},
                                  du.basic(CLIENT, SECRET))
        self.assertEqual((st, body), (200, b""), self.logs())
        self.assertEqual(self.sim.registry, {du.MAC12: du.URL})
        st, _, _, js = self.req("GET", "/providers",
                                headers=du.basic(CLIENT, SECRET))
        self.assertEqual((st, js), (200, {"providers": ["snom"]}))

    def test_bad_credentials_refused(self):
        for headers in (None, du.basic(CLIENT, "wrong"),
                        du.basic("someone-else", SECRET),
                        du.basic(CLIENT, ""),
                        {"Authorization": "Bearer " + SECRET}):
            st, hdrs, _, _ = self.req("PUT", DEV, {"url": du.URL}, headers)
            self.assertEqual(st, 401, headers)
            self.assertIn("basic", hdrs.get("www-authenticate", "").lower())
        self.assertEqual(self.sim.calls, [])

    # The server's check stops the credentials: the vendor gets the
    # gateway's own Basic credentials, and the client's appear nowhere.
    def test_credentials_never_reach_the_vendor(self):
        st, _, _, _ = self.req("PUT", DEV, {"url": du.URL},
                               du.basic(CLIENT, SECRET))
        self.assertEqual(st, 200, self.logs())
        st, _, _, _ = self.req("DELETE", DEV, headers=du.basic(CLIENT, SECRET))
        self.assertEqual(st, 200)
        calls = self.sim.calls_of()
        self.assertEqual(len(calls), 2)
        vendor = du.basic("user-snom", "secret-snom")["Authorization"]
        client = du.basic(CLIENT, SECRET)["Authorization"]
        b64 = client.split()[1].encode()
        for c in calls:
            self.assertEqual(c.authorization, vendor)
            self.assertNotIn(b64, c.body)
            self.assertNotIn(SECRET.encode(), c.body)
            self.assertNotIn(base64.b64decode(b64), c.body)

    # Monitoring keeps working without credentials.
    def test_health_needs_no_credentials(self):
        st, _, body, _ = self.req("GET", "/health/check")
        self.assertEqual((st, body), (200, b""), self.logs())


class TestNginxBasicAuth(BasicAuthTest, unittest.TestCase):

    @classmethod
    def start(cls, tmp, conf, passwords):
        _, fport = du.falconieri_listen(tmp, conf, cls.procs)
        return du.nginx_basic_auth(tmp, "127.0.0.1:%d" % fport, passwords,
                                   cls.procs)


class TestApacheBasicAuth(BasicAuthTest, unittest.TestCase):

    PREFIX = "/falconieri"
    CONFIG = {"base_path": "/falconieri"}

    @classmethod
    def start(cls, tmp, conf, passwords):
        _, fport = du.falconieri_listen(tmp, conf, cls.procs)
        site = du.substitute(du.example("apache-falconieri-basic-auth.conf"), (
            ('"fcgi://127.0.0.1:9000/"', '"fcgi://127.0.0.1:%d/"' % fport),
            ('"/etc/apache2/falconieri.htpasswd"', '"%s"' % passwords)))
        return test_deploy_apache.apache(
            tmp, site, ("proxy", "proxy_fcgi", "auth_basic", "authn_core",
                        "authn_file", "authz_user"), cls.procs)
