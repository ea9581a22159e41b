"""GRAPE and SRAPS end to end (SPEC §2.3): nginx -> Falconieri -> the
Hawk simulators, which verify every request's Hawk header as a Hawk server
does, payload hash included.  Checks discovery (pagination, caching, never
caching a failure, never leaving base_url's origin), the exact PUT body,
DELETE, and the answer for every vendor error, for both vendors."""

from rest_case import MAC, MAC12, OTHER, OTHER12, URL, URL2, RestVendorTest


def macs(n):
    out = ["02-00-5E-20-00-%02X" % i for i in range(n)]
    return out, [m.replace("-", "").lower() for m in out]


class HawkTest(RestVendorTest):
    """One vendor (VENDOR) of the protocol; every request must verify."""

    VENDOR = None

    @classmethod
    def setUpClass(cls):
        cls.REST = (cls.VENDOR,)
        super().setUpClass()

    @property
    def hsim(self):
        return self.rest[self.VENDOR]

    def put_(self, mac=MAC, url=URL):
        return self.put(self.VENDOR, mac, url)

    def delete_(self, mac=MAC):
        return self.delete(self.VENDOR, mac)

    def keys(self):
        return [(c.method, c.key) for c in self.hsim.calls_of()]

    def put_body(self, mac12, url):
        return {"mac": mac12, "autoprovisioning_enabled": True,
                "settings_manager": {self.hsim.setting_uuid: {
                    "value": url, "attrs": {"perm": "RW"}}}}

    def tearDown(self):
        super().tearDown()
        self.assertEqual(self.hsim.refused(), [],
                         "requests whose Hawk header did not verify")
        self.assertEqual(self.hsim.foreign_calls(), [],
                         "requests sent off base_url's origin")


DISCOVERY = [("GET", "settings")] * 3 + [("GET", "tokens"),
                                         ("GET", "company")]


class DiscoveryTests:
    """A fresh process: discovery, then the cache."""

    def test_discovery_then_cache(self):
        self.assertEmptyOK(self.put_())
        self.assertEqual(self.keys(), DISCOVERY + [("PUT", "endpoint")])
        pages = self.hsim.calls_of("settings")
        self.assertEqual(pages[0].target, "/api/settings/?page_size=1000")
        self.assertEqual(pages[1].query["page"], ["2"])
        self.assertEqual(pages[2].query["page"], ["3"])
        self.assertEqual(self.hsim.calls_of("tokens")[0].path,
                         "/api/tokens/" + self.hsim.client_id)
        put = self.hsim.calls_of("endpoint")[0]
        self.assertEqual(put.path, "/api/companies/%s/endpoints/%s"
                         % (self.hsim.company_id, MAC12))
        self.assertEqual(put.json, self.put_body(MAC12, URL))
        self.assertTrue(put.header("User-Agent").startswith("Falconieri/"))
        # GETs carry no body and no Content-Type (hash of an empty payload).
        for c in self.hsim.calls_of("settings"):
            self.assertIsNone(c.header("Content-Type"))
            self.assertTrue(c.header("Authorization").startswith("Hawk id="))

        self.hsim.calls.clear()
        self.assertEmptyOK(self.put_(url=URL2))
        self.assertEmptyOK(self.delete_())
        self.assertEqual(self.keys(), [("PUT", "endpoint"),
                                       ("DELETE", "endpoint")])
        self.assertEqual(self.hsim.endpoints, {})
        # Three discovery steps made, each once.
        self.assertEqual(self.cache_events().get("discovery"), 3)


class TestGrapeDiscovery(DiscoveryTests, HawkTest):
    VENDOR = "grape"


class TestSrapsDiscovery(DiscoveryTests, HawkTest):
    VENDOR = "sraps"


class FailedDiscoveryTests:
    """A fresh process: a failed step is retried, the others are not."""

    def test_failed_discovery_does_not_poison(self):
        self.hsim.script("tokens", (503, ""), times=1)
        self.assertError(self.put_(), 500, "provider_remote_call_failed")
        self.assertEqual(self.keys(), DISCOVERY[:4])
        self.hsim.calls.clear()
        self.hsim.script("company", "garbage", times=1)
        self.assertError(self.put_(), 500, "unknown_response_from_provider")
        self.assertEqual(self.keys(), [("GET", "tokens"), ("GET", "company")])
        self.hsim.calls.clear()
        self.assertEmptyOK(self.put_())
        self.assertEqual(self.keys(), [("GET", "company"),
                                       ("PUT", "endpoint")])
        self.assertEqual(self.hsim.endpoints[MAC12]["url"], URL)


