"""Snom end to end (SPEC §2.1): nginx -> Falconieri -> the Snom simulator.
Checks what reaches the vendor byte for byte, and how every kind of vendor
answer maps to the API's result."""

import base64
import threading
import time

from harness import StackTest, free_port

MAC = "AC-DE-48-23-45-67"
MAC12 = "ACDE48234567"
OTHER = "00-1A-2B-3C-4D-5E"
OTHER12 = "001A2B3C4D5E"
DEV = "/providers/snom/" + MAC
# '&' and "'" must be escaped in XML; '%20' and '+' must not be decoded.
URL = "https://pbx.example.com/p?a=1&b=%20x+y&c='q'"
URL2 = "http://pbx2.example.com:8080/snom/"


def basic(user, password):
    return "Basic " + base64.b64encode(
        ("%s:%s" % (user, password)).encode()).decode()


class SnomTest(StackTest):
    SIMS = ("snom",)
    CONFIG = {"connect_timeout_ms": 1000, "timeout_ms": 2000}

    @property
    def snom(self):
        return self.sim("snom")

    def put(self, mac=MAC, url=URL):
        return self.req("PUT", "/providers/snom/" + mac, {"url": url})

    def delete(self, mac=MAC):
        return self.req("DELETE", "/providers/snom/" + mac)

    def assertRecovers(self):
        """With the scripts gone, the next request succeeds."""
        self.snom.reset()
        self.assertEmptyOK(self.put(OTHER, URL2))
        self.assertEqual(self.snom.registry.get(OTHER12), URL2)


