"""YMCS end to end (SPEC §2.2): nginx -> Falconieri -> the YMCS simulator,
which checks credentials, bearer tokens, timestamps and nonces itself.
Checks the exact call sequence and bodies, the token cache (one fetch for
many requests, renewal on expiry, one retry on 401), device_pin, and the
answer for every vendor error."""

import re
import time

from rest_case import MAC, MAC12, OTHER, OTHER12, URL, URL2, RestVendorTest

DEV = "/providers/ymcs/" + MAC
API_PATHS = {
    "delDevices": "/v2/rps/delDevices",
    "addDevicesByMac": "/v2/rps/addDevicesByMac",
    "devices": "/v2/rps/devices",
    "listDevicePins": "/v2/rps/listDevicePins",
}


def macs(n):
    """n distinct unicast MACs, and their mac12."""
    out = ["02-00-5E-10-00-%02X" % i for i in range(n)]
    return out, [m.replace("-", "").lower() for m in out]


class YmcsTest(RestVendorTest):
    REST = ("ymcs",)

    @property
    def ymcs(self):
        return self.rest["ymcs"]

    def keys(self):
        """The route keys of the calls YMCS received, in order."""
        return [c.key for c in self.ymcs.calls_of()]

    def assertApiCall(self, call, key, body):
        """call went to key's path, passed YMCS's checks, with body."""
        self.assertEqual((call.method, call.path), ("POST", API_PATHS[key]))
        self.assertIsNone(call.error, call)
        self.assertEqual(call.json, body)
        token = call.header("Authorization")[len("Bearer "):]
        self.assertIn(token, self.ymcs.tokens)
        self.assertEqual(call.header("Content-Type"), "application/json")
        self.assertEqual(call.header("Accept"), "application/json")
        self.assertRegex(call.header("timestamp"), r"^\d{13}$")
        self.assertLess(abs(int(call.header("timestamp")) - time.time() * 1000),
                        10000)
        self.assertRegex(call.header("nonce"), r"^[0-9a-f]{32}$")
        self.assertTrue(call.header("User-Agent").startswith("Falconieri/"))

    def assertNoRefusal(self):
        self.assertEqual([c for c in self.ymcs.calls_of() if c.error], [])


