"""Batches under load and faults (SPEC §6.5): a 1,000-device batch across
all seven vendors, a vendor that refuses connections at first, a
`kill -9` of the FastCGI process in the middle of a 2,000-device batch
(nothing lost, nothing counted twice), and single PUTs kept fast while a
batch runs."""

import os
import shutil
import signal
import tempfile
import time

from harness import Falconieri, StackTest, build_dir, free_port
from rest_case import RestVendorTest
import vendors

import xmlrpc_sim  # noqa: E402  (harness puts tests/sim on the path)

URL = "https://pbx.example.com/p/"
XMLRPC = tuple(v.name for v in vendors.vendors() if v.kind == "XMLRPC")
REST = tuple(v.name for v in vendors.vendors() if v.kind == "REST")


def mac(i, prefix="00-04-13"):
    return "%s-%02X-%02X-%02X" % (prefix, (i >> 16) & 0xff, (i >> 8) & 0xff,
                                  i & 0xff)


def wait_done(stack, bid, timeout):
    end = time.monotonic() + timeout
    js = None
    while time.monotonic() < end:
        st, _, _, js = stack.request("GET", "/batches/" + bid)
        if st == 200 and js["state"] in ("done", "cancelled"):
            return js
        time.sleep(0.2)
    raise AssertionError("batch %s not done in %d s: %r" % (bid, timeout, js))


def all_devices(stack, bid):
    out, after = [], 0
    while True:
        st, _, _, js = stack.request(
            "GET", "/batches/%s/devices?after=%d&limit=10000" % (bid, after))
        assert st == 200, st
        if not js["devices"]:
            return out
        out += js["devices"]
        after = js["devices"][-1]["row"]


class TestSevenVendors(RestVendorTest):
    SIMS = XMLRPC
    REST = REST

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="falconieri-batches-")
        cls.BASE_CONFIG = {"connect_timeout_ms": 2000, "timeout_ms": 10000,
                           "batch_store": "sqlite:%s/b.db" % cls.tmp,
                           "batch_workers": 8}
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_thousand_devices(self):
        names = XMLRPC + REST
        devs = []
        for i in range(1000):
            d = {"provider": names[i % len(names)], "mac": mac(i),
                 "url": URL + "%d/" % i}
            if d["provider"] == "gigaset":
                d["crc"] = "AB12"
            devs.append(d)
        st, hdrs, body, js = self.stack.request(
            "POST", "/batches", {"action": "register", "devices": devs})
        self.assertEqual(st, 202, body[:300])
        done = wait_done(self.stack, js["id"], 300)
        self.assertEqual((done["state"], done["succeeded"], done["failed"]),
                         ("done", 1000, 0), done)
        for v in names:
            want = {d["mac"].replace("-", ""): d["url"] for d in devs
                    if d["provider"] == v}
            if v in XMLRPC:
                got = dict(self.sim(v).registry)
            elif v == "ymcs":
                got = {k.upper(): e["url"] for k, e in
                       self.rest[v].devices.items()}
            else:
                got = {k.upper(): e["url"] for k, e in
                       self.rest[v].endpoints.items()}
            with self.subTest(vendor=v):
                self.assertEqual(got, want)
        rows = all_devices(self.stack, js["id"])
        self.assertEqual([r["attempts"] for r in rows], [1] * 1000)


