"""Batches end to end (SPEC §6): nginx -> Falconieri -> the simulators.
The API of §6.1-§6.4, the runner's retries and final refusals (§6.5), and
bad input answered with its documented error and nothing stored.  Every
class runs twice, once per store (§6.6): SQLite in a temporary folder,
and PostgreSQL on a real server of its own (the *Pg classes at the end),
so that the two stores cannot drift apart."""

import csv
import io
import shutil
import sqlite3
import tempfile
import threading
import time

from harness import StackTest
from pg_util import PgServer

URL = "https://pbx.example.com/p/"


def mac(i, prefix="AC-DE-48"):
    return "%s-%02X-%02X-%02X" % (prefix, (i >> 16) & 0xff, (i >> 8) & 0xff,
                                  i & 0xff)


def mac12(m):
    return m.replace("-", "")


class BatchTest(StackTest):
    SIMS = ("snom", "yealink")
    BATCH = {"batch_retry_ms": 100, "batch_attempts": 4,
             "connect_timeout_ms": 1000, "timeout_ms": 3000}
    STORE = "sqlite"
    pg = None

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="falconieri-batches-")
        if cls.STORE == "postgresql":
            cls.pg = PgServer()
            store = cls.pg.uri
        else:
            store = "sqlite:%s/b.db" % cls.tmp
        cls.CONFIG = dict(cls.BATCH, batch_store=store)
        try:
            super().setUpClass()
        except Exception:
            cls.tearDownStore()
            raise

    @classmethod
    def tearDownStore(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)
        if cls.pg is not None:
            cls.pg.stop()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.tearDownStore()

    def tearDown(self):
        # The store's password is in no log line.
        if self.pg is not None:
            self.assertNotIn(self.pg.password, self.stack.log())
        super().tearDown()

    def post(self, body, headers=None, query=""):
        return self.req("POST", "/batches" + query, body, headers)

    def post_csv(self, text, action=None, raw=None):
        q = "?action=" + action if action else ""
        return self.req("POST", "/batches" + q, None,
                        {"Content-Type": "text/csv"},
                        raw if raw is not None else text.encode())

    def created(self, resp):
        st, hdrs, body, js = resp
        self.assertEqual(st, 202, body[:500])
        self.assertEqual(hdrs.get("location"), "/batches/" + js["id"])
        self.assertRegex(js["id"], r"^[0-9a-f]{16}$")
        return js

    def wait_done(self, bid, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            st, _, _, js = self.req("GET", "/batches/" + bid)
            self.assertEqual(st, 200)
            if js["state"] in ("done", "cancelled"):
                return js
            time.sleep(0.05)
        self.fail("batch %s not done in %d s: %r" % (bid, timeout, js))

    def devices(self, bid, query=""):
        st, _, body, js = self.req("GET", "/batches/%s/devices%s"
                                   % (bid, query))
        self.assertEqual(st, 200, body[:300])
        return js["devices"]

    def batch_count(self):
        st, _, _, js = self.req("GET", "/batches?limit=1000")
        self.assertEqual(st, 200)
        return len(js["batches"])


class TestBatchApi(BatchTest):

    def test_register_json_runs_to_done(self):
        devs = [{"provider": "snom" if i % 2 else "yealink", "mac": mac(i),
                 "url": URL + str(i)} for i in range(1, 41)]
        js = self.created(self.post({"action": "register", "devices": devs}))
        self.assertEqual(js["action"], "register")
        self.assertIn(js["state"], ("queued", "running", "done"))
        self.assertEqual(js["total"], 40)
        self.assertRegex(js["created"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        done = self.wait_done(js["id"])
        self.assertEqual((done["state"], done["succeeded"], done["failed"],
                          done["pending"]), ("done", 40, 0, 0))
        self.assertIsNotNone(done["finished"])
        want = {"snom": {}, "yealink": {}}
        for d in devs:
            want[d["provider"]][mac12(d["mac"])] = d["url"]
        self.assertEqual(self.sim("snom").registry, want["snom"])
        self.assertEqual({k: v for k, v in self.sim("yealink").registry.items()},
                         {k: v for k, v in want["yealink"].items()})
        rows = self.devices(js["id"])
        self.assertEqual([r["row"] for r in rows], list(range(1, 41)))
        self.assertEqual(rows[0], {
            "row": 1, "provider": "snom", "mac": mac(1), "state": "succeeded",
            "error": None, "message": None, "attempts": 1,
            "device_pin": None, "lookup": None})

    def test_devices_paging_filter_and_csv(self):
        devs = [{"provider": "snom", "mac": mac(i, "00-04-13"), "url": URL}
                for i in range(1, 8)]
        self.sim("snom").script(mac(3, "00-04-13"), "Error:malformed_url")
        bid = self.created(self.post({"devices": devs}))["id"]
        self.wait_done(bid)
        rows = self.devices(bid, "?after=2&limit=3")
        self.assertEqual([r["row"] for r in rows], [3, 4, 5])
        failed = self.devices(bid, "?state=failed")
        self.assertEqual([(r["row"], r["error"], r["attempts"])
                          for r in failed], [(3, "malformed_url", 1)])
        self.assertEqual(len(self.devices(bid, "?state=succeeded")), 6)
        self.assertEqual(self.devices(bid, "?state=pending"), [])
        st, hdrs, body, _ = self.req("GET", "/batches/%s/devices" % bid,
                                     headers={"Accept": "text/csv"})
        self.assertEqual(st, 200)
        self.assertTrue(hdrs["content-type"].startswith("text/csv"))
        table = list(csv.reader(io.StringIO(body.decode())))
        self.assertEqual(table[0], ["row", "provider", "mac", "state", "error",
                                    "message", "attempts", "device_pin",
                                    "lookup_state", "lookup_url"])
        self.assertEqual(len(table), 8)
        self.assertEqual(table[3][:7], ["3", "snom", mac(3, "00-04-13"),
                                        "failed", "malformed_url",
                                        "Error:malformed_url", "1"])
        st, _, body, _ = self.req("GET", "/batches/%s/devices?state=failed"
                                  % bid, headers={"Accept": "text/csv"})
        self.assertEqual(len(body.decode().splitlines()), 2)

    def test_csv_deregister(self):
        snom = self.sim("snom")
        for i in (1, 2):
            snom.registry[mac12(mac(i, "00-04-14"))] = URL
        text = ("\ufeffmac,provider\r\n%s,snom\r\n\"%s\",snom\r\n"
                % (mac(1, "00-04-14"), mac(2, "00-04-14").lower()))
        js = self.created(self.post_csv(text, "deregister"))
        self.assertEqual(js["action"], "deregister")
        self.assertEqual(self.wait_done(js["id"])["succeeded"], 2)
        self.assertEqual(snom.registry, {})

    def test_list_newest_first(self):
        a = self.created(self.post({"devices": [
            {"provider": "snom", "mac": mac(1, "00-04-15"), "url": URL}]}))
        b = self.created(self.post({"devices": [
            {"provider": "snom", "mac": mac(2, "00-04-15"), "url": URL}]}))
        st, _, _, js = self.req("GET", "/batches?limit=2")
        self.assertEqual([x["id"] for x in js["batches"]], [b["id"], a["id"]])
        st, _, _, js = self.req("GET", "/batches?limit=1")
        self.assertEqual(len(js["batches"]), 1)

    def test_cancel(self):
        snom = self.sim("snom")
        snom.script(None, ("delay", 0.3))
        devs = [{"provider": "snom", "mac": mac(i, "00-04-16"), "url": URL}
                for i in range(1, 41)]
        bid = self.created(self.post({"devices": devs}))["id"]
        time.sleep(0.5)
        st, _, _, js = self.req("DELETE", "/batches/" + bid)
        self.assertEqual((st, js["state"]), (200, "cancelled"))
        time.sleep(1.0)
        sent = len(snom.calls)
        time.sleep(1.0)
        self.assertEqual(len(snom.calls), sent)
        self.assertLess(sent, 40)
        js = self.req("GET", "/batches/" + bid)[3]
        self.assertEqual(js["state"], "cancelled")
        self.assertEqual(js["succeeded"] + js["pending"], 40)
        self.assertEqual(js["succeeded"], sent)
        self.assertEqual(len(self.devices(bid, "?state=pending")), 40 - sent)

    def test_unknown_batch(self):
        for path in ("/batches/0123456789abcdef", "/batches/nope",
                     "/batches/0123456789abcdef/devices"):
            with self.subTest(path=path):
                self.assertError(self.req("GET", path), 404, "batch_not_found")
        self.assertError(self.req("DELETE", "/batches/0123456789abcdef"),
                         404, "batch_not_found")

    def test_methods(self):
        st, hdrs, _, js = self.req("PUT", "/batches")
        self.assertEqual((st, js["error"]), (405, "method_not_allowed"))
        self.assertEqual(hdrs.get("allow"), "GET, HEAD, POST")
        st, hdrs, _, js = self.req("POST", "/batches/0123456789abcdef")
        self.assertEqual(hdrs.get("allow"), "GET, HEAD, DELETE")

    def test_metrics(self):
        self.sim("snom").script(mac(1, "00-04-17"), "Error:owned_by_other_user")
        bid = self.created(self.post({"devices": [
            {"provider": "snom", "mac": mac(1, "00-04-17"), "url": URL}]}))["id"]
        self.wait_done(bid)
        text = self.req("GET", "/metrics")[2].decode()
        self.assertIn('falconieri_batch_devices_total{provider="snom",'
                      'action="register",outcome="device_owned_by_other_user"}'
                      ' 1', text)
        self.assertRegex(text, r'falconieri_batch_attempts_total'
                         r'\{provider="snom"\} [1-9]')
        self.assertIn('falconieri_batch_pending{provider="snom"} 0', text)


class TestBatchRetries(BatchTest):

    def test_refusal_is_final_at_once(self):
        m = mac(1, "00-04-20")
        self.sim("snom").script(m, "Error:owned_by_other_user")
        bid = self.created(self.post({"devices": [
            {"provider": "snom", "mac": m, "url": URL}]}))["id"]
        js = self.wait_done(bid)
        self.assertEqual((js["failed"], js["succeeded"]), (1, 0))
        d = self.devices(bid)[0]
        self.assertEqual((d["state"], d["error"], d["attempts"]),
                         ("failed", "device_owned_by_other_user", 1))
        self.assertEqual(len(self.sim("snom").calls), 1)

    def test_passing_failures_retried(self):
        snom = self.sim("snom")
        m1, m2 = mac(1, "00-04-21"), mac(2, "00-04-21")
        snom.script(m1, ("times", 2, ("http", 503, {"Retry-After": "1"})))
        snom.script(m2, ("times", 1, "cut"))
        bid = self.created(self.post({"devices": [
            {"provider": "snom", "mac": m1, "url": URL},
            {"provider": "snom", "mac": m2, "url": URL}]}))["id"]
        js = self.wait_done(bid)
        self.assertEqual(js["succeeded"], 2)
        d1, d2 = self.devices(bid)
        self.assertEqual((d1["state"], d1["attempts"], d1["error"]),
                         ("succeeded", 3, None))
        self.assertEqual((d2["state"], d2["attempts"]), ("succeeded", 2))
        self.assertEqual(snom.registry, {mac12(m1): URL, mac12(m2): URL})

    def test_retry_after_longer_than_backoff(self):
        """A 503 with Retry-After: 2 while the backoff is 100 ms: the next
        attempt comes no sooner than 2 s after the first (SPEC §6.5)."""
        snom = self.sim("snom")
        m = mac(1, "00-04-23")
        snom.script(m, ("times", 1, ("http", 503, {"Retry-After": "2"})))
        bid = self.created(self.post({"devices": [
            {"provider": "snom", "mac": m, "url": URL}]}))["id"]
        self.wait_done(bid)
        d = self.devices(bid)[0]
        self.assertEqual((d["state"], d["attempts"]), ("succeeded", 2))
        calls = snom.calls_of()
        self.assertEqual(len(calls), 2)
        self.assertGreaterEqual(calls[1].at - calls[0].at, 2.0)

    def test_attempts_run_out(self):
        m = mac(1, "00-04-22")
        self.sim("snom").script(m, ("http", 500))
        bid = self.created(self.post({"devices": [
            {"provider": "snom", "mac": m, "url": URL}]}))["id"]
        self.wait_done(bid)
        d = self.devices(bid)[0]
        self.assertEqual((d["state"], d["error"], d["attempts"]),
                         ("failed", "provider_remote_call_failed", 4))
        self.assertEqual(len(self.sim("snom").calls), 4)


class TestBatchBadInput(BatchTest):
    """Each bad body gets its documented error, and nothing is stored."""

    def setUp(self):
        super().setUp()
        self.before = self.batch_count()

    def tearDown(self):
        self.assertEqual(self.batch_count(), self.before)
        self.assertEqual(self.sim("snom").calls, [])
        super().tearDown()

    def invalid(self, resp):
        js = self.assertError(resp, 400, "invalid_batch")
        return js

    def test_quote_left_open(self):
        js = self.invalid(self.post_csv(
            "provider,mac,url\nsnom,\"%s,%s\n" % (mac(1), URL)))
        self.assertIn("quote", js["message"])

    def test_missing_header(self):
        js = self.invalid(self.post_csv("snom,%s,%s\n" % (mac(1), URL)))
        self.assertIn("column", js["message"])

    def test_unknown_column(self):
        js = self.invalid(self.post_csv(
            "provider,mac,url,colour\nsnom,%s,%s,red\n" % (mac(1), URL)))
        self.assertIn("colour", js["message"])

    def test_too_many_devices(self):
        lines = ["provider,mac"] + ["snom," + mac(i) for i in range(100001)]
        self.assertError(self.post_csv("\n".join(lines) + "\n", "deregister"),
                         413, "request_too_large")

    def test_body_over_16_mib(self):
        head = b"provider,mac,url\nsnom,AC-DE-48-00-00-01,https://x/"
        raw = head + b"a" * (16 * 1024 * 1024 + 1 - len(head))
        self.assertEqual(len(raw), 16 * 1024 * 1024 + 1)
        self.assertError(self.post_csv(None, raw=raw), 413,
                         "request_too_large")

    def test_duplicates_and_first_100_rows(self):
        devs = [{"provider": "snom", "mac": mac(i), "url": URL}
                for i in range(1, 4)]
        devs.append({"provider": "snom", "mac": mac(2).lower(), "url": URL})
        devs += [{"provider": "snom", "mac": "ZZ", "url": URL}] * 150
        js = self.invalid(self.post({"devices": devs}))
        self.assertEqual(len(js["rows"]), 100)
        self.assertEqual(js["rows"][0], {"row": 4, "error": "duplicate_device"})
        self.assertEqual(js["rows"][1], {"row": 5,
                                         "error": "malformed_mac_address"})
        self.assertEqual(js["rows"][-1]["row"], 103)

    def test_row_codes_in_order(self):
        devs = [{"provider": "nokia", "mac": mac(1), "url": URL},
                {"provider": "snom", "url": URL},
                {"provider": "snom", "mac": mac(3)},
                {"provider": "snom", "mac": mac(4), "url": "gopher://x/"},
                {"provider": "snom", "mac": mac(5), "url": URL}]
        js = self.invalid(self.post({"devices": devs}))
        self.assertEqual(js["rows"], [
            {"row": 1, "error": "provider_not_supported"},
            {"row": 2, "error": "missing_mac_address"},
            {"row": 3, "error": "missing_url"},
            {"row": 4, "error": "unsupported_url_scheme"}])

    def test_wrong_action(self):
        js = self.invalid(self.post({"action": "wipe", "devices": [
            {"provider": "snom", "mac": mac(1), "url": URL}]}))
        self.assertIn("action", js["message"])
        self.invalid(self.post_csv("provider,mac\nsnom,%s\n" % mac(1), "wipe"))

    def test_not_utf8(self):
        raw = ("provider,mac,url\nsnom,%s,https://x/caf" % mac(1)).encode()
        js = self.invalid(self.post_csv(None, raw=raw + b"\xe9\n"))
        self.assertIn("UTF-8", js["message"])
        js = self.invalid(self.req(
            "POST", "/batches", None, {"Content-Type": "application/json"},
            b'{"devices":[{"provider":"sn\xffom"}]}'))

    def test_not_a_batch(self):
        for body, ctype in ((b"[]", "application/json"),
                            (b"{\"devices\":[]}", "application/json"),
                            (b"{", "application/json"),
                            (b"provider,mac\n", "text/csv"),
                            (b"x", "text/plain")):
            with self.subTest(body=body, ctype=ctype):
                js = self.invalid(self.req("POST", "/batches", None,
                                           {"Content-Type": ctype}, body))
                self.assertTrue(js.get("message"))


class TestBatchesOff(StackTest):
    SIMS = ("snom",)

    def test_not_found_without_store(self):
        for method, path in (("GET", "/batches"), ("POST", "/batches"),
                             ("GET", "/batches/0123456789abcdef")):
            with self.subTest(path=path):
                self.assertError(self.req(method, path, {}), 404, "not_found")


class TestBatchCheck(BatchTest):
    """action check (SPEC §6.1, §6.3): §1.8's lookup per device, its
    state and URL in each device's lookup, nothing written at the
    vendor."""

    def test_check_reports_each_lookup(self):
        snom, yealink = self.sim("snom"), self.sim("yealink")
        mine, other, none = mac(1, "00-04-30"), mac(2, "00-04-30"), \
            mac(3, "00-04-30")
        st = self.req("PUT", "/providers/snom/" + mine, {"url": URL})[0]
        self.assertEqual(st, 200)
        snom.hold_elsewhere(other)
        ylk = mac(4, "00-15-65")
        self.assertEqual(self.req("PUT", "/providers/yealink/" + ylk,
                                  {"url": URL})[0], 200)
        writes = (len(snom.writes()), len(yealink.writes()))
        js = self.created(self.post({"action": "check", "devices": [
            {"provider": "snom", "mac": mine},
            {"provider": "snom", "mac": other},
            {"provider": "snom", "mac": none},
            {"provider": "yealink", "mac": ylk}]}))
        self.assertEqual(js["action"], "check")
        done = self.wait_done(js["id"])
        self.assertEqual((done["state"], done["succeeded"], done["failed"]),
                         ("done", 4, 0))
        rows = self.devices(js["id"])
        self.assertEqual([r["lookup"] for r in rows], [
            {"state": "registered", "url": URL},
            {"state": "registered_elsewhere", "url": None},
            {"state": "not_registered", "url": None},
            # Yealink's lookup does not return the URL (SPEC §2.4).
            {"state": "registered", "url": None}])
        self.assertEqual({r["error"] for r in rows}, {None})
        self.assertEqual((len(snom.writes()), len(yealink.writes())), writes)
        st, _, body, _ = self.req("GET", "/batches/%s/devices" % js["id"],
                                  headers={"Accept": "text/csv"})
        self.assertEqual(st, 200)
        got = list(csv.DictReader(io.StringIO(body.decode())))
        self.assertEqual([(r["lookup_state"], r["lookup_url"]) for r in got],
                         [("registered", URL), ("registered_elsewhere", ""),
                          ("not_registered", ""), ("registered", "")])


class TestBatchStoreLost(BatchTest):
    """The store lost while running (SPEC §6.6): another process holds the
    SQLite write lock past the busy timeout (10 s), so the batch routes
    that write answer 503 batch_store_unavailable, while single PUTs go on
    working; once the lock is gone, batches work again."""

    def test_batch_routes_503_single_puts_200(self):
        bid = self.created(self.post({"devices": [
            {"provider": "snom", "mac": mac(1, "00-04-31"), "url": URL}]}))["id"]
        self.wait_done(bid)
        db = sqlite3.connect(self.CONFIG["batch_store"][len("sqlite:"):],
                             isolation_level=None)
        db.execute("BEGIN IMMEDIATE")
        answers = {}

        def batch_calls():
            answers["post"] = self.post({"devices": [
                {"provider": "snom", "mac": mac(2, "00-04-31"), "url": URL}]})
            answers["delete"] = self.req("DELETE", "/batches/" + bid)
        try:
            t = threading.Thread(target=batch_calls)
            t.start()
            time.sleep(0.5)
            # Meanwhile, single PUTs are answered at once.
            for i in range(3, 8):
                t0 = time.monotonic()
                st = self.req("PUT", "/providers/snom/" + mac(i, "00-04-31"),
                              {"url": URL})[0]
                self.assertEqual(st, 200)
                self.assertLess(time.monotonic() - t0, 2.0)
            t.join(60)
        finally:
            db.execute("ROLLBACK")
            db.close()
        self.assertError(answers["post"], 503, "batch_store_unavailable")
        self.assertError(answers["delete"], 503, "batch_store_unavailable")
        self.created(self.post({"devices": [
            {"provider": "snom", "mac": mac(2, "00-04-31"), "url": URL}]}))
        self.assertEqual(self.req("GET", "/batches/" + bid)[0], 200)


class TestBatchesToken(BatchTest):
    BATCH = {"api_tokens": ["t0ken"]}

    def test_token_first(self):
        self.assertError(self.req("GET", "/batches"), 401, "unauthorized")
        self.assertError(self.req("POST", "/batches", {"devices": []}), 401,
                         "unauthorized")
        st = self.req("GET", "/batches",
                      headers={"Authorization": "Bearer t0ken"})[0]
        self.assertEqual(st, 200)


def on_postgresql(cls):
    """cls again, with the PostgreSQL store."""
    return type(cls.__name__ + "Pg", (cls,),
                {"STORE": "postgresql", "__module__": __name__,
                 "__doc__": (cls.__doc__ or "") + " (PostgreSQL)"})


TestBatchApiPg = on_postgresql(TestBatchApi)
TestBatchRetriesPg = on_postgresql(TestBatchRetries)
TestBatchBadInputPg = on_postgresql(TestBatchBadInput)
TestBatchCheckPg = on_postgresql(TestBatchCheck)
TestBatchesTokenPg = on_postgresql(TestBatchesToken)
