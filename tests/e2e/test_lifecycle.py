"""Lifecycle end to end (SPEC §4): SIGTERM while requests are in flight
lets them finish (200) and then exits 0, kept-alive nginx connections
notwithstanding; and a vendor call that hangs holds one worker only, while
every other request is served at once.
"""

import shutil
import signal
import threading
import time
import unittest

from fault_util import FaultServer
from harness import Stack, StackTest

MAC = "AC-DE-48-23-45-67"
URL = "https://pbx.example.com/prov/"


def mac(i):
    return "02-00-00-00-%02X-%02X" % (i // 256, i % 256)


class FrontStack(Stack):
    """A Stack whose Snom sits behind a FaultServer (self.front)."""

    def __init__(self, timeout_ms, workers=16):
        self.front = FaultServer()
        self.timeout_ms = timeout_ms
        super().__init__(config=self.conf, sims=("snom",), workers=workers)

    def conf(self, sims):
        self.front.set_upstream(sims["snom"].url)
        return {"connect_timeout_ms": 1000, "timeout_ms": self.timeout_ms,
                "providers": {"snom": {"rpc_url":
                                       self.front.url("/xmlrpc")}}}

    def stop(self):
        try:
            return super().stop()
        finally:
            self.front.stop()


def put(stack, m, out, i):
    """PUT for MAC m, its (status, seconds) into out[i]."""
    t0 = time.monotonic()
    try:
        st = stack.request("PUT", "/providers/snom/" + m, {"url": URL},
                           timeout=30)[0]
    except Exception as e:  # noqa: BLE001 - reported by the test
        st = repr(e)
    out[i] = (st, time.monotonic() - t0, time.monotonic())


def wait_for(pred, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.01)
    return False


class TestSigterm(unittest.TestCase):
    """Runs its own stacks: Falconieri is meant to exit here."""

    def finish(self, stack):
        """Stops what is left of stack once Falconieri has exited."""
        f = stack.falconieri
        stack.falconieri = None
        try:
            rep = f.sanitizer_report()
            self.assertIsNone(rep, rep)
        finally:
            f.kill()
            shutil.rmtree(f.dir, ignore_errors=True)
            stack.stop()

    def test_in_flight_requests_complete_then_exit_0(self):
        n = 6
        with FrontStack(timeout_ms=10000) as stack:
            # Some traffic first, so that nginx keeps idle connections.
            for i in range(20):
                self.assertEqual(stack.request("GET", "/health/check")[0],
                                 200)
            stack.front.push(("delay", 1.0), times=n)
            out = [None] * n
            threads = [threading.Thread(target=put,
                                        args=(stack, mac(i), out, i))
                       for i in range(n)]
            for t in threads:
                t.start()
            self.assertTrue(wait_for(lambda: len(stack.front.requests) == n),
                            "the vendor did not get the %d requests" % n)
            proc = stack.falconieri.proc
            t_term = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            for t in threads:
                t.join(30)
            rc = proc.wait(15)
            t_exit = time.monotonic()
            self.assertEqual([o[0] for o in out], [200] * n, stack.log())
            self.assertEqual(rc, 0, stack.log())
            # Answered after the signal (the vendor took 1 s), and the
            # process left once they were, not 15 s later.
            for o in out:
                self.assertGreater(o[2], t_term)
            self.assertLess(t_exit - t_term, 5.0)
            self.assertEqual(sorted(stack.sim("snom").registry),
                             sorted(mac(i).replace("-", "")
                                    for i in range(n)))
            self.finish(stack)

    def test_idle_exit_is_prompt(self):
        with FrontStack(timeout_ms=10000) as stack:
            for i in range(30):
                stack.request("GET", "/providers")
            self.assertEqual(stack.request("PUT", "/providers/snom/" + MAC,
                                           {"url": URL})[0], 200)
            proc = stack.falconieri.proc
            t0 = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            rc = proc.wait(15)
            self.assertEqual(rc, 0, stack.log())
            self.assertLess(time.monotonic() - t0, 2.0)
            self.finish(stack)


class TestHungVendor(StackTest):
    """timeout_ms 4000: hung calls last long enough to be overtaken."""

    WORKERS = 16
    front = None

    @classmethod
    def setUpClass(cls):
        cls.stack = FrontStack(timeout_ms=4000, workers=cls.WORKERS)
        cls.stack.__enter__()
        cls.front = cls.stack.front

    def test_hung_calls_do_not_block_the_others(self):
        hung = 3
        self.front.push("hang", match="", times=hung)
        out = [None] * hung
        threads = [threading.Thread(target=put,
                                    args=(self.stack, mac(100 + i), out, i))
                   for i in range(hung)]
        for t in threads:
            t.start()
        self.assertTrue(wait_for(lambda: len(self.front.requests) == hung))
        # While three workers wait on the vendor, the rest serve at once.
        for i in range(30):
            t0 = time.monotonic()
            if i % 3 == 0:
                st = self.req("GET", "/health/check")[0]
            else:
                st = self.req("PUT", "/providers/snom/" + mac(i),
                              {"url": URL})[0]
            self.assertEqual(st, 200)
            self.assertLess(time.monotonic() - t0, 1.0,
                            "request %d waited behind a hung call" % i)
        self.assertTrue(all(o is None for o in out),
                        "the hung calls ended too early: %r" % out)
        for t in threads:
            t.join(30)
        for st, secs, _ in out:
            self.assertEqual(st, 500)
            self.assertLess(secs, 4.0 + 1.0 + 0.5)
        self.assertEqual(self.req("PUT", "/providers/snom/" + MAC,
                                  {"url": URL})[0], 200)
