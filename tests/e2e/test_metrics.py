"""GET /metrics (SPEC §1.5) through nginx, parsed as the Prometheus text
exposition format 0.0.4: HELP and TYPE lines, label syntax, one family per
name, histogram buckets that never decrease and end in +Inf == _count.
Then the counters must move by exactly what the requests in between did,
and the endpoint needs the API token when tokens are set."""

import math
import re

import vendors
from harness import StackTest

TOKEN = "metrics-token-42"
AUTH = {"Authorization": "Bearer " + TOKEN}
MAC = "AC-DE-48-23-45-67"
OTHER = "00-1A-2B-3C-4D-5E"
URL = "https://pbx.example.com/prov/"
PROVIDERS = vendors.names()

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"'
SAMPLE = re.compile(r"^(%s)(?:\{((?:%s)(?:,%s)*,?)?\})? (\S+)(?: -?\d+)?$"
                    % (NAME, LABEL, LABEL))
VALUE = re.compile(r"^(?:[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+)"
                   r"|[-+]?Inf|NaN)$")
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")


def parse(text, test):
    """{family: {"type", "help", "samples": {(name, labels): value}}},
    failing test on any line that breaks the format."""
    test.assertTrue(text.endswith("\n"), "no final newline")
    families = {}
    current = None
    for n, line in enumerate(text.split("\n")[:-1], 1):
        where = "line %d: %r" % (n, line)
        if line.startswith("#"):
            m = re.match(r"^# (HELP|TYPE) (%s) (.*)$" % NAME, line)
            if m is None:
                test.assertFalse(re.match(r"^# *(HELP|TYPE)\b", line), where)
                continue
            kind, name, rest = m.groups()
            fam = families.setdefault(name, {"samples": {}})
            test.assertNotIn(kind.lower(), fam, "second %s, %s"
                             % (kind, where))
            if kind == "TYPE":
                test.assertIn(rest, TYPES, where)
                test.assertEqual(fam["samples"], {},
                                 "TYPE after samples, " + where)
            fam[kind.lower()] = rest
            current = name
            continue
        test.assertNotEqual(line.strip(), "", "empty " + where)
        m = SAMPLE.match(line)
        test.assertIsNotNone(m, "bad sample " + where)
        name, value = m.group(1), m.group(m.lastindex)
        test.assertRegex(value, VALUE, where)
        labels = tuple(re.findall(LABEL, m.group(2) or ""))
        test.assertEqual(len({k for k, _ in labels}), len(labels),
                         "repeated label, " + where)
        family = name
        if current is not None and families[current].get("type") == \
                "histogram":
            for suffix in ("_bucket", "_sum", "_count"):
                if name == current + suffix:
                    family = current
        # Samples of a family stay together, under its TYPE.
        test.assertEqual(family, current, "sample outside its family, "
                         + where)
        key = (name, tuple(sorted(labels)))
        test.assertNotIn(key, families[family]["samples"],
                         "duplicate series, " + where)
        families[family]["samples"][key] = float(value)
    for name, fam in families.items():
        test.assertIn("type", fam, name)
        test.assertIn("help", fam, name)
        test.assertTrue(fam["help"].strip(), name)
        if fam["type"] == "counter":
            for v in fam["samples"].values():
                test.assertGreaterEqual(v, 0)
    return families


def check_histogram(fam, test):
    """Each series: buckets sorted by le, never decreasing, +Inf equal to
    _count, _sum present."""
    series = {}
    for (name, labels), v in fam["samples"].items():
        d = dict(labels)
        le = d.pop("le", None)
        s = series.setdefault(tuple(sorted(d.items())),
                              {"buckets": [], "sum": None, "count": None})
        if name.endswith("_bucket"):
            test.assertIsNotNone(le, "bucket without le")
            s["buckets"].append((float(le), v))
        elif name.endswith("_sum"):
            s["sum"] = v
        else:
            s["count"] = v
    for labels, s in series.items():
        b = sorted(s["buckets"])
        test.assertTrue(b and math.isinf(b[-1][0]), "no +Inf bucket %r"
                        % (labels,))
        counts = [c for _, c in b]
        test.assertEqual(counts, sorted(counts), "buckets decrease %r"
                         % (labels,))
        test.assertEqual(b[-1][1], s["count"], "+Inf != _count %r"
                         % (labels,))
        test.assertIsNotNone(s["sum"], "no _sum %r" % (labels,))
        test.assertGreaterEqual(s["sum"], 0)
    return series


