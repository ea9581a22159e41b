"""Yealink legacy RPS end to end (SPEC §2.1): nginx -> Falconieri -> the
Yealink simulator.  One call each way, the MAC in MAC-HYPHEN notation."""

import re

from xmlrpc_case import MAC, MAC12, URL, URL2, XmlRpcVendorTest

BAD_URL = ("Error:The url can only begin with 'http://' or 'https://' or "
           "'ftp://' or 'tftp://'")
REGISTER = "redirect.registerDeviceWithUniqueUrl"
DEREGISTER = "redirect.deRegisterDevice"

# What both calls map the same way.
REFUSALS = (
    (BAD_URL, "malformed_url"),
    ("Error:abcdefghij", "device_owned_by_other_user"),
    ("Error:0123456789", "device_owned_by_other_user"),
    ("Error:k3x9q0m2zz", "device_owned_by_other_user"),
    # The owner code is exactly ten lower-case letters or digits.
    ("Error:abcdefghi", "unknown_provider_error"),
    ("Error:abcdefghijk", "unknown_provider_error"),
    ("Error:ABCDEFGHIJ", "unknown_provider_error"),
    ("Error:abcde-ghij", "unknown_provider_error"),
    ("Error:abcdefghij ", "unknown_provider_error"),
    # The URL text is matched whole, as written.
    ("Error:The url can only begin with 'http://'", "unknown_provider_error"),
    (BAD_URL.lower(), "unknown_provider_error"),
    ("Error:Invalid MAC address", "unknown_provider_error"),
)


class YealinkTest(XmlRpcVendorTest):
    SIMS = ("yealink",)
    VENDOR = "yealink"


class TestYealink(YealinkTest):

    def test_register(self):
        self.assertEmptyOK(self.put(mac="ac:de:48:23:45:67"))
        self.assertCalls([(REGISTER, (MAC, "Falconieri", URL, "1"))])
        self.assertEqual(self.vsim.registry, {MAC12: URL})

    def test_register_replaces_url(self):
        # "1" asks RPS to override; without it the simulator would refuse.
        self.assertEmptyOK(self.put())
        self.assertEmptyOK(self.put(URL2))
        self.assertEqual(self.vsim.registry, {MAC12: URL2})
        self.assertEqual(len(self.vsim.calls_of()), 2)

    def test_deregister(self):
        self.assertEmptyOK(self.put())
        self.vsim.calls.clear()
        self.assertEmptyOK(self.delete("ac-de-48-23-45-67"))
        self.assertCalls([(DEREGISTER, (MAC,))])
        self.assertEqual(self.vsim.registry, {})

    def test_deregister_unknown_is_success(self):
        self.assertEmptyOK(self.delete())
        self.assertCalls([(DEREGISTER, (MAC,))])

    def test_register_refusals(self):
        self.assertRefusals("PUT", REGISTER, REFUSALS)

    def test_deregister_refusals(self):
        self.assertRefusals("DELETE", DEREGISTER, REFUSALS)

    def test_owned_by_other_user_from_vendor_state(self):
        # The simulator draws a fresh random code each time.
        self.vsim.foreign.add(MAC12)
        for method in ("PUT", "DELETE", "PUT"):
            with self.subTest(method=method):
                js = self.assertError(self.call(method), 500,
                                      "device_owned_by_other_user")
                self.assertRegex(js.get("message", ""),
                                 re.compile(r"Error:[a-z0-9]{10}"))
        self.assertRecovers()

    def test_counted_failures(self):
        self.assertCountedFailures("PUT", REGISTER)
        self.assertCountedFailures("DELETE", DEREGISTER)

    def test_timeouts(self):
        self.assertTimeout("PUT", REGISTER)
        self.assertTimeout("DELETE", DEREGISTER)

    def test_crc_and_sn_ignored(self):
        self.assertEmptyOK(self.req("PUT", self.path(query="?crc=!"),
                                    {"url": URL, "sn": 42}))
        self.assertCalls([(REGISTER, (MAC, "Falconieri", URL, "1"))])


class TestYealinkWrongPassword(YealinkTest):
    CONFIG = {"providers": {"yealink": {"password": "not-the-password"}}}

    def test_vendor_401(self):
        self.assertWrongPassword()
