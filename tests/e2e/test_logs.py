"""The access log on Falconieri's standard error (SPEC §3 log_format, §4):
one line per request with method, provider, MAC, status, code and vendor
time; with log_format json one JSON object per line, the same fields; in
either format no configured secret, and no token a client presented."""

import json
import re
import time

from harness import StackTest

TOKEN = "api-token-must-not-leak-7f3a"
PASSWORD = "snom-password-must-not-leak-91c2"
GUESS = "presented-token-must-not-leak-55e1"
AUTH = {"Authorization": "Bearer " + TOKEN}
MAC = "AC-DE-48-23-45-67"
URL = "https://pbx.example.com/prov/"
FIELDS = ("method", "provider", "mac", "status", "code", "vendor_ms")
TEXT_LINE = re.compile(
    r"^\S+ method=(\S+) provider=(\S+) mac=(\S+) status=(\d+) code=(\S+) "
    r"vendor_ms=(-?\d+)$")


def secrets_config(sims):
    snom = sims["snom"]
    return {"api_tokens": [TOKEN],
            "providers": {"snom": {"user": snom.user, "password": PASSWORD,
                                   "rpc_url": snom.url},
                          # Configured but unused secrets must not show
                          # either.
                          "ymcs": {"base_url": "http://127.0.0.1:9/",
                                   "client_id": "ymcs-id",
                                   "client_secret": "ymcs-secret-1d9e"}}}


class LogTest(StackTest):
    SIMS = ("snom",)
    SECRETS = (TOKEN, PASSWORD, GUESS, "ymcs-secret-1d9e")

    def setUp(self):
        super().setUp()
        # The simulator checks the password it was started with.
        self.sim("snom").password = PASSWORD

    def run_requests(self):
        """Four requests of known outcome; returns the expected fields."""
        self.assertEmptyOK(self.req("PUT", "/providers/snom/" +
                                    MAC.lower().replace("-", ":"),
                                    {"url": URL}, AUTH))
        self.assertError(self.req("PUT", "/providers/snom/AC-DE-48-23-45-ZZ",
                                  {"url": URL}, AUTH),
                         400, "malformed_mac_address")
        self.assertError(self.req("DELETE", "/providers/snom/" + MAC,
                                  headers={"Authorization": "Bearer " +
                                           GUESS}),
                         401, "unauthorized")
        self.assertEmptyOK(self.req("DELETE", "/providers/snom/" + MAC,
                                    headers=AUTH))
        return [("PUT", "snom", MAC, 200, "ok", True),
                ("PUT", "snom", None, 400, "malformed_mac_address", False),
                ("DELETE", None, None, 401, "unauthorized", False),
                ("DELETE", "snom", MAC, 200, "ok", True)]

    def request_lines(self, parse, n, wait=True):
        """The last n request lines of the log, parsed; waits for them (a
        line is written just after the answer)."""
        end = time.monotonic() + (5 if wait else 0)
        while True:
            lines = [parse(l) for l in self.stack.log().splitlines()]
            lines = [l for l in lines if l is not None]
            if len(lines) >= n or time.monotonic() > end:
                return lines[-n:]
            time.sleep(0.05)

    def assertNoSecret(self):
        log = self.stack.log()
        for s in self.SECRETS:
            self.assertNotIn(s, log)

    def assertFields(self, got, expected):
        self.assertEqual(len(got), len(expected), got)
        for g, (method, provider, mac, status, code, called) in \
                zip(got, expected):
            self.assertEqual((g["method"], g["provider"], g["mac"],
                              g["status"], g["code"]),
                             (method, provider, mac, status, code), g)
            if called:
                self.assertIsInstance(g["vendor_ms"], int)
                self.assertGreaterEqual(g["vendor_ms"], 0)
            else:
                self.assertIsNone(g["vendor_ms"], g)


class TestJsonLog(LogTest):
    CONFIG = staticmethod(lambda sims: dict(secrets_config(sims),
                                            log_format="json"))

    @staticmethod
    def parse(line):
        obj = json.loads(line)
        return obj if "status" in obj else None

    def test_every_line_is_one_object(self):
        self.run_requests()
        self.request_lines(self.parse, 4)
        lines = self.stack.log().splitlines()
        self.assertGreater(len(lines), 4)
        for line in lines:
            obj = json.loads(line)  # fails on anything but JSON
            self.assertIsInstance(obj, dict, line)
            self.assertRegex(obj.get("time", ""),
                             r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

    def test_fields(self):
        expected = self.run_requests()
        got = self.request_lines(self.parse, 4)
        for g in got:
            self.assertTrue(set(FIELDS) <= set(g), g)
        self.assertFields(got, expected)
        self.assertNoSecret()

    # The start-up warning about open access is JSON too, when no token
    # is configured (TestJsonLogNoToken); here tokens are set: no warning.
    def test_no_open_access_warning(self):
        self.assertNotIn("every client may call", self.stack.log())


class TestJsonLogFromEnvironment(LogTest):
    """FALCONIERI_LOG_FORMAT wins over the file's log_format."""
    CONFIG = staticmethod(lambda sims: dict(secrets_config(sims),
                                            log_format="text"))
    ENV = {"FALCONIERI_LOG_FORMAT": "json"}

    def test_json_lines(self):
        self.run_requests()
        got = self.request_lines(TestJsonLog.parse, 4)
        self.assertEqual([g["status"] for g in got], [200, 400, 401, 200])
        self.assertNoSecret()


class TestJsonLogNoToken(StackTest):
    SIMS = ("snom",)
    CONFIG = {"log_format": "json"}

    def test_warning_is_json(self):
        warnings = [json.loads(l) for l in self.stack.log().splitlines()
                    if "every client may call" in l]
        self.assertEqual(len(warnings), 1, self.stack.log())
        self.assertEqual(warnings[0]["level"], "warning")


class TestTextLog(LogTest):
    CONFIG = staticmethod(secrets_config)

    @staticmethod
    def parse(line):
        m = TEXT_LINE.match(line)
        if m is None:
            return None
        g = dict(zip(FIELDS, m.groups()))
        g["status"] = int(g["status"])
        g["vendor_ms"] = int(g["vendor_ms"])
        # "-" and -1 are the text form of JSON's null.
        for k in ("provider", "mac"):
            if g[k] == "-":
                g[k] = None
        if g["vendor_ms"] == -1:
            g["vendor_ms"] = None
        return g

    def test_fields(self):
        expected = self.run_requests()
        got = self.request_lines(self.parse, 4)
        self.assertFields(got, expected)
        self.assertNoSecret()

    def test_one_line_per_request(self):
        self.assertEmptyOK(self.req("GET", "/health/check"))
        time.sleep(0.3)
        before = len(self.request_lines(self.parse, 1 << 30, wait=False))
        self.assertEmptyOK(self.req("GET", "/health/check"))
        time.sleep(0.3)
        self.assertEqual(len(self.request_lines(self.parse, 1 << 30,
                                                wait=False)), before + 1)
