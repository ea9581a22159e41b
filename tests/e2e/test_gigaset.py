"""Gigaset end to end (SPEC §1.1, §2.1): nginx -> Falconieri -> the
Gigaset simulator.  The device id is MAC12-CRC (MAC12 with disable_crc);
a registration is deregisterDevice (only its delivery counts) then
registerDevice."""

from xmlrpc_case import (MAC, MAC12, OTHER, URL, URL2, XmlRpcVendorTest)

CRC = "AB12"
ID = MAC12 + "-" + CRC


class GigasetTest(XmlRpcVendorTest):
    SIMS = ("gigaset",)
    VENDOR = "gigaset"
    QUERY = "?crc=" + CRC


class TestGigaset(GigasetTest):

    def test_register(self):
        self.assertEmptyOK(self.put())
        self.assertCalls([("autoprov.deregisterDevice", (ID,)),
                          ("autoprov.registerDevice",
                           (ID, URL, "Falconieri"))])
        self.assertEqual(self.vsim.registry, {MAC12: URL})

    def test_register_replaces_url(self):
        self.assertEmptyOK(self.put())
        self.assertEmptyOK(self.put(URL2))
        self.assertEqual(self.vsim.registry, {MAC12: URL2})
        # The second registration removed the first before adding itself.
        self.assertEqual([c.method for c in self.vsim.calls_of()][2:],
                         ["autoprov.deregisterDevice",
                          "autoprov.registerDevice"])

    def test_crc_upper_cased_mac_normalised(self):
        self.assertEmptyOK(self.put(mac="ac:de:48:23:45:67",
                                    query="?crc=ab12"))
        self.assertEmptyOK(self.delete(mac="ac-de-48-23-45-67",
                                       query="?x=1&crc=aB12"))
        self.assertCalls([("autoprov.deregisterDevice", (ID,)),
                          ("autoprov.registerDevice",
                           (ID, URL, "Falconieri")),
                          ("autoprov.deregisterDevice", (ID,))])

    def test_deregister(self):
        self.assertEmptyOK(self.put())
        self.vsim.calls.clear()
        self.assertEmptyOK(self.delete())
        self.assertCalls([("autoprov.deregisterDevice", (ID,))])
        self.assertEqual(self.vsim.registry, {})

    def test_deregister_unknown_is_success(self):
        # The simulator answers "mac_not_found: <id>" for a device it lacks.
        self.assertEmptyOK(self.delete())
        self.assertCalls([("autoprov.deregisterDevice", (ID,))])

    def test_missing_crc(self):
        for method in ("PUT", "DELETE"):
            for query in ("", "?crc=", "?crc", "?other=AB12", "?CRC=AB12"):
                with self.subTest(method=method, query=query):
                    self.assertError(self.call(method, query=query), 400,
                                     "missing_mac-id_crc")
        self.assertNoCall()

    def test_invalid_crc(self):
        for method in ("PUT", "DELETE"):
            for crc in ("AB1", "AB123", "AB-1", "AB%2012", "%C3%A9B12",
                        "AB_1"):
                with self.subTest(method=method, crc=crc):
                    self.assertError(self.call(method, query="?crc=" + crc),
                                     400, "invalid_mac-id_crc_format")
        self.assertNoCall()

    def test_checks_before_crc(self):
        # SPEC §1.1 order: MAC, then body and URL, then the CRC.
        self.assertError(self.req("PUT", "/providers/gigaset/ZZ?crc=x"),
                         400, "malformed_mac_address")
        self.assertError(self.req("PUT", self.path(query="")), 400,
                         "missing_url")
        self.assertError(self.put("gopher://h/", query="?crc=AB1"), 400,
                         "unsupported_url_scheme")
        self.assertError(self.put("http://", query=""), 400,
                         "unable_to_parse_url")
        self.assertNoCall()

    def test_first_deregister_answer_ignored(self):
        self.assertIgnoredAnswer("PUT", "autoprov.deregisterDevice",
                                 "autoprov.registerDevice")

    def test_register_refusals(self):
        self.assertRefusals("PUT", "autoprov.registerDevice", (
            ("url_invalid: bad url", "malformed_url"),
            ("mac_not_exist: " + ID, "not_valid_mac_address"),
            ("mac_invalid: " + ID, "not_valid_mac_address"),
            ("mac_already_in_use: " + ID, "device_owned_by_other_user"),
            # An unknown device is fine only to deregister.
            ("mac_not_found: " + ID, "unknown_provider_error"),
            # Prefixes as written: at the start, same case.
            (" url_invalid: x", "unknown_provider_error"),
            ("MAC_INVALID: x", "unknown_provider_error"),
            ("quota_exceeded: 100 devices", "unknown_provider_error"),
        ))

    def test_deregister_refusals(self):
        self.assertRefusals("DELETE", "autoprov.deregisterDevice", (
            ("mac_not_found: " + ID, None),
            ("mac_not_exist: " + ID, "not_valid_mac_address"),
            ("mac_invalid: " + ID, "not_valid_mac_address"),
            ("mac_already_in_use: " + ID, "device_owned_by_other_user"),
            ("url_invalid: x", "malformed_url"),
            ("mac_not_found", "unknown_provider_error"),
            ("server busy", "unknown_provider_error"),
        ))

    def test_refusals_from_vendor_state(self):
        # The simulator's own semantics, unscripted.
        self.vsim.foreign.add(MAC12)
        self.assertError(self.put(), 500, "device_owned_by_other_user")
        self.assertError(self.delete(), 500, "device_owned_by_other_user")
        self.vsim.reset()
        self.vsim.crcs[MAC12] = "ZZ99"  # the label says otherwise
        self.assertError(self.put(), 500, "not_valid_mac_address")
        self.assertError(self.delete(), 500, "not_valid_mac_address")
        self.assertEmptyOK(self.put(query="?crc=zz99"))
        self.assertRecovers()

    def test_counted_failures(self):
        self.assertCountedFailures("PUT", "autoprov.registerDevice")
        self.assertCountedFailures("DELETE", "autoprov.deregisterDevice")

    def test_timeouts(self):
        self.assertTimeout("PUT", "autoprov.deregisterDevice")
        self.assertTimeout("PUT", "autoprov.registerDevice")
        self.assertTimeout("DELETE", "autoprov.deregisterDevice")