class TestGrapeFailedDiscovery(FailedDiscoveryTests, HawkTest):
    VENDOR = "grape"


class TestSrapsFailedDiscovery(FailedDiscoveryTests, HawkTest):
    VENDOR = "sraps"


class OffOriginTests:
    """A fresh process: links off base_url's origin are refused, and
    nothing is sent there (tearDown checks the Host of every request)."""

    def test_links_off_origin(self):
        # Each failed step is asked again by the next request.
        for step, calls in (("next", 1), ("company", 4), ("endpoints", 2)):
            with self.subTest(step=step):
                self.hsim.calls.clear()
                self.hsim.off_origin = step
                self.assertError(self.put_(), 500,
                                 "unknown_response_from_provider")
                self.assertEqual(len(self.hsim.calls_of()), calls,
                                 self.keys())
        self.hsim.calls.clear()
        self.hsim.off_origin = None
        self.assertEmptyOK(self.put_())


class TestGrapeOffOrigin(OffOriginTests, HawkTest):
    VENDOR = "grape"


class TestSrapsOffOrigin(OffOriginTests, HawkTest):
    VENDOR = "sraps"


class SplitLinkTests:
    """A fresh process: each settings page sends rel="last", then "prev"
    and "next", as separate Link fields; discovery still follows "next"
    to the page that holds the setting."""

    def test_repeated_link_fields(self):
        self.hsim.split_links = True
        self.assertEmptyOK(self.put_())
        self.assertEqual(self.keys(), DISCOVERY + [("PUT", "endpoint")])
        self.assertEqual(self.hsim.endpoints[MAC12]["url"], URL)


class TestGrapeSplitLinks(SplitLinkTests, HawkTest):
    VENDOR = "grape"


class TestSrapsSplitLinks(SplitLinkTests, HawkTest):
    VENDOR = "sraps"


class ConcurrentTests:
    """A fresh process: many workers' first requests at once."""

    WORKERS = 8

    def test_concurrent_first_requests(self):
        ms, m12 = macs(8)
        results = self.concurrently(
            [lambda m=m: self.put_(mac=m) for m in ms])
        for r in results:
            self.assertEmptyOK(r)
        self.assertEqual(sorted(self.hsim.endpoints), sorted(m12))
        for m in m12:
            self.assertEqual(self.hsim.endpoints[m]["body"],
                             self.put_body(m, URL))


class TestGrapeConcurrent(ConcurrentTests, HawkTest):
    VENDOR = "grape"


class TestSrapsConcurrent(ConcurrentTests, HawkTest):
    VENDOR = "sraps"


