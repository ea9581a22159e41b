"""NethVoice's exact request, made by PHP's curl (tests/e2e/nethvoice.php)
through nginx/falconieri-basic-auth.conf, for the four vendors NethVoice
uses.  Its provisioning engine builds {scheme}://{host}/{path}{token}/
{filename}, the filename being empty for Yealink, {mac}.xml for Snom,
$mac.cfg for Fanvil and %25MACD.xml for Gigaset; each simulator must
receive the URL the original gateway sent: %25 decoded to %, nothing
else touched."""

import json
import os
import subprocess
import unittest

import deploy_util as du
import xmlrpc_sim

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENT = "sub-0042"
SECRET = "s3cret-of-the-subscription"
BASE_URL = "https://pbx.example.com/provisioning/0123abcd/"
# vendor -> (filename NethVoice appends, the URL the vendor must hold)
CASES = {
    "yealink": ("", BASE_URL),
    "snom": ("{mac}.xml", BASE_URL + "{mac}.xml"),
    "fanvil": ("$mac.cfg", BASE_URL + "$mac.cfg"),
    "gigaset": ("%25MACD.xml", BASE_URL + "%MACD.xml"),
}


class TestNethVoice(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        du.need("php")
        cls.procs = []
        cls.sims = {}
        cls.tmp = du.make_tmpdir("nethvoice", shared=True)
        try:
            conf = {"providers": {}, "api_tokens": []}
            for v in CASES:
                sim = xmlrpc_sim.start(v, "user-" + v, "secret-" + v)
                cls.sims[v] = sim
                conf["providers"][v] = {"user": sim.user,
                                        "password": sim.password,
                                        "rpc_url": sim.url}
            # NethVoice sends no crc with a Gigaset MAC.
            conf["providers"]["gigaset"]["disable_crc"] = True
            path = du.write(os.path.join(cls.tmp, "conf.json"),
                            json.dumps(conf))
            passwords = du.htpasswd(os.path.join(cls.tmp, "htpasswd"),
                                    CLIENT, SECRET)
            _, fport = du.falconieri_listen(cls.tmp, path, cls.procs)
            cls.port = du.nginx_basic_auth(cls.tmp, "127.0.0.1:%d" % fport,
                                           passwords, cls.procs)
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for p in reversed(cls.procs):
            p.stop()
        cls.procs = []
        for sim in cls.sims.values():
            sim.stop()
        cls.sims = {}

    def nethvoice_put(self, provider, url, secret=SECRET):
        """NethVoice's PUT for provider: (status, body)."""
        r = subprocess.run(
            ["php", os.path.join(HERE, "nethvoice.php"),
             "http://127.0.0.1:%d" % self.port, provider, du.MAC, url,
             CLIENT, "-"], input=secret + "\n", capture_output=True,
            text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = json.loads(r.stdout)
        return out["status"], out["body"]

    def test_each_vendor_gets_the_original_url(self):
        for vendor, (filename, want) in CASES.items():
            with self.subTest(vendor=vendor):
                sim = self.sims[vendor]
                sim.reset()
                status, body = self.nethvoice_put(vendor, BASE_URL + filename)
                self.assertEqual((status, body), (200, ""))
                self.assertEqual(sim.registry, {du.MAC12: want})

    # The exact bytes: Snom gets the decoded URL as the XML-RPC string,
    # Fanvil its pieces with the path decoded after the split.
    def test_what_the_vendor_receives(self):
        for v in ("gigaset", "fanvil"):
            self.sims[v].reset()
        url = BASE_URL + "%25MACD.xml?k=%2F%2525"
        self.assertEqual(self.nethvoice_put("gigaset", url), (200, ""))
        reg = self.sims["gigaset"].calls_of("autoprov.registerDevice")
        self.assertEqual(reg[0].params,
                         (du.MAC12, BASE_URL + "%MACD.xml?k=%2F%25",
                          "Falconieri"))
        self.assertEqual(self.nethvoice_put("fanvil", url), (200, ""))
        add = self.sims["fanvil"].calls_of("redirect.addMaterialServer")
        self.assertIn("cfgPfName=provisioning/0123abcd/%MACD.xml?k=%2F%25",
                      add[0].params[0])
        self.assertIn("cfgPfSrv=pbx.example.com", add[0].params[0])

    def test_wrong_secret_is_refused(self):
        sim = self.sims["snom"]
        sim.reset()
        status, _ = self.nethvoice_put("snom", BASE_URL, "not-the-secret")
        self.assertEqual(status, 401)
        self.assertEqual(sim.calls, [])
