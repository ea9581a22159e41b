"""Secrets end to end (SPEC §2: "Secrets never appear in logs or in
answers"): every vendor configured with distinctive credentials, every
vendor path driven (success, refusals, refusals that echo a credential,
HTTP errors, garbage, cut and huge answers, timeouts; the API token
right, wrong and absent), and not one credential, nor anything derived
from one (Basic auth, Fanvil's hashes, YMCS's bearer tokens), in any
answer or in Falconieri's standard error.  Once with text logs, once with
JSON logs.
"""

import base64
import hashlib
import os
import sys

from harness import ROOT, StackTest

sys.path.insert(0, os.path.join(ROOT, "tests", "sim"))

import hawk_sim  # noqa: E402
import xmlrpc_sim  # noqa: E402
import ymcs_sim  # noqa: E402

MAC = "AC-DE-48-23-45-67"
URL = "https://pbx.example.com/prov/"
XMLRPC = {
    "snom": ("user-snom-5a", "Pw-Snom-3f9a1c77"),
    "gigaset": ("user-gigaset-5b", "Pw-Gigaset-8b2d4e11"),
    "fanvil": ("user-fanvil-5c", "Pw-Fanvil-5e6f7a22"),
    "yealink": ("user-yealink-5d", "Pw-Yealink-1a2b3c33"),
}
REST = {
    "ymcs": ("id-ymcs-6a", "Cs-Ymcs-9d8c7b6a44"),
    "grape": ("id-grape-6b", "Cs-Grape-0e1f2a3b55"),
    "sraps": ("id-sraps-6c", "Cs-Sraps-4c5d6e7f66"),
}
TOKENS = ["Tok-Api-0f1e2d3c4b5a", "Tok-Api-Second-99887766"]


def md5hex(s):
    return hashlib.md5(s.encode()).hexdigest()


def b64(s):
    return base64.b64encode(s.encode()).decode()


def forbidden():
    """Every credential and everything derived from one."""
    out = set(TOKENS)
    for user, pw in XMLRPC.values():
        out |= {pw, b64("%s:%s" % (user, pw))}
    fan = XMLRPC["fanvil"]
    out |= {md5hex(fan[1]), md5hex(md5hex(fan[1])),
            b64("%s:%s" % (fan[0], md5hex(md5hex(fan[1]))))}
    for cid, secret in REST.values():
        out |= {secret, b64("%s:%s" % (cid, secret))}
    return out


