"""GET /providers/{provider}/{mac}: where a device points now (SPEC §1.8,
§2.4), for all seven vendors against their simulators.  Per vendor:
register, look up (registered, with the URL where the vendor reports
it), deregister, look up (not_registered); a MAC another account holds;
and proof that no lookup made a write at the vendor (each simulator
lists the calls that could change its account in writes())."""

import re

import rest_case
import vendors
from rest_case import MAC, RestVendorTest

# Every vendor of providers/list.h, by kind: a new one is looked up here
# as soon as its line is there (and needs its row in ELSEWHERE).
XMLRPC = tuple(v.name for v in vendors.vendors() if v.kind == "XMLRPC")
REST = tuple(v.name for v in vendors.vendors() if v.kind == "REST")
# The vendors whose API returns the URL (SPEC §2.4).
REPORTS_URL = ("snom", "ymcs", "grape", "sraps")
# What a MAC held by another account looks like, per vendor.
ELSEWHERE = {
    "snom": (200, "registered_elsewhere"),
    "yealink": (200, "registered_elsewhere"),
    "grape": (200, "registered_elsewhere"),
    "sraps": (200, "registered_elsewhere"),
    # YMCS lists only the account's own devices.
    "ymcs": (200, "not_registered"),
    # Their lookups know no such state: the refusal maps as on register.
    "gigaset": (500, "device_owned_by_other_user"),
    "fanvil": (500, "device_owned_by_other_user"),
}
# Both a placeholder NethVoice sends encoded and an escape that must stay.
SENT = "https://pbx.example.com/prov%2Fa/t0k/%25MACD.xml?x=%2F%2525"
HELD = "https://pbx.example.com/prov%2Fa/t0k/%MACD.xml?x=%2F%25"


class TestLookup(RestVendorTest):
    SIMS = XMLRPC
    REST = REST

    def vendor_sim(self, vendor):
        return self.rest[vendor] if vendor in self.rest else self.sim(vendor)

    def path(self, vendor):
        crc = "?crc=ab12" if vendor == "gigaset" else ""
        return "/providers/%s/%s%s" % (vendor, MAC, crc)

    def held_url(self, vendor):
        """The URL the vendor's simulator holds for MAC, or None."""
        sim = self.vendor_sim(vendor)
        if vendor == "ymcs":
            d = sim.devices.get(rest_case.MAC12)
            return d and d["url"]
        if vendor in ("grape", "sraps"):
            d = sim.endpoints.get(rest_case.MAC12)
            return d and d["url"]
        return sim.registry.get(MAC.replace("-", ""))

    def device_calls(self, vendor):
        """The vendor calls about a device: neither a token nor a
        discovery step (those are cached)."""
        sim = self.vendor_sim(vendor)
        skip = ("token", "settings", "tokens", "company")
        return [c for c in sim.calls_of()
                if getattr(c, "key", None) not in skip]

    def lookup(self, vendor):
        """GETs MAC at vendor, checking that it made one or two calls
        about the device and wrote nothing; (status, JSON)."""
        sim = self.vendor_sim(vendor)
        calls, writes = len(self.device_calls(vendor)), len(sim.writes())
        st, hdrs, body, js = self.req("GET", self.path(vendor))
        self.assertIn(len(self.device_calls(vendor)) - calls, (1, 2))
        self.assertEqual(sim.writes()[writes:], [], "a lookup wrote")
        self.assertTrue(hdrs.get("content-type", "")
                        .startswith("application/json"), hdrs)
        return st, js

    def assertState(self, vendor, state, url=None):
        st, js = self.lookup(vendor)
        self.assertEqual((st, js), (200, {"provider": vendor, "mac": MAC,
                                          "state": state, "url": url}))

    def test_register_lookup_deregister_lookup(self):
        for vendor in XMLRPC + REST:
            with self.subTest(vendor=vendor):
                self.assertState(vendor, "not_registered")
                st, _, body, _ = self.req("PUT", self.path(vendor),
                                          {"url": rest_case.URL})
                self.assertEqual(st, 200, body)
                self.assertEqual(self.held_url(vendor), rest_case.URL)
                self.assertState(vendor, "registered",
                                 rest_case.URL if vendor in REPORTS_URL
                                 else None)
                st, _, body, _ = self.req("DELETE", self.path(vendor))
                self.assertEqual(st, 200, body)
                self.assertIsNone(self.held_url(vendor))
                self.assertState(vendor, "not_registered")

    # SPEC §1.1: %25 reaches every vendor as %, %2F unchanged; a vendor
    # that reports the URL reports what it holds.
    def test_pct25_reaches_every_vendor_decoded(self):
        for vendor in XMLRPC + REST:
            with self.subTest(vendor=vendor):
                st, _, body, _ = self.req("PUT", self.path(vendor),
                                          {"url": SENT})
                self.assertEqual(st, 200, body)
                self.assertEqual(self.held_url(vendor), HELD)
                self.assertState(vendor, "registered",
                                 HELD if vendor in REPORTS_URL else None)

    def test_held_by_another_account(self):
        for vendor in XMLRPC + REST:
            with self.subTest(vendor=vendor):
                status, word = ELSEWHERE[vendor]
                self.vendor_sim(vendor).hold_elsewhere(MAC)
                st, js = self.lookup(vendor)
                if status == 200:
                    self.assertEqual((st, js), (200, {
                        "provider": vendor, "mac": MAC, "state": word,
                        "url": None}))
                else:
                    self.assertEqual((st, js["error"]), (status, word))

    def test_mac_normalised_and_checked(self):
        st, _, _, js = self.req("GET", "/providers/snom/ac:de:48:23:45:67")
        self.assertEqual((st, js["mac"], js["state"]),
                         (200, MAC, "not_registered"))
        calls = len(self.sim("snom").calls_of())
        for path, status, code in (
                ("/providers/snom/AC-DE-48-23-45-ZZ", 400,
                 "malformed_mac_address"),
                ("/providers/snom/", 400, "missing_mac_address"),
                ("/providers/acme/" + MAC, 404, "provider_not_supported"),
                ("/providers/gigaset/" + MAC, 400, "missing_mac-id_crc")):
            with self.subTest(path=path):
                self.assertError(self.req("GET", path), status, code)
        self.assertEqual(len(self.sim("snom").calls_of()), calls)
        self.assertEqual(self.sim("gigaset").calls_of(), [])

    def test_vendor_failure(self):
        self.sim("fanvil").script(MAC, ("http", 503))
        self.assertError(self.req("GET", self.path("fanvil")), 500,
                         "provider_remote_call_failed")
        self.rest["grape"].script("endpoint", (500, {"message": "down"}))
        js = self.assertError(self.req("GET", self.path("grape")), 500,
                              "unknown_provider_error")
        self.assertEqual(js["message"], "down")

    # /metrics counts lookups like the other actions, method GET.
    def test_metrics_count_lookups(self):
        def count():
            st, _, body, _ = self.req("GET", "/metrics")
            m = re.search(r'^falconieri_requests_total\{provider="yealink",'
                          r'method="GET",code="ok"\} (\d+)$', body.decode(),
                          re.M)
            return int(m.group(1)) if m else 0
        before = count()
        self.assertState("yealink", "not_registered")
        self.assertState("yealink", "not_registered")
        self.assertEqual(count(), before + 2)