class TestGigasetDisableCrc(GigasetTest):
    CONFIG = {"connect_timeout_ms": 1000, "timeout_ms": 2000,
              "providers": {"gigaset": {"disable_crc": True}}}
    QUERY = ""

    def test_id_is_mac12(self):
        self.assertEmptyOK(self.put())
        self.assertEmptyOK(self.delete())
        self.assertCalls([("autoprov.deregisterDevice", (MAC12,)),
                          ("autoprov.registerDevice",
                           (MAC12, URL, "Falconieri")),
                          ("autoprov.deregisterDevice", (MAC12,))])

    def test_crc_ignored(self):
        # Neither checked nor sent, valid or not.
        for query in ("?crc=AB12", "?crc=!!", "?crc="):
            with self.subTest(query=query):
                self.vsim.reset()
                self.assertEmptyOK(self.put(query=query))
                self.assertEmptyOK(self.delete(query=query))
                self.assertEqual([c.params[0] for c in self.vsim.calls_of()],
                                 [MAC12, MAC12, MAC12])


class TestGigasetDisableCrcFromEnv(GigasetTest):
    ENV = {"GIGASET_DISABLE_CRC": "true"}
    QUERY = ""

    def test_env_wins(self):
        self.assertEmptyOK(self.put(mac=OTHER))
        self.assertEqual(self.vsim.calls_of()[0].params,
                         (OTHER.replace("-", ""),))


class TestGigasetWrongPassword(GigasetTest):
    CONFIG = {"providers": {"gigaset": {"password": "not-the-password"}}}

    def test_vendor_401(self):
        self.assertWrongPassword()


class TestGigasetDown(GigasetTest):
    CONFIG = staticmethod(lambda sims: {
        "connect_timeout_ms": 1000, "timeout_ms": 2000,
        "providers": {"gigaset": {
            "rpc_url": sims["gigaset"].url.replace("http://", "https://")}}})

    def test_tls_failure(self):
        for method in ("PUT", "DELETE"):
            with self.subTest(method=method):
                js = self.assertError(self.call(method), 500,
                                      "connection_to_remote_provider_failed")
                self.assertTrue(js.get("message"), js)
