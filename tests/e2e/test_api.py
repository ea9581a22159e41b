"""The public HTTP API through nginx (SPEC §1, §1.7, §3): every status and
error code that needs no vendor answer.  A request refused by Falconieri's
own checks must never reach the vendor: the simulator must record no call.
"""

import json
import os
import subprocess
import tempfile
import time
import unittest

from harness import StackTest, build_dir

MAC = "AC-DE-48-23-45-67"
MAC12 = "ACDE48234567"
URL = "https://pbx.example.com/provisioning/"
DEV = "/providers/snom/" + MAC

MALFORMED_MACS = (
    "AC-DE-48-23-45",           # five groups
    "AC-DE-48-23-45-67-89",     # seven groups
    "AC-DE-48-23-45-6",         # one digit short
    "AC-DE-48-23-45-678",       # one digit too many
    "ACDE48234567",             # no separators
    "AC-DE-48-23-45-ZZ",        # not hex
    "AC-DE-48:23-45-67",        # mixed separators
    "AC_DE_48_23_45_67",        # other separator
    "AC-DE-48-23-45-67-",       # trailing separator
    "01-00-5E-00-00-01",        # multicast (group bit set)
    "FF-FF-FF-FF-FF-FF",        # broadcast
    "00-00-00-00-00-00",        # all-zero
    "00:00:00:00:00:00",
    "ff:ff:ff:ff:ff:ff",
    "33-33-00-00-00-01",        # IPv6 multicast
)


def snom_and_friends(sims):
    """snom (simulator), fanvil, yealink and ymcs enabled; gigaset disabled;
    grape incomplete; listed out of SPEC order in the file on purpose."""
    snom = sims["snom"]
    return {"providers": {
        "ymcs": {"base_url": "http://127.0.0.1:9/", "client_id": "id",
                 "client_secret": "s"},
        "yealink": {"user": "u", "password": "p",
                    "rpc_url": "http://127.0.0.1:9/"},
        "grape": {"base_url": "http://127.0.0.1:9/", "client_id": "id"},
        "gigaset": {"user": "u", "password": "p",
                    "rpc_url": "http://127.0.0.1:9/", "disable": True},
        "fanvil": {"user": "u", "password": "p",
                   "rpc_url": "http://127.0.0.1:9/"},
        "snom": {"user": snom.user, "password": snom.password,
                 "rpc_url": snom.url},
    }}


class ApiTest(StackTest):
    SIMS = ("snom",)

    def assertNoVendorCall(self):
        self.assertEqual(self.sim("snom").calls, [])

    def put(self, path, body=None, **kw):
        return self.req("PUT", path, body, **kw)