class SecretsCase:
    """The tests, run by the classes below with either log format."""
    LOG_FORMAT = "text"
    WORKERS = 4
    sims = {}

    @classmethod
    def setUpClass(cls):
        cls.sims = {}
        try:
            providers = {}
            for v, (user, pw) in XMLRPC.items():
                sim = xmlrpc_sim.start(v, user, pw)
                cls.sims[v] = sim
                providers[v] = {"user": user, "password": pw,
                                "rpc_url": sim.url}
            for v, (cid, secret) in REST.items():
                sim = (ymcs_sim.start(cid, secret) if v == "ymcs"
                       else hawk_sim.start(v, cid, secret))
                cls.sims[v] = sim
                providers[v] = {"base_url": sim.url, "client_id": cid,
                                "client_secret": secret}
            cls.CONFIG = {"providers": providers, "api_tokens": TOKENS,
                          "log_format": cls.LOG_FORMAT,
                          "connect_timeout_ms": 1000, "timeout_ms": 1000}
            super().setUpClass()
        except Exception:
            cls.stop_sims()
            raise

    @classmethod
    def stop_sims(cls):
        for sim in cls.sims.values():
            sim.stop()
        cls.sims = {}

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.stop_sims()

    def setUp(self):
        self.answers = []

    def call(self, method, vendor, token=TOKENS[0], mac=MAC):
        path = "/providers/%s/%s" % (vendor, mac)
        if vendor == "gigaset":
            path += "?crc=AB12"
        headers = {"Authorization": "Bearer " + token} if token else {}
        resp = self.stack.request(method, path,
                                  {"url": URL} if method == "PUT" else None,
                                  headers, timeout=30)
        st, hdrs, body, js = resp
        self.answers.append("%d %r %r" % (st, hdrs, body))
        return st, js

    def both(self, vendor):
        """A register and a deregister; their outcomes."""
        return [self.call("PUT", vendor), self.call("DELETE", vendor)]

    def check_clean(self):
        """No secret in any answer so far, nor in the log."""
        secrets = forbidden()
        ymcs = self.sims["ymcs"]
        secrets |= set(ymcs.tokens)
        log = self.stack.log()
        self.assertTrue(log, "no log at all?")
        for s in sorted(secrets):
            for a in self.answers:
                self.assertNotIn(s, a, "a secret in an answer")
            self.assertNotIn(s, log, "a secret in Falconieri's stderr")
        # Nor the start of one, as a cut leaves it.
        for s in sorted(secrets):
            for a in self.answers:
                self.assertNotIn(s[:8], a, "part of a secret in an answer")

    def test_xmlrpc_vendors(self):
        for v, (user, pw) in XMLRPC.items():
            sim = self.sims[v]
            sent = md5hex(md5hex(pw)) if v == "fanvil" else pw
            with self.subTest(vendor=v):
                sim.reset()
                for st, _ in self.both(v):
                    self.assertEqual(st, 200, "the vendor path works")
                behaviours = [
                    # A vendor echoing the credentials it was sent.
                    "Error:access denied for %s:%s" % (user, sent),
                    "Error:bad password %s" % sent,
                    ("http", 401), ("http", 500), "garbage", "empty",
                    "fault", "cut", "huge", "hang",
                    ("untyped", "Error:" + sent),
                    # Cut to fit the message: masked before the cut.
                    "Error:" + "A" * 500 + sent,
                    "Error:" + "A" * 505 + b64("%s:%s" % (user, sent)),
                    # The Basic credential of the call, echoed.
                    ("echo_auth", "Error:you sent "),
                    ("echo_auth", "Error:" + "B" * 480)]
                for b in behaviours:
                    sim.script(None, b)
                    for st, js in self.both(v):
                        self.assertEqual(st, 500, (v, b, js))
                    sim.script(None, None)
        self.check_clean()

    def test_ymcs(self):
        sim = self.sims["ymcs"]
        cid, secret = REST["ymcs"]
        sim.reset()
        self.assertEqual(self.call("PUT", "ymcs")[0], 200)
        self.assertEqual(self.call("DELETE", "ymcs")[0], 200)
        token = next(iter(sim.tokens))
        echo = "client %s secret %s token %s" % (cid, secret, token)
        cases = [
            ("addDevicesByMac", (400, {"code": 1, "error": "x",
                                       "message": echo})),
            ("addDevicesByMac", (500, echo)),
            ("addDevicesByMac", (200, {"total": 1, "successCount": 0,
                                       "failureCount": 1, "errors": [
                                           {"errorInfo": echo}]})),
            ("addDevicesByMac", (403, {"code": "900403", "message": echo})),
            ("delDevices", (400, {"code": 2, "message": echo})),
            ("addDevicesByMac", "garbage"), ("addDevicesByMac", "cut"),
            ("addDevicesByMac", "huge"), ("addDevicesByMac", "hang"),
            ("delDevices", "hang"),
        ]
        for key, b in cases:
            with self.subTest(key=key, behaviour=b):
                sim.script(key, b)
                self.call("PUT" if key == "addDevicesByMac" else "DELETE",
                          "ymcs")
                sim.script(key, None)
        # The token request refused, its answer echoing the credentials.
        sim.revoke_tokens()
        sim.script("token", (401, {"code": 401001, "message": echo}))
        self.assertEqual(self.call("PUT", "ymcs")[0], 500)
        sim.script("token", None)
        self.assertEqual(self.call("PUT", "ymcs")[0], 200)
        self.check_clean()

    def test_grape_sraps(self):
        for v in ("grape", "sraps"):
            sim = self.sims[v]
            cid, secret = REST[v]
            with self.subTest(vendor=v):
                for st, _ in self.both(v):
                    self.assertEqual(st, 200, "the vendor path works")
                echo = "credentials %s / %s refused" % (cid, secret)
                for b in [(400, {"message": echo}), (403, {"detail": echo}),
                          (500, echo), (401, {"error": echo}),
                          "garbage", "cut", "huge", "hang"]:
                    sim.script("endpoint", b)
                    self.both(v)
                    sim.script("endpoint", None)
                for st, _ in self.both(v):
                    self.assertEqual(st, 200)
        self.check_clean()

    def test_api_tokens(self):
        for token in ("", "wrong", TOKENS[0][:-1], TOKENS[0] + "x",
                      TOKENS[1].lower()):
            st, js = self.call("PUT", "snom", token=token)
            self.assertEqual(st, 401, js)
        for token in TOKENS:
            self.assertEqual(self.call("DELETE", "snom", token=token)[0],
                             200)
        for path in ("/providers", "/metrics", "/health/check"):
            resp = self.stack.request("GET", path, headers={
                "Authorization": "Bearer " + TOKENS[1]})
            self.answers.append("%r %r" % (resp[1], resp[2]))
            self.assertEqual(resp[0], 200)
        self.check_clean()


class TestSecretsTextLog(SecretsCase, StackTest):
    LOG_FORMAT = "text"


class TestSecretsJsonLog(SecretsCase, StackTest):
    LOG_FORMAT = "json"