class TestRefusedConnections(StackTest):
    """The vendor is not listening for the first three attempts."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="falconieri-batches-")
        cls.port = free_port()
        cls.CONFIG = {
            "providers": {"snom": {"user": "u", "password": "p",
                                   "rpc_url": "http://127.0.0.1:%d/xmlrpc"
                                   % cls.port}},
            "batch_store": "sqlite:%s/b.db" % cls.tmp,
            "batch_retry_ms": 400, "batch_attempts": 6,
            "connect_timeout_ms": 1000, "timeout_ms": 2000}
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_succeeds_after_retries(self):
        m = mac(1, "00-04-30")
        st, _, body, js = self.req("POST", "/batches", {"devices": [
            {"provider": "snom", "mac": m, "url": URL}]})
        self.assertEqual(st, 202, body)
        bid = js["id"]
        end = time.monotonic() + 30
        attempts = 0
        while attempts < 3 and time.monotonic() < end:
            d = self.req("GET", "/batches/%s/devices" % bid)[3]["devices"][0]
            attempts = d["attempts"]
            time.sleep(0.02)
        self.assertEqual(attempts, 3)
        self.assertEqual(d["error"], "connection_to_remote_provider_failed")
        sim = xmlrpc_sim.start("snom", "u", "p", port=self.port)
        try:
            js = wait_done(self.stack, bid, 30)
            d = self.req("GET", "/batches/%s/devices" % bid)[3]["devices"][0]
            self.assertEqual((js["succeeded"], d["state"], d["attempts"],
                              d["error"]), (1, "succeeded", 4, None))
            self.assertEqual(sim.registry, {m.replace("-", ""): URL})
        finally:
            sim.stop()


class TestKillMidBatch(StackTest):
    """kill -9 while 2,000 devices run against a 20 ms vendor, restart:
    the batch ends done, every device succeeded once in the counts, the
    vendor saw each at least once and at most batch_workers twice."""

    SIMS = ("snom",)
    WORKERS_BATCH = 4

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="falconieri-batches-")
        cls.CONFIG = {"batch_store": "sqlite:%s/b.db" % cls.tmp,
                      "batch_workers": cls.WORKERS_BATCH,
                      "batch_per_vendor": cls.WORKERS_BATCH,
                      "connect_timeout_ms": 1000, "timeout_ms": 2000}
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_kill_and_restart(self):
        stack = self.stack
        snom = self.sim("snom")
        snom.script(None, ("delay", 0.02))
        devs = [{"provider": "snom", "mac": mac(i, "00-04-31"), "url": URL}
                for i in range(2000)]
        st, _, body, js = self.req("POST", "/batches", {"devices": devs})
        self.assertEqual(st, 202, body[:200])
        bid = js["id"]
        end = time.monotonic() + 60
        while len(snom.calls) < 300 and time.monotonic() < end:
            time.sleep(0.05)
        old = stack.falconieri
        os.kill(old.proc.pid, signal.SIGKILL)
        old.proc.wait()
        seen_at_kill = len(snom.calls)
        self.assertLess(seen_at_kill, 2000, "the batch ended before the kill")
        stack.falconieri = Falconieri(build_dir(), stack.config, stack.env
                                      if not callable(stack.env) else {},
                                      stack.workers, port=old.port)
        js = wait_done(stack, bid, 180)
        self.assertEqual((js["state"], js["succeeded"], js["failed"],
                          js["pending"], js["total"]),
                         ("done", 2000, 0, 0, 2000))
        rows = all_devices(stack, bid)
        self.assertEqual(len(rows), 2000)
        self.assertEqual({r["state"] for r in rows}, {"succeeded"})
        counts = {}
        for c in snom.calls:
            counts[c.params[0]] = counts.get(c.params[0], 0) + 1
        self.assertEqual(set(counts), {d["mac"].replace("-", "")
                                       for d in devs})
        twice = [m for m, n in counts.items() if n > 1]
        print("\n# kill -9 after %d vendor calls: %d devices sent twice "
              "(at most %d allowed)" % (seen_at_kill, len(twice),
                                        self.WORKERS_BATCH))
        self.assertLessEqual(len(twice), self.WORKERS_BATCH, twice)
        self.assertLessEqual(max(counts.values()), 2)


class TestIsolation(StackTest):
    """Single PUTs stay as fast while a 5,000-device batch runs against the
    same 200 ms vendor: p99 within 1.5 times its value without the batch."""

    SIMS = ("snom",)
    WORKERS = 8

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="falconieri-batches-")
        cls.CONFIG = {"batch_store": "sqlite:%s/b.db" % cls.tmp,
                      "connect_timeout_ms": 2000, "timeout_ms": 5000}
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def p99(self, n=60):
        times = []
        for i in range(n):
            t0 = time.monotonic()
            st = self.req("PUT", "/providers/snom/" + mac(i, "00-04-40"),
                          {"url": URL})[0]
            times.append(time.monotonic() - t0)
            self.assertEqual(st, 200)
        times.sort()
        return times[int(len(times) * 0.99) - 1 if len(times) >= 100 else -1]

    def test_single_puts_unaffected(self):
        self.sim("snom").script(None, ("delay", 0.2))
        base = self.p99()
        devs = [{"provider": "snom", "mac": mac(i, "00-04-41"), "url": URL}
                for i in range(5000)]
        st, _, _, js = self.req("POST", "/batches", {"devices": devs})
        self.assertEqual(st, 202)
        time.sleep(1)
        # The other tests' load on a shared machine can make one sample
        # slow: up to three measurements while the batch runs.
        for _ in range(3):
            during = self.p99()
            if during <= base * 1.5:
                break
        running = self.req("GET", "/batches/" + js["id"])[3]
        self.req("DELETE", "/batches/" + js["id"])
        self.assertEqual(running["state"], "running")
        self.assertGreater(running["succeeded"], 0)
        print("\n# isolation: single PUT p99 %.0f ms alone, %.0f ms with "
              "the batch (%d batch devices done meanwhile)"
              % (base * 1000, during * 1000, running["succeeded"]))
        self.assertLessEqual(during, base * 1.5,
                             "p99 %.3f s with the batch, %.3f s without"
                             % (during, base))
