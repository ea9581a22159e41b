#!/usr/bin/env python3
"""A simulator of GRAPE (Gigaset) and SRAPS (Snom), the REST redirect
services authenticated with Hawk (SPEC §2.3).

Every request must carry a Hawk header that this simulator verifies as a
Hawk server does (the hueniverse/hapi reference): the id, the mac over
the normalized string (ts, nonce, method, path?query as received, the
Host header's host and port), the payload hash over the body as received
and its content type, a timestamp within 60 s and a nonce never used
before.  Anything else is 401 {"message": reason}, recorded in
request.error.

The account: a paginated settings list (`page_len` per page at most,
whatever page_size asks, with Link rel="next"), tokens/{client_id} ->
company -> endpoints, and endpoints GET/PUT/DELETE by mac12 (GET, the
lookup of SPEC §2.4, shows the stored URL in settings_manager).  A PUT body must
be exactly the SPEC's: mac, autoprovisioning_enabled true and the
provisioning setting with perm RW, nothing else.  Devices of other
accounts (`foreign`) are refused as the vendor does: GRAPE with
"taken_mac_or_forbidden", SRAPS with a permission-on-endpoint text.

`off_origin` = "company", "endpoints" or "next" makes that link point to
http://localhost:<same port>: a client that follows it shows up in the
calls with that Host header.

Routes (script keys): "settings", "tokens", "company", "endpoint".

In-process:  sim = hawk_sim.start("grape", "id", "key"); sim.url
Standalone:  python3 tests/sim/hawk_sim.py --vendor sraps --port 8096 \
                 --client-id demo --client-secret demo
"""

import argparse
import base64
import hashlib
import hmac
import re
import sys
import time
import uuid

from rest_sim import RestSim

PARAM_NAMES = {"grape": "ProvisioningServer", "sraps": "setting_server"}
MAC12 = re.compile(r"^[0-9a-f]{12}$")
# The reference server's header grammar and Host parsing.
HAWK_ATTR = re.compile(r'(\w+)="([^"\\]*)"\s*(?:,\s*|$)')
HAWK_VALUE = re.compile(r"^[ \w!#$%&'()*+,\-./:;<=>?@\[\]^`{|}~]+$")
HAWK_KEYS = ("id", "ts", "nonce", "hash", "ext", "mac", "app", "dlg")
HOST = re.compile(r"^\s*((?:[^:]+)|(?:\[[^\]]+\]))(?::(\d+))?\s*$")
SKEW_S = 60


def b64(data):
    return base64.b64encode(data).decode()


def payload_hash(content_type, body):
    """base64(sha256("hawk.1.payload\\n<type>\\n<body>\\n"))."""
    ct = (content_type or "").split(";")[0].strip().lower()
    return b64(hashlib.sha256(b"hawk.1.payload\n" + ct.encode() + b"\n" +
                              body + b"\n").digest())


def header_mac(key, ts, nonce, method, resource, host, port, hash_="",
               ext=""):
    """The mac of a Hawk request header (hawk.1.header)."""
    ext = ext.replace("\\", "\\\\").replace("\n", "\\n")
    norm = "hawk.1.header\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n" % (
        ts, nonce, method.upper(), resource, host.lower(), port, hash_, ext)
    return b64(hmac.new(key.encode(), norm.encode(), hashlib.sha256).digest())


def parse_hawk(value):
    """The attributes of a Hawk Authorization value, or raises ValueError."""
    if not value or not value.startswith("Hawk "):
        raise ValueError("Missing Hawk authorization")
    rest = value[5:].strip()
    attrs = {}
    for k, v in HAWK_ATTR.findall(rest):
        if k not in HAWK_KEYS:
            raise ValueError("Unknown attribute: " + k)
        if not HAWK_VALUE.match(v):
            raise ValueError("Bad attribute value: " + k)
        if k in attrs:
            raise ValueError("Duplicate attribute: " + k)
        attrs[k] = v
    if HAWK_ATTR.sub("", rest).strip():
        raise ValueError("Bad header format")
    return attrs


