"""What the end-to-end tests of the Gigaset, Yealink and Fanvil providers
share (SPEC §2.1): a test class bound to one vendor simulator, request
helpers, and the checks every XML-RPC call gets, where the test names the
call (method) and whether its answer counts.

Not a test module itself (run.py loads test_*.py only).
"""

import base64
import time

from harness import StackTest

MAC = "AC-DE-48-23-45-67"
MAC12 = "ACDE48234567"
OTHER = "00-1A-2B-3C-4D-5E"
OTHER12 = "001A2B3C4D5E"
# '&', '<' and "'" must be escaped in XML; '%20' and '+' must not be decoded.
URL = "https://pbx.example.com/prov/?a=1&b=%20x+y&c='q'"
URL2 = "http://pbx2.example.com:8080/phones/"

# Scripted answers that are not the vendors' shape, and what they give.
BAD_SHAPES = ("garbage", "empty", "fault")
# Failures of the call itself, and what they give whatever the call.
DELIVERY = ((("http", 500), "provider_remote_call_failed"),
            (("http", 404), "provider_remote_call_failed"),
            (("http", 302), "provider_remote_call_failed"),
            ("cut", "read_remote_response_failed"),
            ("huge", "read_remote_response_failed"))


def basic(user, password):
    return "Basic " + base64.b64encode(
        ("%s:%s" % (user, password)).encode()).decode()


class XmlRpcVendorTest(StackTest):
    """One vendor's simulator behind nginx and Falconieri."""

    VENDOR = None       # "gigaset", "yealink" or "fanvil"
    QUERY = ""          # added to every device path ("?crc=AB12")
    CONFIG = {"connect_timeout_ms": 1000, "timeout_ms": 2000}

    @property
    def vsim(self):
        return self.sim(self.VENDOR)

    def path(self, mac=MAC, query=None):
        q = self.QUERY if query is None else query
        return "/providers/%s/%s%s" % (self.VENDOR, mac, q)

    def put(self, url=URL, mac=MAC, query=None):
        return self.req("PUT", self.path(mac, query), {"url": url})

    def delete(self, mac=MAC, query=None):
        return self.req("DELETE", self.path(mac, query))

    def call(self, method, **kw):
        """PUT (with URL) or DELETE of the device."""
        return self.put(**kw) if method == "PUT" else self.delete(**kw)

    def expected_auth(self):
        """The Authorization header every call must carry."""
        s = self.vsim
        return basic(s.user, s.expected_password())

    def assertCalls(self, want):
        """The simulator got exactly the calls want, a list of (method,
        params), in order, each with the right auth and headers."""
        calls = self.vsim.calls_of()
        self.assertEqual([(c.method, c.params) for c in calls], want)
        for c in calls:
            self.assertEqual(c.authorization, self.expected_auth())
            self.assertTrue(c.auth_ok)
            self.assertTrue((c.content_type or "").startswith("text/xml"),
                            c.content_type)
            self.assertTrue((c.user_agent or "").startswith("Falconieri/"),
                            c.user_agent)
            self.assertEqual(c.path, "/xmlrpc")

    def assertRecovers(self):
        """With scripts and state gone, a register and a deregister of
        another device succeed."""
        self.vsim.reset()
        self.assertEmptyOK(self.put(URL2, OTHER))
        self.assertEqual(self.vsim.registry.get(OTHER12), URL2)
        self.assertEmptyOK(self.delete(OTHER))
        self.vsim.reset()

    def assertNoCall(self):
        self.assertEqual(self.vsim.calls_of(), [])

    def assertRefusals(self, method, rpc_method, cases):
        """For each (vendor text, code): the rpc_method call of a PUT or
        DELETE refused with text gives code (None: success); a failure
        carries the vendor's text as its message."""
        for text, code in cases:
            with self.subTest(method=method, text=text):
                self.vsim.reset()
                self.vsim.script(MAC, text, method=rpc_method)
                resp = self.call(method)
                if code is None:
                    self.assertEmptyOK(resp)
                    continue
                js = self.assertError(resp, 500, code)
                self.assertIn(text, js.get("message", ""))
                self.assertEqual(self.vsim.calls_of()[-1].method, rpc_method)
        self.assertRecovers()

    def assertStops(self, method, rpc_method, cases):
        """For each (behaviour, code): with the rpc_method call of a PUT or
        DELETE answered so, the request fails with code and no call
        follows that one."""
        for behaviour, code in cases:
            with self.subTest(method=method, behaviour=behaviour):
                self.vsim.reset()
                self.vsim.script(MAC, behaviour, method=rpc_method)
                self.assertError(self.call(method), 500, code)
                self.assertEqual(self.vsim.calls_of()[-1].method, rpc_method)
        self.assertRecovers()

    def assertCountedFailures(self, method, rpc_method):
        """Every delivery and shape failure of the rpc_method call of a PUT
        or DELETE fails the request."""
        self.assertStops(method, rpc_method, DELIVERY + tuple(
            (b, "unknown_response_from_provider") for b in BAD_SHAPES))

    def assertIgnoredAnswer(self, method, rpc_method, after):
        """The rpc_method call of method counts only by its delivery: a
        refusal or a bad shape goes on to the call after, a delivery
        failure stops the request."""
        for behaviour in BAD_SHAPES + ("Error: anything", ("untyped", "x")):
            with self.subTest(method=method, behaviour=behaviour):
                self.vsim.reset()
                self.vsim.script(MAC, behaviour, method=rpc_method)
                self.assertEmptyOK(self.call(method))
                self.assertEqual(self.vsim.calls_of()[-1].method, after)
        self.assertStops(method, rpc_method, DELIVERY)

    def assertTimeout(self, method, rpc_method):
        """A vendor that never answers rpc_method: connection failure,
        within the configured timeout."""
        self.vsim.script(MAC, "hang", method=rpc_method)
        t0 = time.monotonic()
        js = self.assertError(self.call(method), 500,
                              "connection_to_remote_provider_failed")
        self.assertLess(time.monotonic() - t0, 10)
        self.assertTrue(js.get("message"), js)
        self.assertRecovers()

    def assertWrongPassword(self):
        """The vendor refuses the credentials (401): provider_remote_call_failed
        for PUT and DELETE, after one call each."""
        for method in ("PUT", "DELETE"):
            with self.subTest(method=method):
                self.vsim.reset()
                self.assertError(self.call(method), 500,
                                 "provider_remote_call_failed")
                calls = self.vsim.calls_of()
                self.assertEqual(len(calls), 1)
                self.assertFalse(calls[0].auth_ok)
        self.assertEqual(self.vsim.registry, {})