class TestSnom(SnomTest):

    def test_register(self):
        self.assertEmptyOK(self.put())
        calls = self.snom.calls
        self.assertEqual(len(calls), 1, calls)
        c = calls[0]
        self.assertEqual(c.method, "redirect.registerPhone")
        self.assertEqual(c.params, (MAC12, URL))
        self.assertEqual(c.authorization, basic("user-snom", "secret-snom"))
        self.assertTrue(c.content_type.startswith("text/xml"),
                        c.content_type)
        self.assertTrue(c.user_agent.startswith("Falconieri/"),
                        c.user_agent)
        self.assertEqual(c.path, "/xmlrpc")
        self.assertIn(b"&amp;", c.body)
        self.assertEqual(self.snom.registry, {MAC12: URL})

    def test_register_replaces_url(self):
        self.assertEmptyOK(self.put())
        self.assertEmptyOK(self.put(url=URL2))
        self.assertEqual(self.snom.registry, {MAC12: URL2})

    def test_register_lower_case_colon_mac(self):
        self.assertEmptyOK(self.put("ac:de:48:23:45:67"))
        self.assertEqual(self.snom.calls[0].params, (MAC12, URL))

    def test_deregister(self):
        self.assertEmptyOK(self.put())
        self.snom.calls.clear()
        self.assertEmptyOK(self.delete())
        calls = self.snom.calls
        self.assertEqual(len(calls), 1, calls)
        self.assertEqual(calls[0].method, "redirect.deregisterPhone")
        self.assertEqual(calls[0].params, (MAC12,))
        self.assertEqual(calls[0].authorization,
                         basic("user-snom", "secret-snom"))
        self.assertEqual(self.snom.registry, {})

    def test_deregister_unknown_is_success(self):
        self.assertEmptyOK(self.delete("ac-de-48-23-45-67"))
        self.assertEqual(self.snom.calls[0].params, (MAC12,))
        # Scripted too, in case the simulator's registry ever changes.
        self.snom.script(MAC, "Error:no_such_mac")
        self.assertEmptyOK(self.delete())

    def test_no_such_mac_is_no_success_for_register(self):
        self.snom.script(MAC, "Error:no_such_mac")
        js = self.assertError(self.put(), 500, "unknown_provider_error")
        self.assertIn("Error:no_such_mac", js.get("message", ""))

    def test_refusals(self):
        # Deregistering sends no URL, so only a register can get
        # Error:malformed_url.
        cases = (("Error:malformed_url", "malformed_url", ("PUT",)),
                 ("Error:malformed_mac", "not_valid_mac_address",
                  ("PUT", "DELETE")),
                 ("Error:owned_by_other_user", "device_owned_by_other_user",
                  ("PUT", "DELETE")))
        for text, code, methods in cases:
            for method in methods:
                with self.subTest(text=text, method=method):
                    self.snom.script(MAC, text)
                    resp = self.put() if method == "PUT" else self.delete()
                    self.assertError(resp, 500, code)
                    self.assertRecovers()

    def test_other_refusal_carries_vendor_text(self):
        text = "Error:quota_exceeded for this account"
        for method in ("PUT", "DELETE"):
            with self.subTest(method=method):
                self.snom.script(MAC, text)
                resp = self.put() if method == "PUT" else self.delete()
                js = self.assertError(resp, 500, "unknown_provider_error")
                self.assertIn(text, js.get("message", ""))
                self.assertRecovers()

    def test_refusal_text_not_utf8(self):
        """Character references mxml turns into bytes that are not UTF-8
        (a surrogate, a code point past U+10FFFF): the answer is still
        valid UTF-8 JSON, with the vendor's other words."""
        self.snom.script(None, ("raw", (
            b"<?xml version=\"1.0\"?><methodResponse><params><param>"
            b"<value><array><data><value><boolean>0</boolean></value>"
            b"<value><string>Error:bad &#xD800; &#x110000; end</string>"
            b"</value></data></array></value></param></params>"
            b"</methodResponse>")))
        st, hdrs, body, js = self.req("PUT", "/providers/snom/" + MAC,
                                      {"url": URL})
        self.assertEqual(st, 500, body)
        self.assertIsNotNone(js, "not JSON: %r" % body)
        body.decode("utf-8")
        self.assertEqual(js["error"], "unknown_provider_error")
        self.assertTrue(js["message"].startswith("Error:bad "), js)
        self.assertTrue(js["message"].endswith(" end"), js)
        self.assertRecovers()

    def test_owned_by_other_user_from_registry(self):
        self.snom.foreign.add(MAC12)
        self.assertError(self.put(), 500, "device_owned_by_other_user")
        self.assertError(self.delete(), 500, "device_owned_by_other_user")
        self.assertRecovers()

    def test_http_errors(self):
        for status in (500, 503, 404, 403, 201, 302):
            with self.subTest(status=status):
                self.snom.script(MAC, ("http", status))
                self.assertError(self.put(), 500,
                                 "provider_remote_call_failed")
                self.snom.script(MAC, ("http", status))
                self.assertError(self.delete(), 500,
                                 "provider_remote_call_failed")
                self.assertRecovers()

    def test_unexpected_answers(self):
        for b in ("garbage", "empty", "fault"):
            with self.subTest(behaviour=b):
                self.snom.script(MAC, b)
                self.assertError(self.put(), 500,
                                 "unknown_response_from_provider")
                self.snom.script(MAC, b)
                self.assertError(self.delete(), 500,
                                 "unknown_response_from_provider")
                self.assertRecovers()

    def test_untyped_message(self):
        self.snom.script(MAC, ("untyped", "Error:owned_by_other_user"))
        self.assertError(self.put(), 500, "device_owned_by_other_user")
        self.assertRecovers()

    def test_pretty_printed_answers(self):
        self.snom.script(MAC, ("pretty", "ok"))
        self.assertEmptyOK(self.put())
        self.snom.script(MAC, ("pretty", "Error:malformed_mac"))
        self.assertError(self.put(), 500, "not_valid_mac_address")
        self.assertRecovers()

    def test_answer_cut_off(self):
        self.snom.script(MAC, "cut")
        self.assertError(self.put(), 500, "read_remote_response_failed")
        self.assertRecovers()

    def test_answer_too_big(self):
        self.snom.script(MAC, "huge")
        self.assertError(self.put(), 500, "read_remote_response_failed")
        self.assertRecovers()

    def test_vendor_timeout(self):
        self.snom.script(MAC, "hang")
        t0 = time.monotonic()
        js = self.assertError(self.put(), 500,
                              "connection_to_remote_provider_failed")
        self.assertLess(time.monotonic() - t0, 10)
        self.assertTrue(js.get("message"), js)
        self.assertRecovers()

    def test_slow_vendor_holds_one_worker(self):
        self.snom.script(MAC, "hang")
        slow = {}

        def call():
            slow["resp"] = self.put()
        t = threading.Thread(target=call)
        t.start()
        time.sleep(0.3)
        t0 = time.monotonic()
        self.assertEmptyOK(self.put(OTHER, URL2))
        self.assertEmptyOK(self.req("GET", "/health/check"))
        self.assertLess(time.monotonic() - t0, 1.5)
        t.join(15)
        self.assertError(slow["resp"], 500,
                         "connection_to_remote_provider_failed")

    def test_log_line_without_secrets(self):
        mark = len(self.stack.log())
        self.assertEmptyOK(self.put())
        self.snom.script(MAC, "Error:malformed_url")
        self.put()
        time.sleep(0.1)
        new = self.stack.log()[mark:]
        lines = [ln for ln in new.splitlines() if MAC in ln]
        self.assertGreaterEqual(len(lines), 2, new)
        self.assertIn("PUT", lines[0])
        self.assertIn("snom", lines[0])
        self.assertIn("malformed_url", new)
        log = self.stack.log()
        self.assertNotIn("secret-snom", log)
        self.assertNotIn(base64.b64encode(b"user-snom:secret-snom").decode(),
                         log)

    def test_errors_do_not_leak_credentials(self):
        self.snom.script(MAC, ("http", 500))
        st, _, body, _ = self.put()
        self.assertNotIn(b"secret-snom", body)