class VendorTests:
    """A shared process per vendor: register, deregister, errors."""

    def test_register_exact_body(self):
        self.assertEmptyOK(self.put_())
        put = self.hsim.calls_of("endpoint")[-1]
        self.assertEqual(put.method, "PUT")
        self.assertEqual(put.json, self.put_body(MAC12, URL))
        self.assertEqual(put.header("Content-Type"), "application/json")
        self.assertEqual(self.hsim.endpoints[MAC12]["url"], URL)

    def test_register_replaces_url(self):
        self.assertEmptyOK(self.put_())
        self.assertEmptyOK(self.put_(url=URL2))
        self.assertEqual(self.hsim.endpoints[MAC12]["url"], URL2)

    def test_lower_case_colon_mac(self):
        self.assertEmptyOK(self.put_(mac="ac:de:48:23:45:67"))
        self.assertIn(MAC12, self.hsim.endpoints)

    def test_deregister(self):
        self.assertEmptyOK(self.put_())
        self.assertEmptyOK(self.delete_())
        self.assertEqual(self.hsim.endpoints, {})
        dele = self.hsim.calls_of("endpoint")[-1]
        self.assertEqual((dele.method, dele.body), ("DELETE", b""))
        self.assertIsNone(dele.header("Content-Type"))
        # Unknown to the vendor (404): what the client wanted.
        self.assertEmptyOK(self.delete_())

    def test_other_account(self):
        self.hsim.foreign.add(MAC12)
        self.assertError(self.put_(), 500, "device_owned_by_other_user")
        self.assertError(self.delete_(), 500, "device_owned_by_other_user")
        self.assertEmptyOK(self.put_(mac=OTHER))

    def test_put_errors(self):
        cases = (
            ((409, {"message": "taken_mac_or_forbidden"}),
             "device_owned_by_other_user", None),
            ((403, {"error": "Endpoint: TAKEN_MAC_OR_FORBIDDEN"}),
             "device_owned_by_other_user", None),
            ((403, {"detail": "No Permission to change this Endpoint"}),
             "device_owned_by_other_user", None),
            ((403, "permission denied for endpoint"),
             "device_owned_by_other_user", None),
            ((403, {"detail": "permission denied"}),
             "unknown_provider_error", "permission denied"),
            ((400, {"message": "invalid url", "error": "e"}),
             "unknown_provider_error", "invalid url"),
            ((400, {"error": "bad value"}), "unknown_provider_error",
             "bad value"),
            ((400, {"detail": "bad detail"}), "unknown_provider_error",
             "bad detail"),
            ((500, "Internal Server Error"), "unknown_provider_error",
             "Internal Server Error"),
            ((500, ""), "provider_remote_call_failed", None),
            ((302, "", {"Location": "http://elsewhere/"}),
             "provider_remote_call_failed", None),
            ("cut", "read_remote_response_failed", None),
            ("huge", "read_remote_response_failed", None),
            ("hang", "connection_to_remote_provider_failed", None),
        )
        for behaviour, code, message in cases:
            with self.subTest(behaviour=str(behaviour)[:60]):
                self.hsim.script("endpoint", behaviour, times=1)
                js = self.assertError(self.put_(), 500, code)
                if message is not None:
                    self.assertEqual(js.get("message"), message)
                self.assertEmptyOK(self.put_(mac=OTHER))
                self.assertIn(OTHER12, self.hsim.endpoints)

    def test_delete_errors(self):
        for behaviour, code in (
                ((500, ""), "provider_remote_call_failed"),
                ((500, {"message": "db down"}), "unknown_provider_error"),
                ((403, {"message": "taken_mac_or_forbidden"}),
                 "device_owned_by_other_user")):
            self.hsim.script("endpoint", behaviour, times=1)
            self.assertError(self.delete_(), 500, code)


class TestGrape(VendorTests, HawkTest):
    VENDOR = "grape"


class TestSraps(VendorTests, HawkTest):
    VENDOR = "sraps"


class TestBothVendorsApart(RestVendorTest):
    """GRAPE and SRAPS side by side: separate caches, separate settings."""

    REST = ("grape", "sraps")

    def test_each_vendor_its_own_setting(self):
        g, s = self.rest["grape"], self.rest["sraps"]
        self.assertEmptyOK(self.put("grape"))
        self.assertEmptyOK(self.put("sraps", url=URL2))
        self.assertEqual(list(g.endpoints[MAC12]["body"]["settings_manager"]),
                         [g.setting_uuid])
        self.assertEqual(list(s.endpoints[MAC12]["body"]["settings_manager"]),
                         [s.setting_uuid])
        self.assertEqual(s.endpoints[MAC12]["url"], URL2)
        self.assertEqual(len(s.calls_of("settings")), 3)
        self.assertEqual(g.refused() + s.refused(), [])


class TestGrapeWrongKey(HawkTest):
    """Falconieri holds a key the vendor does not: the mac does not verify."""

    VENDOR = "grape"
    SECRETS = {"grape": "wrong-key-5150"}

    def tearDown(self):
        RestVendorTest.tearDown(self)

    def test_bad_mac(self):
        js = self.assertError(self.put_(), 500, "unknown_provider_error")
        self.assertEqual(js["message"], "Bad mac")
        self.assertEqual([c.error for c in self.hsim.calls_of()], ["Bad mac"])