class TestYmcs(YmcsTest):

    def test_register_sequence_and_pin(self):
        self.ymcs.pins[MAC12] = "123456"
        self.ymcs.revoke_tokens()        # a known start: no token cached
        self.ymcs.calls.clear()
        self.assertPin(self.put("ymcs"), "123456")
        calls = self.ymcs.calls_of()
        # The revoked token is refused once; then one fresh token.
        self.assertEqual(self.keys(), ["delDevices", "token", "delDevices",
                                       "addDevicesByMac", "listDevicePins"])
        tok = calls[1]
        self.assertEqual(tok.path, "/v2/token")
        self.assertEqual(tok.json, {"grant_type": "client_credentials"})
        self.assertIsNone(tok.error)
        self.assertApiCall(calls[2], "delDevices",
                           {"deviceIdType": "mac", "deviceIds": [MAC12]})
        self.assertApiCall(calls[3], "addDevicesByMac",
                           [{"mac": MAC12, "uniqueServerUrl": URL}])
        self.assertApiCall(calls[4], "listDevicePins", {"macs": [MAC12]})
        self.assertEqual(self.ymcs.devices, {MAC12: {"url": URL, "sn": None}})

    def test_register_without_pin_is_null(self):
        self.assertPin(self.put("ymcs"), None)
        self.assertEqual(self.keys()[-3:], ["delDevices", "addDevicesByMac",
                                            "listDevicePins"])

    def test_failed_pin_lookup_is_null(self):
        self.ymcs.pins[MAC12] = "123456"
        for b in ((500, {"code": 1, "message": "pins down"}), "garbage",
                  (200, [{"mac": MAC12, "pin": 123456}])):
            self.ymcs.script("listDevicePins", b, times=1)
            self.assertPin(self.put("ymcs"), None)
            self.assertIn(MAC12, self.ymcs.devices)

    def test_register_replaces_url(self):
        self.assertPin(self.put("ymcs"), None)
        self.assertPin(self.put("ymcs", url=URL2), None)
        self.assertEqual(self.ymcs.devices[MAC12]["url"], URL2)

    def test_lower_case_colon_mac(self):
        self.assertPin(self.put("ymcs", mac="ac:de:48:23:45:67"), None)
        add = self.ymcs.calls_of("addDevicesByMac")[-1]
        self.assertEqual(add.json, [{"mac": MAC12, "uniqueServerUrl": URL}])

    def test_register_with_sn(self):
        self.ymcs.mac_only = False       # sn works on every account
        self.ymcs.pins[MAC12] = "987654"
        self.assertPin(self.put("ymcs", sn="SN-2093-0042"), "987654")
        self.assertEqual(self.keys()[-3:], ["delDevices", "devices",
                                            "listDevicePins"])
        self.assertApiCall(self.ymcs.calls_of("devices")[0], "devices",
                           {"mac": MAC12, "sn": "SN-2093-0042",
                            "uniqueServerUrl": URL})
        self.assertEqual(self.ymcs.devices[MAC12],
                         {"url": URL, "sn": "SN-2093-0042"})
        self.assertEqual(self.ymcs.calls_of("addDevicesByMac"), [])

    def test_malformed_sn_never_reaches_ymcs(self):
        for sn in ("", 5, "x" * 65, "tab\there", None, ["a"]):
            self.assertError(self.put("ymcs", sn=sn), 400,
                             "malformed_serial_number")
        self.assertEqual(self.ymcs.calls_of(), [])

    def test_mac_only_refused_suggests_sn(self):
        self.ymcs.mac_only = False
        js = self.assertError(self.put("ymcs"), 500, "unknown_provider_error")
        self.assertIn("900403", js["message"])
        self.assertIn("sn", js["message"])
        self.assertNotIn(MAC12, self.ymcs.devices)
        self.assertPin(self.put("ymcs", sn="SN1"), None)

    def test_other_account(self):
        self.ymcs.foreign.add(MAC12)
        self.assertError(self.put("ymcs"), 500, "device_owned_by_other_user")
        self.assertError(self.put("ymcs", sn="SN1"), 500,
                         "device_owned_by_other_user")

    def test_deregister(self):
        self.assertPin(self.put("ymcs"), None)
        self.ymcs.calls.clear()
        self.assertEmptyOK(self.delete("ymcs"))
        self.assertEqual(self.keys(), ["delDevices"])
        self.assertApiCall(self.ymcs.calls_of()[0], "delDevices",
                           {"deviceIdType": "mac", "deviceIds": [MAC12]})
        self.assertEqual(self.ymcs.devices, {})
        # A device YMCS does not know: idempotent.
        self.assertEmptyOK(self.delete("ymcs"))

    def test_register_ignores_del_failure(self):
        ms, m12 = macs(3)
        for b, m, m2 in zip(((500, {"code": 800010, "message": "boom"}),
                             "garbage", (404, "")), ms, m12):
            self.ymcs.script("delDevices", b, times=1)
            self.assertPin(self.put("ymcs", mac=m), None)
            self.assertEqual(self.ymcs.devices[m2]["url"], URL)

    def test_add_errors(self):
        cases = (
            ((400, {"code": 800001, "message": "bad"}),
             "not_valid_mac_address"),
            ((200, {"total": 1, "successCount": 0, "failureCount": 1,
                    "errors": [{"mac": MAC12,
                                "errorInfo": "device.mac.invalid"}]}),
             "not_valid_mac_address"),
            ((409, {"code": "800003", "message": "x"}),
             "device_owned_by_other_user"),
            ((409, {"code": 800004, "message": "x"}),
             "device_owned_by_other_user"),
            ((400, {"code": 800099,
                    "message": "Device Already Managed elsewhere"}),
             "device_owned_by_other_user"),
            ((400, {"error": "RESOURCE ALREADY EXISTS"}),
             "device_owned_by_other_user"),
            ((200, {"total": 1, "successCount": 0, "failureCount": 0,
                    "errors": []}), "provider_remote_call_failed"),
            ((500, ""), "provider_remote_call_failed"),
            ((502, "<html>Bad Gateway</html>"), "provider_remote_call_failed"),
            ("garbage", "unknown_response_from_provider"),
            ((200, {"successCount": "1", "failureCount": 0}),
             "unknown_response_from_provider"),
            ("empty", "unknown_response_from_provider"),
            ("cut", "read_remote_response_failed"),
            ("huge", "read_remote_response_failed"),
            ("hang", "connection_to_remote_provider_failed"),
        )
        for behaviour, code in cases:
            with self.subTest(behaviour=str(behaviour)[:60]):
                self.ymcs.script("addDevicesByMac", behaviour, times=1)
                self.assertError(self.put("ymcs"), 500, code)
                # Recovers at once.
                self.assertPin(self.put("ymcs", mac=OTHER), None)
                self.assertIn(OTHER12, self.ymcs.devices)

    def test_unknown_error_carries_vendor_text(self):
        self.ymcs.script("addDevicesByMac",
                         (400, {"code": 800077, "error": "rps.error",
                                "requestId": "r1",
                                "message": "uniqueServerUrl too long"}))
        js = self.assertError(self.put("ymcs"), 500, "unknown_provider_error")
        self.assertEqual(js["message"], "uniqueServerUrl too long")

    def test_delete_errors(self):
        for behaviour, code in (
                ((400, {"code": 800001, "message": "m"}),
                 "not_valid_mac_address"),
                ((500, ""), "provider_remote_call_failed"),
                ((500, {"message": "internal"}), "unknown_provider_error")):
            self.ymcs.script("delDevices", behaviour, times=1)
            self.assertError(self.delete("ymcs"), 500, code)

    def test_401_gets_one_fresh_token_and_one_retry(self):
        self.assertPin(self.put("ymcs"), None)
        self.ymcs.revoke_tokens()
        self.ymcs.calls.clear()
        self.assertEmptyOK(self.delete("ymcs"))
        self.assertEqual(self.keys(), ["delDevices", "token", "delDevices"])
        first, _, retry = self.ymcs.calls_of()
        self.assertEqual(first.error, "bad or expired token")
        self.assertApiCall(retry, "delDevices",
                           {"deviceIdType": "mac", "deviceIds": [MAC12]})
        self.assertNotEqual(first.header("nonce"), retry.header("nonce"))

    def test_second_401_is_not_retried(self):
        self.assertPin(self.put("ymcs"), None)
        self.ymcs.calls.clear()
        self.ymcs.script("delDevices",
                         (401, {"code": 401002, "message": "token refused"}))
        js = self.assertError(self.delete("ymcs"), 500,
                              "unknown_provider_error")
        self.assertEqual(js["message"], "token refused")
        self.assertEqual(self.keys(), ["delDevices", "token", "delDevices"])

    def test_expired_token_is_renewed(self):
        self.ymcs.token_ttl = 62         # cached for 2 s only
        self.ymcs.revoke_tokens()
        self.assertPin(self.put("ymcs"), None)
        self.ymcs.calls.clear()
        self.assertPin(self.put("ymcs"), None)
        self.assertNotIn("token", self.keys())
        time.sleep(2.5)
        self.ymcs.token_ttl = 7200
        self.ymcs.calls.clear()
        self.assertPin(self.put("ymcs"), None)
        # Renewed before use: no call was refused for an old token.
        self.assertEqual(self.keys(), ["token", "delDevices",
                                       "addDevicesByMac", "listDevicePins"])
        self.assertNoRefusal()

    def test_nonces_never_repeat(self):
        for i in range(3):
            self.assertPin(self.put("ymcs"), None)
            self.assertEmptyOK(self.delete("ymcs"))
        nonces = [c.header("nonce") for c in self.ymcs.calls_of()
                  if c.key != "token"]
        self.assertEqual(len(nonces), len(set(nonces)))
        self.assertNoRefusal()

    def test_token_endpoint_failure_not_cached(self):
        self.ymcs.revoke_tokens()
        self.ymcs.script("token", (503, ""), times=1)
        self.assertError(self.put("ymcs"), 500, "provider_remote_call_failed")
        self.assertEqual(self.keys(), ["delDevices", "token"])
        self.ymcs.calls.clear()
        # The refused token was dropped too: the next request starts afresh.
        self.assertPin(self.put("ymcs"), None)
        self.assertEqual(self.keys(), ["token", "delDevices",
                                       "addDevicesByMac", "listDevicePins"])