class TestSnomWrongPassword(SnomTest):
    CONFIG = {"providers": {"snom": {"password": "not-the-password"}}}

    def test_vendor_401(self):
        for resp in (self.put(), self.delete()):
            self.assertError(resp, 500, "provider_remote_call_failed")
        calls = self.snom.calls
        self.assertEqual(len(calls), 2)
        self.assertFalse(any(c.auth_ok for c in calls))
        self.assertEqual(calls[0].authorization,
                         basic("user-snom", "not-the-password"))
        self.assertEqual(self.snom.registry, {})


class TestSnomDown(StackTest):
    # rpc_url on a port nobody listens on.
    CONFIG = staticmethod(lambda sims: {
        "connect_timeout_ms": 1000, "timeout_ms": 2000,
        "providers": {"snom": {
            "user": "u", "password": "p",
            "rpc_url": "http://127.0.0.1:%d/xmlrpc" % free_port()}}})

    def test_connection_refused(self):
        for method in ("PUT", "DELETE"):
            with self.subTest(method=method):
                resp = self.req(method, DEV,
                                {"url": URL} if method == "PUT" else None)
                js = self.assertError(
                    resp, 500, "connection_to_remote_provider_failed")
                self.assertTrue(js.get("message"), js)
        self.assertEmptyOK(self.req("GET", "/health/check"))


class TestSnomTls(StackTest):
    # https towards a plain-HTTP simulator: the TLS handshake fails.
    SIMS = ("snom",)
    CONFIG = staticmethod(lambda sims: {
        "connect_timeout_ms": 1000, "timeout_ms": 2000,
        "providers": {"snom": {
            "rpc_url": sims["snom"].url.replace("http://", "https://")}}})

    def test_tls_failure(self):
        js = self.assertError(self.req("PUT", DEV, {"url": URL}), 500,
                              "connection_to_remote_provider_failed")
        self.assertTrue(js.get("message"), js)