class TestMetrics(StackTest):
    SIMS = ("snom",)
    CONFIG = {"api_tokens": [TOKEN], "timeout_ms": 1200,
              "connect_timeout_ms": 1000}

    def scrape(self):
        st, hdrs, body, _ = self.req("GET", "/metrics", headers=AUTH)
        self.assertEqual(st, 200, body[:300])
        self.assertEqual(hdrs.get("content-type"),
                         "text/plain; version=0.0.4")
        fams = parse(body.decode("utf-8"), self)
        for name in ("falconieri_requests_total",
                     "falconieri_vendor_call_duration_seconds",
                     "falconieri_cache_events_total"):
            self.assertIn(name, fams)
        self.assertEqual(fams["falconieri_requests_total"]["type"],
                         "counter")
        self.assertEqual(fams["falconieri_cache_events_total"]["type"],
                         "counter")
        self.assertEqual(
            fams["falconieri_vendor_call_duration_seconds"]["type"],
            "histogram")
        return fams

    def requests(self, fams, provider, method, code):
        key = ("falconieri_requests_total",
               tuple(sorted({"provider": provider, "method": method,
                             "code": code}.items())))
        return fams["falconieri_requests_total"]["samples"].get(key, 0)

    def histogram(self, fams, provider):
        series = check_histogram(
            fams["falconieri_vendor_call_duration_seconds"], self)
        return series[(("provider", provider),)]

    def test_needs_the_token(self):
        for headers in ({}, {"Authorization": "Bearer wrong"},
                        {"Authorization": "Basic " + TOKEN}):
            with self.subTest(headers=headers):
                resp = self.req("GET", "/metrics", headers=headers)
                self.assertError(resp, 401, "unauthorized")
                self.assertNotIn(b"falconieri_", resp[2])

    def test_format_and_families(self):
        fams = self.scrape()
        series = check_histogram(
            fams["falconieri_vendor_call_duration_seconds"], self)
        # One histogram per provider, enabled or not.
        self.assertEqual(sorted(series),
                         sorted(((("provider", p),) for p in PROVIDERS)))
        events = {dict(k[1])["event"] for k in
                  fams["falconieri_cache_events_total"]["samples"]}
        self.assertEqual(events, {"token_fetched", "discovery"})

    def test_counters_move(self):
        before = self.scrape()
        snom = self.sim("snom")
        self.assertEmptyOK(self.req("PUT", "/providers/snom/" + MAC,
                                    {"url": URL}, AUTH))
        self.assertEmptyOK(self.req("PUT", "/providers/snom/" + OTHER,
                                    {"url": URL}, AUTH))
        self.assertEmptyOK(self.req("DELETE", "/providers/snom/" + MAC,
                                    headers=AUTH))
        self.assertError(self.req("PUT", "/providers/snom/AC-DE-48-23-45",
                                  {"url": URL}, AUTH),
                         400, "malformed_mac_address")
        snom.script(MAC, "Error:owned_by_other_user")
        self.assertError(self.req("PUT", "/providers/snom/" + MAC,
                                  {"url": URL}, AUTH),
                         500, "device_owned_by_other_user")
        after = self.scrape()

        def delta(method, code, provider="snom"):
            return (self.requests(after, provider, method, code) -
                    self.requests(before, provider, method, code))

        self.assertEqual(delta("PUT", "ok"), 2)
        self.assertEqual(delta("DELETE", "ok"), 1)
        self.assertEqual(delta("PUT", "malformed_mac_address"), 1)
        self.assertEqual(delta("PUT", "device_owned_by_other_user"), 1)
        self.assertEqual(delta("DELETE", "malformed_mac_address"), 0)
        # Four vendor dialogues (the malformed MAC never reached Snom).
        h0, h1 = self.histogram(before, "snom"), self.histogram(after, "snom")
        self.assertEqual(h1["count"] - h0["count"], 4)
        # (The sum counts whole milliseconds: local calls may add 0.)
        self.assertGreaterEqual(h1["sum"], h0["sum"])
        g0, g1 = self.histogram(before, "gigaset"), \
            self.histogram(after, "gigaset")
        self.assertEqual(g1["count"], g0["count"])
        # The health check and the scrapes are no device requests.
        self.assertEqual(delta("GET", "ok", ""), 0)

    # A vendor that hangs until timeout_ms (1.2 s) lands in the buckets
    # of le >= 2.5 seconds and in none below 1: the unit is seconds.
    def test_duration_in_seconds(self):
        before = self.scrape()
        self.sim("snom").script(MAC, "hang")
        self.assertError(self.req("PUT", "/providers/snom/" + MAC,
                                  {"url": URL}, AUTH),
                         500, "connection_to_remote_provider_failed")
        after = self.scrape()
        b0 = dict(self.histogram(before, "snom")["buckets"])
        b1 = dict(self.histogram(after, "snom")["buckets"])
        self.assertEqual(b1[1.0] - b0[1.0], 0)
        self.assertEqual(b1[2.5] - b0[2.5], 1)
        self.assertEqual(b1[math.inf] - b0[math.inf], 1)
        s0 = self.histogram(before, "snom")["sum"]
        s1 = self.histogram(after, "snom")["sum"]
        self.assertTrue(1.0 <= s1 - s0 < 10, s1 - s0)


class TestMetricsWithoutTokens(StackTest):
    """Without API tokens /metrics is open, like every other route."""
    SIMS = ("snom",)

    def test_open(self):
        st, hdrs, body, _ = self.req("GET", "/metrics")
        self.assertEqual(st, 200)
        self.assertIn(b"# TYPE falconieri_requests_total counter", body)
