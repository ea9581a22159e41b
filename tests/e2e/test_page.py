"""The operator page (SPEC §7, www/) in a real browser: Debian's chromium
driven by playwright-core (tests/browser/), against nginx with the shipped
nginx/falconieri.conf, the real Falconieri and the vendor simulators, with
an API token configured.  An operator's clicks register and deregister
devices at the simulators; errors show next to their field; YMCS's PIN
shows and copies; vendor text stays text; a wrong token is asked for
again; axe-core finds no serious or critical violation; the page fits
1280 and 360 px (screenshots saved to FALCONIERI_SCREENSHOTS, else
BUILD/screenshots); everything is reachable with the keyboard."""

import os
import shutil
import tempfile

from browser_util import Browser
from harness import Nginx, build_dir, site_conf
from rest_case import RestVendorTest

TOKEN = "tok-page-7f3a"
MAC = "AC-DE-48-23-45-67"
MAC12 = "ACDE48234567"
OTHER = "00-1A-2B-3C-4D-5E"
URL = "https://pbx.example.com/prov/?a=1&b=2"
AUTH = {"Authorization": "Bearer " + TOKEN}
XSS = "Error:<img src=x onerror=\"window.__xss=document.title='owned'\">"


def lines(text):
    """The non-empty lines of a text the page shows."""
    return [x for x in text.split("\n") if x.strip()]


def screenshot_dir():
    d = os.environ.get("FALCONIERI_SCREENSHOTS") or os.path.join(
        build_dir(), "screenshots")
    os.makedirs(d, exist_ok=True)
    return d


class PageTest(RestVendorTest):
    """The stack, with a batch store in a temporary folder, plus one
    browser for the class."""

    SIMS = ("snom", "gigaset")
    REST = ("ymcs",)
    PROVIDERS = "snom, gigaset, ymcs"
    PAGE_CONFIG = {"api_tokens": [TOKEN], "connect_timeout_ms": 1000,
                   "timeout_ms": 3000, "batch_retry_ms": 50,
                   "batch_attempts": 2}
    browser = None
    tmp = None

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="falconieri-page-")
        cls.BASE_CONFIG = dict(cls.PAGE_CONFIG,
                               batch_store="sqlite:%s/b.db" % cls.tmp)
        cls.start_stack()
        try:
            cls.browser = Browser(cls.page_url())
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def start_stack(cls):
        super().setUpClass()

    @classmethod
    def page_url(cls):
        return "http://127.0.0.1:%d/" % cls.stack.port

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.browser is not None:
                cls.browser.close()
                cls.browser = None
            super().tearDownClass()
        finally:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def step(self, name, **args):
        return self.browser.step(name, **args)

    def open(self, token=TOKEN, **args):
        """A new tab with the token typed in; asserts the page loaded the
        providers and nothing went wrong so far."""
        shown = self.step("open", token=token, **args)
        self.assertEqual(shown["gateway"],
                         "Gateway healthy. Providers: %s." % self.PROVIDERS,
                         shown)
        self.assertNoProblems()
        return shown

    def assertNoProblems(self):
        p = self.step("problems")
        self.assertEqual((p["problems"], p["imgs"], p["canary"]),
                         ([], 0, None), p)

    def api_error(self, method, path, body=None):
        """The API's own error answer, for comparing with the page."""
        st, _, raw, js = self.req(method, path, body, AUTH)
        self.assertIsInstance(js, dict, raw)
        return js