class HawkSim(RestSim):

    def __init__(self, vendor="grape", client_id="demo",
                 client_secret="demo", page_len=2, **kw):
        super().__init__(**kw)
        self.name = vendor
        self.vendor = vendor
        self.param_name = PARAM_NAMES[vendor]
        self.client_id = client_id
        self.client_secret = client_secret
        self.page_len = page_len
        # The account's own, kept by reset() as a vendor keeps them: its
        # company, its settings (the wanted one on the last page, after
        # the other vendor's name for it), and every nonce ever used.
        self.company_id = "c0ffee42"
        self.settings = [
            {"uuid": str(uuid.uuid4()), "param_name": name}
            for name in ("language", "timezone", "ntp_server",
                         "ProvisioningServer" if vendor == "sraps"
                         else "setting_server", self.param_name)]
        self.setting_uuid = self.settings[-1]["uuid"]
        self.nonces = set()
        self._reset_state()

    def _reset_state(self):
        self.endpoints = {}       # mac12 -> {"url", "body"}
        self.foreign = set()      # mac12 of other accounts
        self.off_origin = None
        # Each settings page's links as separate Link fields, rel="last"
        # first (RFC 9110 allows a field to be repeated).
        self.split_links = False

    @property
    def url(self):
        """base_url for Falconieri's configuration."""
        return self.origin + "/api/"

    def link(self, path, off=False):
        host = "localhost" if off else self.host
        return "http://%s:%d/api/%s" % (host, self.port, path)

    def reset(self):
        """Forgets calls, scripts, endpoints, foreign devices, off_origin."""
        super().reset()
        with self.lock:
            self._reset_state()

    def foreign_calls(self):
        """Requests that reached us under another Host than base_url's."""
        want = "%s:%d" % (self.host, self.port)
        return [c for c in self.calls_of() if c.header("Host") != want]

    def refused(self):
        """Requests whose Hawk header did not verify."""
        return [c for c in self.calls_of() if c.error is not None]

    def route(self, req):
        p = req.path
        if p == "/api/settings/":
            return "settings"
        if p.startswith("/api/tokens/"):
            return "tokens"
        m = re.match(r"^/api/companies/([^/]+)/(endpoints/([^/]*))?$", p)
        if m and m.group(2):
            return "endpoint"
        return "company" if m else None

    def handle(self, req):
        why = self.verify(req)
        if why is not None:
            req.error = why
            return (401, {"message": why},
                    {"WWW-Authenticate": 'Hawk error="%s"' % why})
        if req.key == "settings" and req.method == "GET":
            return self._settings(req)
        if req.key == "tokens" and req.method == "GET":
            return self._tokens(req)
        if req.key == "company" and req.method == "GET":
            return self._company(req)
        if req.key == "endpoint" and req.method in ("GET", "PUT", "DELETE"):
            return self._endpoint(req)
        return (404, {"detail": "Not found."})

    def verify(self, req):
        """None when req's Hawk header verifies, else the reason."""
        try:
            a = parse_hawk(req.header("Authorization"))
        except ValueError as e:
            return str(e)
        for k in ("id", "ts", "nonce", "mac"):
            if not a.get(k):
                return "Missing attributes"
        if a["id"] != self.client_id:
            return "Unknown credentials"
        m = HOST.match(req.header("Host") or "")
        if m is None:
            return "Invalid Host header"
        host, port = m.group(1), m.group(2) or "80"
        mac = header_mac(self.client_secret, a["ts"], a["nonce"], req.method,
                         req.target, host, port, a.get("hash", ""),
                         a.get("ext", ""))
        if not hmac.compare_digest(mac, a["mac"]):
            return "Bad mac"
        if "hash" not in a:
            return "Missing required payload hash"
        if not hmac.compare_digest(payload_hash(req.header("Content-Type"),
                                                req.body), a["hash"]):
            return "Bad payload hash"
        with self.lock:
            seen = (a["id"], a["nonce"]) in self.nonces
            self.nonces.add((a["id"], a["nonce"]))
        if seen:
            return "Invalid nonce"
        if not a["ts"].isdigit() or abs(int(a["ts"]) - time.time()) > SKEW_S:
            return "Stale timestamp"
        return None

    def _settings(self, req):
        try:
            page = int(req.query.get("page", ["1"])[0])
            size = int(req.query.get("page_size", ["10"])[0])
        except ValueError:
            return (400, {"detail": "Invalid page."})
        size = max(1, min(size, self.page_len))
        with self.lock:
            items = self.settings[(page - 1) * size:page * size]
            more = page * size < len(self.settings)
        if page < 1 or (not items and page > 1):
            return (404, {"detail": "Invalid page."})
        links = []
        if more:
            links.append('<%s>; rel="next"' % self.link(
                "settings/?page=%d&page_size=%d" % (page + 1, size),
                self.off_origin == "next"))
        if page > 1:
            links.append('<%s>; rel="prev"' % self.link(
                "settings/?page=%d&page_size=%d" % (page - 1, size)))
        if self.split_links:
            last = '<%s>; rel="last"' % self.link(
                "settings/?page=%d&page_size=%d"
                % (-(-len(self.settings) // size), size))
            return (200, items, [("Link", v) for v in [last] + links])
        headers = {"Link": ", ".join(links)} if links else {}
        return (200, items, headers)

    def _tokens(self, req):
        if req.path != "/api/tokens/" + self.client_id:
            return (404, {"detail": "Not found."})
        return (200, {"id": self.client_id, "links": {
            "company": self.link("companies/%s/" % self.company_id,
                                 self.off_origin == "company")}})

    def _company(self, req):
        if req.path != "/api/companies/%s/" % self.company_id:
            return (404, {"detail": "Not found."})
        return (200, {"id": self.company_id, "name": "Example PBX Ltd",
                      "links": {"endpoints": self.link(
                          "companies/%s/endpoints/" % self.company_id,
                          self.off_origin == "endpoints")}})

    def _refuse_foreign(self):
        if self.vendor == "grape":
            return (403, {"message": "taken_mac_or_forbidden"})
        return (403, {"detail": "You do not have permission to perform "
                                "this action on this endpoint."})

    def _body_problem(self, req, mac):
        """Why a PUT body is not exactly SPEC's, or None."""
        b = req.json
        if not isinstance(b, dict):
            return "body is not a JSON object"
        if set(b) != {"mac", "autoprovisioning_enabled", "settings_manager"}:
            return "unexpected fields: %s" % sorted(b)
        if b["mac"] != mac or b["autoprovisioning_enabled"] is not True:
            return "mac or autoprovisioning_enabled wrong"
        sm = b["settings_manager"]
        if not isinstance(sm, dict) or list(sm) != [self.setting_uuid]:
            return "settings_manager must set the provisioning setting only"
        s = sm[self.setting_uuid]
        if not isinstance(s, dict) or set(s) != {"value", "attrs"} or \
                not isinstance(s["value"], str) or \
                s["attrs"] != {"perm": "RW"}:
            return "setting must be {value, attrs: {perm: RW}}"
        if req.header("Content-Type") != "application/json":
            return "content type must be application/json"
        return None

    def _endpoint_get(self, mac, known):
        """The device as the vendor shows it: its settings hold the URL."""
        if not known:
            return (404, {"detail": "Not found."})
        with self.lock:
            url = self.endpoints[mac]["url"]
        return (200, {"mac": mac, "autoprovisioning_enabled": True,
                      "product": None, "warranty_exp_warning_period": 30,
                      "settings_manager": {self.setting_uuid: {
                          "value": url, "attrs": {"perm": "RW"}}},
                      "links": {"self": self.link(
                          "companies/%s/endpoints/%s" % (self.company_id,
                                                         mac))}})

    def _endpoint(self, req):
        m = re.match(r"^/api/companies/([^/]+)/endpoints/(.*)$", req.path)
        if m.group(1) != self.company_id:
            return (404, {"detail": "Not found."})
        mac = m.group(2)
        if not MAC12.match(mac):
            return (400, {"message": "invalid mac address"})
        with self.lock:
            foreign = mac in self.foreign
            known = mac in self.endpoints
        if foreign:
            return self._refuse_foreign()
        if req.method == "GET":
            return self._endpoint_get(mac, known)
        if req.method == "DELETE":
            if not known:
                return (404, {"detail": "Not found."})
            with self.lock:
                del self.endpoints[mac]
            return (204, b"")
        why = self._body_problem(req, mac)
        if why is not None:
            req.error = why
            return (400, {"message": why})
        with self.lock:
            self.endpoints[mac] = {"url": req.json["settings_manager"][
                self.setting_uuid]["value"], "body": req.json}
        return (200 if known else 201, req.json)


def start(vendor="grape", client_id="demo", client_secret="demo", port=0,
          page_len=2, verbose=False):
    """A started simulator on 127.0.0.1 (port 0: any free one)."""
    return HawkSim(vendor, client_id, client_secret, page_len, port=port,
                   verbose=verbose).start()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vendor", choices=sorted(PARAM_NAMES), default="grape")
    ap.add_argument("--port", type=int, default=8095)
    ap.add_argument("--client-id", default="demo")
    ap.add_argument("--client-secret", default="demo")
    ap.add_argument("--foreign", action="append", default=[],
                    help="a MAC registered by another account (repeatable)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    sim = HawkSim(args.vendor, args.client_id, args.client_secret,
                  port=args.port, verbose=not args.quiet)
    for m in args.foreign:
        sim.hold_elsewhere(m)
    return sim.run("%s simulator on %s" % (args.vendor, sim.url))


if __name__ == "__main__":
    sys.exit(main())