class TestApi(ApiTest):
    CONFIG = staticmethod(snom_and_friends)

    def test_health_check(self):
        st, hdrs, body, js = resp = self.req("GET", "/health/check")
        self.assertEmptyOK(resp)
        self.assertNoVendorCall()

    def test_health_check_ignores_a_bad_token(self):
        # No tokens are configured: any Authorization header is ignored.
        self.assertEmptyOK(self.req("GET", "/health/check",
                                    headers={"Authorization": "Bearer x"}))

    def test_providers_in_spec_order(self):
        st, hdrs, body, js = self.req("GET", "/providers")
        self.assertEqual(st, 200, body)
        self.assertTrue(hdrs["content-type"].startswith("application/json"))
        self.assertEqual(js, {"providers": ["snom", "fanvil", "yealink",
                                            "ymcs"]})
        self.assertNoVendorCall()

    def test_unknown_paths_not_found(self):
        # "/" is the operator page (test_page.py).
        for path in ("/nope", "/health", "/health/check/x",
                     "/provider", "/providersx", "/metrics/x",
                     "/providers/snom/" + MAC + "/extra"):
            with self.subTest(path=path):
                self.assertError(self.req("GET", path), 404, "not_found")
        self.assertError(self.put("/devices/snom/" + MAC, {"url": URL}),
                         404, "not_found")
        self.assertNoVendorCall()

    def test_method_not_allowed_has_allow(self):
        cases = (("OPTIONS", DEV, ("GET", "PUT", "DELETE")),
                 ("POST", DEV, ("GET", "PUT", "DELETE")),
                 ("PATCH", DEV, ("GET", "PUT", "DELETE")),
                 ("POST", "/providers", ("GET",)),
                 ("PUT", "/providers", ("GET",)),
                 ("DELETE", "/health/check", ("GET",)),
                 ("PUT", "/health/check", ("GET",)))
        for method, path, allowed in cases:
            with self.subTest(method=method, path=path):
                resp = self.req(method, path, raw_body=b"")
                self.assertError(resp, 405, "method_not_allowed")
                allow = resp[1].get("allow")
                self.assertIsNotNone(allow, resp[1])
                got = {m.strip() for m in allow.split(",")}
                for m in allowed:
                    self.assertIn(m, got)
                self.assertNotIn(method, got)
        self.assertNoVendorCall()

    def test_provider_not_supported(self):
        # unknown, upper case, disabled (gigaset), not configured (grape,
        # sraps: incomplete or absent).
        for prov in ("nokia", "SNOM", "Snom", "gigaset", "grape", "sraps"):
            for method in ("PUT", "DELETE"):
                with self.subTest(provider=prov, method=method):
                    self.assertError(
                        self.req(method, "/providers/%s/%s" % (prov, MAC),
                                 {"url": URL}),
                        404, "provider_not_supported")
        self.assertNoVendorCall()

    def test_provider_checked_before_mac(self):
        self.assertError(self.put("/providers/nokia/ZZ", {"url": URL}),
                         404, "provider_not_supported")
        self.assertError(self.put("/providers/nokia/"), 404,
                         "provider_not_supported")

    def test_missing_mac(self):
        for path in ("/providers/snom/", "/providers/snom"):
            for method in ("PUT", "DELETE"):
                with self.subTest(path=path, method=method):
                    self.assertError(self.req(method, path, {"url": URL}),
                                     400, "missing_mac_address")
        self.assertNoVendorCall()

    def test_malformed_mac(self):
        for mac in MALFORMED_MACS:
            for method in ("PUT", "DELETE"):
                with self.subTest(mac=mac, method=method):
                    self.assertError(
                        self.req(method, "/providers/snom/" + mac,
                                 {"url": URL}),
                        400, "malformed_mac_address")
        self.assertNoVendorCall()

    def test_lower_case_and_colon_macs_accepted(self):
        sim = self.sim("snom")
        for mac in ("ac-de-48-23-45-67", "AC:DE:48:23:45:67",
                    "ac:de:48:23:45:67", "Ac-dE-48-23-45-67"):
            with self.subTest(mac=mac):
                sim.reset()
                self.assertEmptyOK(self.put("/providers/snom/" + mac,
                                            {"url": URL}))
                calls = sim.calls
                self.assertEqual(len(calls), 1)
                self.assertEqual(calls[0].params, (MAC12, URL))

    def test_locally_administered_unicast_accepted(self):
        # 02-... is unicast (only the group bit makes a MAC multicast).
        self.assertEmptyOK(self.put("/providers/snom/02-00-00-00-00-01",
                                    {"url": URL}))
        self.assertEqual(self.sim("snom").calls[0].params[0],
                         "020000000001")

    def _log_grows_with(self, word, timeout=2.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if word in self.stack.log()[self._mark:]:
                return True
            time.sleep(0.05)
        return False

    def test_request_too_large_by_falconieri(self):
        body = json.dumps({"url": URL, "pad": "x" * (70 * 1024)}).encode()
        self._mark = len(self.stack.log())
        self.assertError(self.put(DEV, raw_body=body,
                                  headers={"Content-Type":
                                           "application/json"}),
                         413, "request_too_large")
        self.assertTrue(self._log_grows_with("request_too_large"),
                        "Falconieri did not log the 413 itself:\n"
                        + self.stack.log()[self._mark:])
        self.assertNoVendorCall()
        # The connections nginx keeps to Falconieri are still sound.
        for _ in range(12):
            self.assertEmptyOK(self.req("GET", "/health/check"))

    def test_request_too_large_by_nginx(self):
        body = b'{"url":"' + b"x" * (2 * 1024 * 1024) + b'"}'
        self._mark = len(self.stack.log())
        resp = self.put(DEV, raw_body=body,
                        headers={"Content-Type": "application/json"})
        self.assertError(resp, 413, "request_too_large")
        self.assertNoVendorCall()
        self.assertNotIn("request_too_large",
                         self.stack.log()[self._mark:])
        self.assertEmptyOK(self.req("GET", "/health/check"))

    def test_body_limit_is_64_kib(self):
        base = json.dumps({"url": URL}).encode()
        exact = base + b" " * (64 * 1024 - len(base))
        self.assertEqual(len(exact), 65536)
        self.assertEmptyOK(self.put(DEV, raw_body=exact))
        self.assertEqual(self.sim("snom").calls[0].params, (MAC12, URL))
        self.sim("snom").reset()
        self.assertError(self.put(DEV, raw_body=exact + b" "),
                         413, "request_too_large")
        self.assertNoVendorCall()

    def test_missing_url(self):
        for raw in (None, b"", b"[]", b"{}", b'{"url":5}', b'{"url":""}',
                    b'{"url":null}', b'{"url":["http://a/"]}',
                    b'{"uri":"http://a/"}', b"not json",
                    b'"http://pbx.example.com/"', b'{"url":"http://a/"',
                    b"null"):
            with self.subTest(body=raw):
                self.assertError(self.put(DEV, raw_body=raw), 400,
                                 "missing_url")
        self.assertNoVendorCall()

    def test_unsupported_url_scheme(self):
        for url in ("mailto:x", "pbx/x", "file:///x", "ldap://pbx/x",
                    "//pbx.example.com/x", "pbx.example.com", "1http://a/",
                    "ftps://pbx/x", "javascript:alert(1)"):
            with self.subTest(url=url):
                self.assertError(self.put(DEV, {"url": url}), 400,
                                 "unsupported_url_scheme")
        self.assertNoVendorCall()

    def test_unable_to_parse_url(self):
        long_url = "http://pbx.example.com/" + "a" * (2049 - 23)
        self.assertEqual(len(long_url), 2049)
        for url in ("http://", "http://a b/", "https://pbx.example.com/a b",
                    "http:pbx", "http://pbx.example.com/\x01",
                    "http://pbx.example.com/\n", long_url):
            with self.subTest(url=url[:40]):
                self.assertError(self.put(DEV, {"url": url}), 400,
                                 "unable_to_parse_url")
        self.assertNoVendorCall()

    def test_url_schemes_any_case_and_2048_bytes(self):
        sim = self.sim("snom")
        exact = "http://pbx.example.com/" + "a" * (2048 - 23)
        for url in ("ftp://pbx.example.com/cfg/", "tftp://10.0.0.1/",
                    "HTTPS://pbx.example.com/", "Http://pbx:8080/x",
                    exact):
            with self.subTest(url=url[:40]):
                sim.reset()
                self.assertEmptyOK(self.put(DEV, {"url": url}))
                self.assertEqual(sim.calls[0].params, (MAC12, url))

    def test_check_order(self):
        big = b'{"url":"' + b"x" * (70 * 1024) + b'"}'
        cases = (
            # malformed MAC wins over a missing url and a big body
            ("/providers/snom/ZZ", None, 400, "malformed_mac_address"),
            ("/providers/snom/ZZ", big, 400, "malformed_mac_address"),
            # missing MAC wins over the body
            ("/providers/snom/", big, 400, "missing_mac_address"),
            # unknown provider wins over a malformed MAC
            ("/providers/nokia/ZZ", None, 404, "provider_not_supported"),
            # too large wins over a bad url
            (DEV, big, 413, "request_too_large"),
            # missing url wins over nothing else
            (DEV, b'{"url":5,"sn":7}', 400, "missing_url"),
        )
        for path, raw, status, code in cases:
            with self.subTest(path=path, code=code):
                self.assertError(self.put(path, raw_body=raw), status, code)
        self.assertNoVendorCall()

    def test_sn_ignored_by_snom(self):
        self.assertEmptyOK(self.put(DEV, {"url": URL, "sn": 12}))
        self.assertEqual(self.sim("snom").calls[0].params, (MAC12, URL))

    def test_query_string_ignored_in_route(self):
        self.assertEmptyOK(self.req("GET", "/health/check?x=1"))
        st, _, body, js = self.req("GET", "/providers?page=2")
        self.assertEqual(st, 200, body)
        self.assertEmptyOK(self.put(DEV + "?crc=ABCD", {"url": URL}))

    def test_zz_still_serving(self):
        # Runs last in the class: the process survived everything above.
        self.assertTrue(self.stack.alive())
        self.assertEmptyOK(self.req("GET", "/health/check"))
        self.assertEmptyOK(self.put(DEV, {"url": URL}))


class TestApiTokens(ApiTest):
    CONFIG = {"api_tokens": ["tok-one", "tok-two"]}

    GOOD = {"Authorization": "Bearer tok-one"}

    def test_health_needs_no_token(self):
        self.assertEmptyOK(self.req("GET", "/health/check"))
        self.assertEmptyOK(self.req("GET", "/health/check",
                                    headers={"Authorization": "Bearer no"}))

    def test_unauthorized(self):
        bad = (None, "Bearer", "Bearer ", "Bearer wrong", "Bearer tok-on",
               "Bearer tok-onex", "Basic tok-one", "Token tok-one",
               "tok-one", "Bearer tok-one,tok-two", "Bearer  tok-one x")
        for auth in bad:
            hdrs = {"Authorization": auth} if auth is not None else {}
            for method, path in (("GET", "/providers"), ("PUT", DEV),
                                 ("DELETE", DEV), ("GET", "/metrics")):
                with self.subTest(auth=auth, method=method, path=path):
                    resp = self.req(method, path,
                                    {"url": URL} if method == "PUT" else None,
                                    headers=hdrs)
                    self.assertError(resp, 401, "unauthorized")
        self.assertNoVendorCall()

    def test_authorized(self):
        for tok in ("tok-one", "tok-two"):
            with self.subTest(token=tok):
                hdrs = {"Authorization": "Bearer " + tok}
                st, _, body, js = self.req("GET", "/providers", headers=hdrs)
                self.assertEqual((st, js), (200, {"providers": ["snom"]}))
                self.assertEmptyOK(self.req("PUT", DEV, {"url": URL},
                                            headers=hdrs))
                self.assertEmptyOK(self.req("DELETE", DEV, headers=hdrs))

    def test_unauthorized_before_everything(self):
        for path in ("/providers/nokia/" + MAC, "/providers/snom/",
                     "/providers/snom/ZZ"):
            with self.subTest(path=path):
                self.assertError(self.req("PUT", path, {"url": URL}),
                                 401, "unauthorized")
        self.assertError(self.req("PUT", "/providers/nokia/" + MAC,
                                  {"url": URL}, headers=self.GOOD),
                         404, "provider_not_supported")
        big = b'{"url":"' + b"x" * (70 * 1024) + b'"}'
        self.assertError(self.req("PUT", DEV, raw_body=big), 401,
                         "unauthorized")

    def test_metrics_with_token(self):
        st, hdrs, body, js = self.req("GET", "/metrics", headers=self.GOOD)
        self.assertEqual(st, 200, body)
        self.assertTrue(hdrs.get("content-type", "").startswith(
            "text/plain"), hdrs)
        self.assertIn(b"# TYPE", body)

    def test_tokens_never_logged(self):
        self.req("GET", "/providers", headers=self.GOOD)
        self.req("GET", "/providers",
                 headers={"Authorization": "Bearer wrong-guess"})
        log = self.stack.log()
        self.assertNotIn("tok-one", log)
        self.assertNotIn("tok-two", log)
        self.assertNotIn("wrong-guess", log)


class TestApiBasePath(ApiTest):
    CONFIG = {"base_path": "/falconieri"}

    def test_mounted_under_base_path(self):
        st, _, body, js = self.req("GET", "/falconieri/providers")
        self.assertEqual((st, js), (200, {"providers": ["snom"]}), body)
        self.assertEmptyOK(self.req("GET", "/falconieri/health/check"))
        self.assertEmptyOK(self.req("PUT", "/falconieri" + DEV, {"url": URL}))
        self.assertEqual(self.sim("snom").calls[0].params, (MAC12, URL))
        self.assertError(self.req("PUT", "/falconieri/providers/snom/ZZ",
                                  {"url": URL}),
                         400, "malformed_mac_address")

    def test_outside_base_path_not_found(self):
        for path in ("/providers", "/health/check", DEV,
                     "/other/providers", "/falconierix/providers"):
            with self.subTest(path=path):
                self.assertError(self.req("GET", path), 404, "not_found")
        self.assertError(self.req("PUT", DEV, {"url": URL}), 404,
                         "not_found")
        self.assertNoVendorCall()


def env_config(sims):
    """The file: snom configured, gigaset with a wrong password, yealink
    without rpc_url; base_path /file."""
    return {"base_path": "/file",
            "providers": {"gigaset": {"password": "wrong-in-file",
                                      "disable_crc": False},
                          "yealink": {"user": "", "password": "",
                                      "rpc_url": ""}}}


def env_env(sims):
    """The environment: disables snom, fixes gigaset, adds yealink."""
    g, y = sims["gigaset"], sims["yealink"]
    return {"SNOM_DISABLE": "true",
            "GIGASET_PASSWORD": g.password,
            "GIGASET_DISABLE_CRC": "1",
            "YEALINK_USER": "user-yealink",
            "YEALINK_PASSWORD": "secret-yealink",
            "YEALINK_RPC_URL": y.url,
            "FALCONIERI_BASE_PATH": "/env",
            "FALCONIERI_API_TOKENS": "env-a,env-b"}


class TestApiEnvironment(StackTest):
    SIMS = ("snom", "gigaset", "yealink")
    CONFIG = staticmethod(env_config)
    ENV = staticmethod(env_env)

    A = {"Authorization": "Bearer env-b"}

    def test_environment_wins(self):
        st, _, body, js = self.req("GET", "/env/providers", headers=self.A)
        self.assertEqual((st, js),
                         (200, {"providers": ["gigaset", "yealink"]}), body)
        self.assertError(self.req("GET", "/file/providers", headers=self.A),
                         404, "not_found")
        self.assertError(self.req("GET", "/env/providers"), 401,
                         "unauthorized")

    def test_env_disable_beats_file(self):
        self.assertError(self.req("PUT", "/env" + DEV, {"url": URL},
                                  headers=self.A),
                         404, "provider_not_supported")
        self.assertEqual(self.sim("snom").calls, [])

    def test_env_password_and_crc_flag_beat_file(self):
        gig = self.sim("gigaset")
        self.assertEmptyOK(self.req("PUT", "/env/providers/gigaset/" + MAC,
                                    {"url": URL}, headers=self.A))
        calls = gig.calls_of("autoprov.registerDevice")
        self.assertEqual(len(calls), 1, gig.calls)
        self.assertTrue(calls[0].auth_ok)
        self.assertEqual(calls[0].params[0], MAC12)  # disable_crc from env

    def test_env_only_provider(self):
        self.assertEmptyOK(self.req("PUT", "/env/providers/yealink/" + MAC,
                                    {"url": URL}, headers=self.A))
        calls = self.sim("yealink").calls
        self.assertEqual(len(calls), 1)
        self.assertTrue(calls[0].auth_ok)


class TestStartup(unittest.TestCase):
    """Configuration errors stop the program at start (SPEC §3, §4)."""

    def run_check(self, conf_text, env=None):
        d = tempfile.mkdtemp(prefix="falconieri-conf-")
        path = os.path.join(d, "conf.json")
        if conf_text is not None:
            with open(path, "w") as f:
                f.write(conf_text)
        e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                e[k] = os.environ[k]
        e.update(env or {})
        p = subprocess.run([os.path.join(build_dir(), "falconieri"), "-c",
                            path, "--check-config"], env=e,
                           stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=30)
        out = (p.stdout + p.stderr).decode("utf-8", "replace")
        for w in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
            self.assertNotIn(w, out)
        return p.returncode, out, path

    def test_check_config_lists_enabled(self):
        rc, out, _ = self.run_check(json.dumps({"providers": {
            "snom": {"rpc_url": "http://127.0.0.1:9/"},
            "gigaset": {"rpc_url": "http://127.0.0.1:9/", "disable": True}}}))
        self.assertEqual(rc, 0, out)
        self.assertIn("snom", out)
        self.assertNotIn("gigaset", out)

    def test_missing_file_is_fine(self):
        rc, out, _ = self.run_check(None, {"SNOM_RPC_URL": "http://h/"})
        self.assertEqual(rc, 0, out)
        self.assertIn("snom", out)

    def test_invalid_json_names_the_file(self):
        rc, out, path = self.run_check('{"providers": ')
        self.assertEqual(rc, 1, out)
        self.assertIn(path, out)

    def test_wrong_type_stops(self):
        rc, out, path = self.run_check('{"timeout_ms": "soon"}')
        self.assertEqual(rc, 1, out)
        self.assertTrue(path in out or "timeout_ms" in out, out)

    def test_bad_env_boolean_names_the_variable(self):
        rc, out, _ = self.run_check("{}", {"SNOM_DISABLE": "yes"})
        self.assertEqual(rc, 1, out)
        self.assertIn("SNOM_DISABLE", out)


if __name__ == "__main__":
    unittest.main()