class TestPageDevices(PageTest):

    def test_register_and_deregister_snom(self):
        self.open()
        shown = self.step("device", provider="snom", mac=MAC, url=URL,
                          button="Register")
        self.assertEqual(shown["errors"], {})
        self.assertEqual(shown["result"], "Registered %s at snom: %s"
                         % (MAC, URL))
        self.assertEqual(self.sim("snom").registry, {MAC12: URL})
        shown = self.step("device", button="Deregister")
        self.assertEqual((shown["errors"], shown["result"]),
                         ({}, "Deregistered %s at snom." % MAC))
        self.assertEqual(self.sim("snom").registry, {})
        self.assertNoProblems()

    # Register, look up, deregister, look up again, for two vendors; the
    # page shows what the vendor holds, and a lookup writes nothing.
    def test_lookup_cycle_snom_and_ymcs(self):
        self.open()
        for provider in ("snom", "ymcs"):
            with self.subTest(provider=provider):
                self.lookup_cycle(provider)

    def lookup_cycle(self, provider):
        held = (lambda: self.sim("snom").registry) if provider == "snom" \
            else (lambda: {m.upper(): d["url"] for m, d in
                           self.rest["ymcs"].devices.items()})
        shown = self.step("device", provider=provider, mac=MAC, url=URL,
                          button="Register")
        self.assertEqual(shown["errors"], {})
        self.assertEqual(held(), {MAC12: URL})
        shown = self.step("device", button="Look up")
        self.assertEqual((shown["errors"], lines(shown["result"])),
                         ({}, ["%s at %s: registered by this account."
                               % (MAC, provider), "URL: " + URL]))
        self.step("device", button="Deregister")
        self.assertEqual(held(), {})
        shown = self.step("device", button="Look up")
        self.assertEqual((shown["errors"], shown["result"]),
                         ({}, "%s at %s: not registered." % (MAC, provider)))
        self.assertEqual(held(), {})

    # Gigaset asks for the check code; the page sends it as ?crc=.
    def test_register_and_deregister_gigaset(self):
        self.open()
        self.assertEqual(self.step("fields", provider="gigaset"),
                         {"sn": False, "crc": True})
        shown = self.step("device", mac=MAC, url=URL, button="Register")
        self.assertEqual(shown["errors"]["crc"],
                         "missing_mac-id_crc: " + self.api_error(
                             "PUT", "/providers/gigaset/" + MAC,
                             {"url": URL})["message"])
        self.assertEqual(shown["focused"], "crc")
        shown = self.step("device", crc="ab12", button="Register")
        self.assertEqual(shown["errors"], {})
        self.assertEqual(self.sim("gigaset").registry, {MAC12: URL})
        self.assertIn((MAC12 + "-AB12", URL, ),
                      [c.params[:2] for c in self.sim("gigaset").calls_of(
                          "autoprov.registerDevice")])
        shown = self.step("device", button="Deregister")
        self.assertEqual(shown["result"], "Deregistered %s at gigaset." % MAC)
        self.assertEqual(self.sim("gigaset").registry, {})

    # The API's message for malformed_mac_address, next to the MAC field,
    # and no vendor called.
    def test_bad_mac_shows_message_next_to_mac(self):
        self.open()
        bad = "ZZ-DE-48-23-45-67"
        want = self.api_error("PUT", "/providers/snom/" + bad, {"url": URL})
        self.assertEqual(want["error"], "malformed_mac_address")
        self.assertTrue(want.get("message"), want)
        self.sim("snom").reset()
        shown = self.step("device", provider="snom", mac=bad, url=URL,
                          button="Register")
        self.assertEqual(shown["errors"],
                         {"mac": "malformed_mac_address: " + want["message"]})
        self.assertEqual((shown["focused"], shown["invalid"]),
                         ("mac", ["mac"]))
        self.assertEqual(self.sim("snom").calls, [])
        # A bad URL goes next to the URL field, and the MAC's error goes.
        shown = self.step("device", mac=MAC, url="gopher://x/",
                          button="Register")
        self.assertEqual(list(shown["errors"]), ["url"])
        self.assertTrue(shown["errors"]["url"].startswith(
            "unsupported_url_scheme: "), shown)
        self.assertEqual(shown["invalid"], ["url"])

    def test_ymcs_pin_shown_and_copied(self):
        self.rest["ymcs"].pins[MAC12.lower()] = "482913"
        self.open()
        self.assertEqual(self.step("fields", provider="ymcs"),
                         {"sn": True, "crc": False})
        shown = self.step("device", mac=MAC, url=URL, button="Register")
        self.assertEqual((shown["errors"], shown["pin"]), ({}, "482913"))
        self.assertIn(MAC12.lower(), self.rest["ymcs"].devices)
        self.assertEqual(self.step("copyPin"), "482913")
        # With a serial number, YMCS's serial registration; no PIN known.
        shown = self.step("device", mac=OTHER, sn="8012345678901234",
                          button="Register")
        self.assertEqual(shown["pin"], None)
        self.assertIn("YMCS gave no device PIN.", shown["result"])
        self.assertEqual(self.rest["ymcs"].devices["001a2b3c4d5e"]["sn"],
                         "8012345678901234")

    # A vendor's refusal text with markup shows as that text and runs
    # nothing: no element is created, no script runs, no CSP violation.
    def test_vendor_text_is_never_html(self):
        self.sim("snom").script(MAC, XSS)
        self.open()
        shown = self.step("device", provider="snom", mac=MAC, url=URL,
                          button="Register")
        self.assertEqual(shown["errors"],
                         {"device": "unknown_provider_error: " + XSS})
        p = self.step("problems")
        self.assertEqual((p["imgs"], p["canary"], p["title"], p["problems"]),
                         (0, None, "Falconieri", []), p)

    # A wrong token is refused, forgotten and asked for again; the right
    # one then works.
    def test_wrong_token_is_asked_again(self):
        shown = self.step("open", token="not-the-token")
        self.assertTrue(shown["errors"]["token"].startswith(
            "unauthorized: "), shown)
        self.assertEqual(shown["focused"], "token")
        self.assertIn("token", shown["invalid"])
        self.assertEqual(shown["stored"], None)
        self.assertTrue(shown["gateway"].startswith(
            "Gateway healthy. Providers unknown: unauthorized"), shown)
        shown = self.step("keys", focus="API token",
                          keys=["type:" + TOKEN, "Enter"])
        self.assertEqual(shown["stored"], TOKEN)
        self.assertNotIn("token", shown["errors"])
        shown = self.step("device", provider="snom", mac=MAC, url=URL,
                          button="Register")
        self.assertEqual(shown["errors"], {})
        self.assertEqual(self.sim("snom").registry, {MAC12: URL})

    # Without a token the page asks for one as soon as it loads.
    def test_no_token_is_asked_for(self):
        shown = self.step("open")
        self.assertTrue(shown["errors"]["token"].startswith(
            "unauthorized: "), shown)
        self.assertEqual(shown["focused"], "token")


