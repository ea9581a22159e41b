"""What the end-to-end tests of the REST vendors share (SPEC §2.2-2.3): a
test class whose Stack serves the YMCS or GRAPE/SRAPS simulators
(tests/sim/ymcs_sim.py, hawk_sim.py) as configured providers, and the
checks every test gets: no secret in any answer or in Falconieri's log.

The harness starts the XML-RPC simulators itself; the REST ones are
started here, before the Stack, and their URLs put into CONFIG.

Not a test module itself (run.py loads test_*.py only).
"""

import os
import re
import sys
import threading

from harness import ROOT, StackTest, _merge

sys.path.insert(0, os.path.join(ROOT, "tests", "sim"))

import hawk_sim  # noqa: E402
import ymcs_sim  # noqa: E402

MAC = "AC-DE-48-23-45-67"
MAC12 = "acde48234567"
OTHER = "00-1A-2B-3C-4D-5E"
OTHER12 = "001a2b3c4d5e"
# '&', '%20', '+' and quotes must reach the vendor exactly as given.
URL = "https://pbx.example.com/prov/?a=1&b=%20x+y&c='q'"
URL2 = "http://pbx2.example.com:8080/phones/{mac}.cfg"


def start_sim(vendor, client_id, client_secret):
    """A started simulator of a REST vendor."""
    if vendor == "ymcs":
        return ymcs_sim.start(client_id, client_secret)
    return hawk_sim.start(vendor, client_id, client_secret)


class RestVendorTest(StackTest):
    """REST vendor simulators behind nginx and Falconieri.

    REST: the vendors to simulate.  SECRETS: vendor -> the secret
    Falconieri is configured with (default: the simulator's own).
    BASE_CONFIG: the rest of conf.json.
    """

    REST = ()
    SECRETS = {}
    BASE_CONFIG = {"connect_timeout_ms": 1000, "timeout_ms": 2000}
    rest = {}

    @classmethod
    def setUpClass(cls):
        cls.rest = {}
        try:
            providers = {}
            for v in cls.REST:
                sim = start_sim(v, "id-" + v, "Key-" + v + "-9f8e7d")
                cls.rest[v] = sim
                providers[v] = {
                    "base_url": sim.url, "client_id": sim.client_id,
                    "client_secret": cls.SECRETS.get(v, sim.client_secret)}
            cls.CONFIG = _merge(cls.BASE_CONFIG, {"providers": providers})
            super().setUpClass()
        except Exception:
            cls._stop_rest()
            raise

    @classmethod
    def _stop_rest(cls):
        for sim in cls.rest.values():
            sim.stop()
        cls.rest = {}

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls._stop_rest()

    def setUp(self):
        super().setUp()
        for sim in self.rest.values():
            sim.reset()

    def tearDown(self):
        super().tearDown()
        log = self.stack.log()
        for s in self.secrets():
            self.assertNotIn(s, log, "a secret in Falconieri's log")

    def secrets(self):
        """Every secret Falconieri holds or was given."""
        out = [p["client_secret"]
               for p in self.CONFIG["providers"].values()]
        for sim in self.rest.values():
            out.extend(getattr(sim, "tokens", {}).keys())
        return out

    def req(self, method, path, body=None, headers=None, raw_body=None):
        resp = super().req(method, path, body, headers, raw_body)
        for s in self.secrets():
            self.assertNotIn(s.encode(), resp[2], "a secret in an answer")
        return resp

    def put(self, vendor, mac=MAC, url=URL, **extra):
        body = {"url": url}
        body.update(extra)
        return self.req("PUT", "/providers/%s/%s" % (vendor, mac), body)

    def delete(self, vendor, mac=MAC):
        return self.req("DELETE", "/providers/%s/%s" % (vendor, mac))

    def assertPin(self, resp, pin):
        """resp is 200 {"device_pin": pin} (pin None: null)."""
        st, hdrs, body, js = resp
        self.assertEqual(st, 200, "body: %r" % body[:500])
        self.assertTrue(hdrs.get("content-type", "")
                        .startswith("application/json"), hdrs)
        self.assertEqual(js, {"device_pin": pin})

    def cache_events(self):
        """The cache event counters of GET /metrics: event -> count."""
        st, _, body, _ = self.req("GET", "/metrics")
        self.assertEqual(st, 200)
        out = {}
        for line in body.decode().splitlines():
            m = re.match(r'^falconieri_cache_events_total\{event="(\w+)"\} '
                         r'(\d+)$', line)
            if m:
                out[m.group(1)] = int(m.group(2))
        return out

    def concurrently(self, fns):
        """Runs every fn at once; their results in order."""
        results = [None] * len(fns)
        barrier = threading.Barrier(len(fns))

        def run(i):
            barrier.wait()
            results[i] = fns[i]()

        threads = [threading.Thread(target=run, args=(i,))
                   for i in range(len(fns))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        return results