class TestYmcsFiveRegistrationsOneToken(YmcsTest):
    """A fresh process: its first five registrations fetch one token."""

    def test_five_registrations_one_token(self):
        for m in macs(5)[0]:
            self.assertPin(self.put("ymcs", mac=m), None)
        self.assertEqual(len(self.ymcs.token_calls()), 1)
        self.assertEqual(len(self.ymcs.calls_of("addDevicesByMac")), 5)
        self.assertNoRefusal()
        self.assertEqual(self.cache_events().get("token_fetched"), 1)


class TestYmcsConcurrentFirstRequests(YmcsTest):
    """A fresh process: many workers need the first token at once."""

    WORKERS = 8

    def test_concurrent_first_requests(self):
        ms, m12 = macs(8)
        for i, m in enumerate(m12):
            self.ymcs.pins[m] = "%06d" % i
        results = self.concurrently(
            [lambda m=m: self.put("ymcs", mac=m) for m in ms])
        for i, r in enumerate(results):
            self.assertPin(r, "%06d" % i)
        self.assertEqual(len(self.ymcs.token_calls()), 1)
        self.assertEqual(sorted(self.ymcs.devices), sorted(m12))
        self.assertNoRefusal()


class TestYmcsWrongSecret(YmcsTest):
    SECRETS = {"ymcs": "not-the-secret-42"}

    def test_bad_credentials(self):
        js = self.assertError(self.put("ymcs"), 500, "unknown_provider_error")
        self.assertIn("invalid client credentials", js["message"])
        self.assertEqual(self.keys(), ["token"])
        self.assertEqual(self.ymcs.calls_of()[0].error,
                         "bad client credentials")


class TestYmcsDown(YmcsTest):
    """base_url on a port nobody listens on."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

    def test_vendor_down(self):
        self.ymcs.stop()
        js = self.assertError(self.put("ymcs"), 500,
                              "connection_to_remote_provider_failed")
        self.assertTrue(js.get("message"))
        self.assertError(self.delete("ymcs"), 500,
                         "connection_to_remote_provider_failed")