class TestPageAccess(PageTest):
    """Accessibility, layout, keyboard and the files' headers."""

    def test_axe_finds_nothing_serious(self):
        self.open()
        # The states with the most on show: sn field, an error, a PIN.
        self.step("device", provider="ymcs", mac="ZZ", url=URL,
                  button="Register")
        r = self.step("axe")
        self.assertEqual(r["serious"], [], r)
        self.rest["ymcs"].pins[MAC12.lower()] = "123456"
        shown = self.step("device", mac=MAC, button="Register")
        self.assertEqual(shown["pin"], "123456")
        r = self.step("axe")
        self.assertEqual(r["serious"], [], r)
        self.assertGreater(r["passes"], 10)

    def test_fits_1280_and_360_with_screenshots(self):
        d = screenshot_dir()
        self.rest["ymcs"].pins[MAC12.lower()] = "123456"
        for width in (1280, 360):
            self.open(width=width)
            self.step("uploadBatch", csv="provider,mac,url\r\n" + "".join(
                "snom,AC-DE-48-00-00-%02X,%s\r\n" % (i, URL)
                for i in range(1, 13)))
            self.step("waitBatch", state="done")
            self.step("device", provider="ymcs", mac=MAC, url=URL,
                      button="Register")
            self.step("device", provider="snom", mac="ZZ-DE-48-23-45-67",
                      button="Register")
            path = os.path.join(d, "page-%d.png" % width)
            size = self.step("screenshot", width=width, path=path)
            self.assertLessEqual(size["scrollWidth"], size["clientWidth"],
                                 "the page is wider than %d px" % width)
            with open(path, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")

    # Tab reaches every control in reading order; a registration done with
    # the keyboard alone reaches the vendor.
    def test_keyboard_only(self):
        self.open()
        order = [x for x in self.step("tabOrder", presses=13) if x]
        self.assertEqual(order, [
            "API token", "Use token", "Provider", "MAC address", "URL",
            "Look up", "Register", "Deregister", "CSV file", "Action",
            "Upload batch", "Refresh list", "Recent batches"])
        shown = self.step("keys", focus="MAC address",
                          keys=["type:" + MAC, "Tab", "type:" + URL,
                                "Tab", "Tab", "Enter"])
        self.assertEqual(shown["errors"], {})
        self.assertEqual(self.sim("snom").registry, {MAC12: URL})

    # Every file of the page with its type (nginx's table has no .mjs) and
    # the strict policy; paths that are no file still reach Falconieri.
    def test_files_types_and_csp(self):
        types = {"/": "text/html", "/index.html": "text/html",
                 "/app.mjs": "text/javascript", "/api.mjs": "text/javascript",
                 "/dom.mjs": "text/javascript",
                 "/device.mjs": "text/javascript",
                 "/batch.mjs": "text/javascript", "/app.css": "text/css",
                 "/favicon.svg": "image/svg+xml"}
        for path, ctype in types.items():
            st, hdrs, body, _ = self.req("GET", path)
            self.assertEqual(st, 200, path)
            self.assertEqual(hdrs["content-type"].split(";")[0], ctype, path)
            csp = hdrs["content-security-policy"]
            for part in ("default-src 'none'", "script-src 'self'",
                         "connect-src 'self'", "frame-ancestors 'none'"):
                self.assertIn(part, csp)
            self.assertNotIn("unsafe", csp)
            self.assertEqual(hdrs["x-content-type-options"], "nosniff")
        page = self.req("GET", "/")[2].decode()
        self.assertNotIn("<script>", page)  # no inline script
        self.assertNotIn("innerHTML", "".join(
            self.req("GET", "/" + f)[2].decode() for f in
            ("app.mjs", "api.mjs", "dom.mjs", "device.mjs", "batch.mjs")))
        # Other methods on the page's files answer as the API does.
        for method, path in (("POST", "/"), ("PUT", "/app.mjs"),
                             ("DELETE", "/index.html"), ("MKCOL", "/")):
            resp = self.req(method, path, raw_body=b"")
            self.assertError(resp, 405, "method_not_allowed")
            self.assertEqual(resp[1].get("allow"), "GET, HEAD")
        self.assertError(self.req("GET", "/providers"), 401, "unauthorized")
        self.assertError(self.req("GET", "/no-such-file.js"), 404,
                         "not_found")


def mounted_site(port, upstream):
    """nginx/falconieri.conf changed as its header comment says to mount
    everything under /falconieri/."""
    site = site_conf(port, upstream)
    old = "    location / {\n"
    if site.count(old) != 1:
        raise AssertionError("nginx/falconieri.conf: no single 'location /'")
    return site.replace(old, "    location /falconieri/ {\n"
                        "        rewrite ^/falconieri/(.*)$ /$1 break;\n")


class TestPageUnderBasePath(PageTest):
    """The page and the API mounted under /falconieri/ (base_path)."""

    PAGE_CONFIG = dict(PageTest.PAGE_CONFIG, base_path="/falconieri")
    mounted = None

    @classmethod
    def start_stack(cls):
        super().start_stack()
        cls.mounted = Nginx(cls.stack.falconieri.port, site=mounted_site)

    @classmethod
    def page_url(cls):
        return "http://127.0.0.1:%d/falconieri/" % cls.mounted.port

    @classmethod
    def tearDownClass(cls):
        if cls.mounted is not None:
            cls.mounted.stop()
            cls.mounted = None
        super().tearDownClass()

    def test_register_under_base_path(self):
        self.open()
        shown = self.step("device", provider="snom", mac=MAC, url=URL,
                          button="Register")
        self.assertEqual(shown["errors"], {})
        self.assertEqual(self.sim("snom").registry, {MAC12: URL})
        shown = self.step("device", mac="ZZ", button="Deregister")
        self.assertTrue(shown["errors"]["mac"].startswith(
            "malformed_mac_address: "), shown)
