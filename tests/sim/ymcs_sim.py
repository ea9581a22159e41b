#!/usr/bin/env python3
"""A simulator of YMCS, Yealink Management Cloud Service (SPEC §2.2).

It checks what a real YMCS would: the token request's Basic credentials
and body, then on every API call the bearer token (known, not expired,
not revoked), the JSON content type and accept, the `timestamp` header
(Unix milliseconds, close to now) and the `nonce` header (32 hex digits,
never seen before).  A call that fails these checks is refused (401 for
the token, 400 for the rest) and recorded with the reason in
request.error.  It keeps one account's devices (mac12 -> url, sn),
other accounts' devices (`foreign`), the devices' PINs, and whether the
account may register by MAC only (`mac_only`).

Routes (script keys): "token", "delDevices", "addDevicesByMac",
"devices", "listDevicePins", "listDevices" (the lookup of SPEC §2.4:
only this account's devices, filtered by mac, paged by skip/limit).  See rest_sim.py for the behaviours; extra
helpers: revoke_tokens() (the next call gets 401), token_ttl (expires_in
of new tokens).

In-process:  sim = ymcs_sim.start("client", "secret"); sim.url; sim.calls
Standalone:  python3 tests/sim/ymcs_sim.py --port 8094 \
                 --client-id demo --client-secret demo
"""

import argparse
import base64
import hmac
import re
import secrets
import sys
import time

from rest_sim import RestSim

MAC12 = re.compile(r"^[0-9a-f]{12}$")
NONCE = re.compile(r"^[0-9a-f]{32}$")
PREFIX = "/v2/"
ROUTES = {
    "/v2/token": "token",
    "/v2/rps/delDevices": "delDevices",
    "/v2/rps/addDevicesByMac": "addDevicesByMac",
    "/v2/rps/devices": "devices",
    "/v2/rps/listDevicePins": "listDevicePins",
    "/v2/rps/listDevices": "listDevices",
}
# The calls that change nothing at YMCS (the token is no device state).
READS = frozenset({"token", "listDevicePins", "listDevices"})
# How far `timestamp` may be from our clock.
SKEW_MS = 5 * 60 * 1000


def error(code, message, status=400):
    """A YMCS error answer."""
    return (status, {"code": code, "error": "rps.error",
                     "requestId": secrets.token_hex(8), "message": message})


class YmcsSim(RestSim):
    name = "ymcs"

    def __init__(self, client_id="demo", client_secret="demo", **kw):
        super().__init__(**kw)
        self.client_id = client_id
        self.client_secret = client_secret
        # A server's own memory, kept by reset(): tokens it issued stay
        # valid and nonces it saw stay used.
        self.tokens = {}          # token -> expiry (time.time())
        self.nonces = set()
        self._reset_state()

    def _reset_state(self):
        self.devices = {}         # mac12 -> {"url", "sn"}
        self.foreign = set()      # mac12 of other accounts
        self.pins = {}            # mac12 -> pin
        self.mac_only = True      # the account may call addDevicesByMac
        self.token_ttl = 7200

    @property
    def url(self):
        """base_url for Falconieri's configuration."""
        return self.origin + "/"

    def reset(self):
        """Forgets calls, scripts, devices, PINs; keeps tokens and nonces."""
        super().reset()
        with self.lock:
            self._reset_state()

    def revoke_tokens(self):
        """Every token issued so far is refused from now on."""
        with self.lock:
            self.tokens.clear()

    def token_calls(self):
        return self.calls_of("token")

    def api_calls(self):
        """Every recorded call but token requests, in order."""
        return [c for c in self.calls_of() if c.key != "token"]

    def route(self, req):
        return ROUTES.get(req.path)

    def is_write(self, req):
        return req.key not in READS

    def handle(self, req):
        if req.method != "POST" or req.key is None:
            return (404, {"code": 404, "message": "no such API"})
        if req.key == "token":
            return self._token(req)
        why = self._check_call(req)
        if why is not None:
            req.error = why[0]
            return why[1]
        return getattr(self, "_" + req.key)(req)

    # The token endpoint: Basic client credentials, client_credentials.
    def _token(self, req):
        want = base64.b64encode(("%s:%s" % (self.client_id,
                                            self.client_secret)).encode())
        got = (req.header("Authorization") or "").encode()
        if not hmac.compare_digest(got, b"Basic " + want):
            req.error = "bad client credentials"
            return error(401001, "invalid client credentials", 401)
        if req.json != {"grant_type": "client_credentials"}:
            req.error = "bad token body"
            return error(400001, "grant_type must be client_credentials")
        token = "ymcs-" + secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[token] = time.time() + self.token_ttl
            ttl = self.token_ttl
        return (200, {"access_token": token, "token_type": "Bearer",
                      "expires_in": ttl})

    def _check_call(self, req):
        """None, or (reason, answer) for a call YMCS would refuse."""
        auth = req.header("Authorization") or ""
        token = auth[7:] if auth.startswith("Bearer ") else None
        now = time.time()
        with self.lock:
            expiry = self.tokens.get(token)
        if expiry is None or expiry <= now:
            return ("bad or expired token",
                    error(401002, "access token invalid or expired", 401))
        if req.header("Content-Type") != "application/json" or \
                req.header("Accept") != "application/json":
            return ("content type or accept", error(400002, "json only"))
        ts = req.header("timestamp") or ""
        if not ts.isdigit() or abs(int(ts) - now * 1000) > SKEW_MS:
            return ("bad timestamp", error(400003, "timestamp invalid"))
        nonce = req.header("nonce") or ""
        with self.lock:
            seen = nonce in self.nonces
            self.nonces.add(nonce)
        if not NONCE.match(nonce) or seen:
            return ("bad or repeated nonce", error(400004, "nonce invalid"))
        if req.json is None:
            return ("body not JSON", error(400005, "body must be JSON"))
        return None

    def _delDevices(self, req):
        b = req.json
        if not isinstance(b, dict) or b.get("deviceIdType") != "mac" or \
                not isinstance(b.get("deviceIds"), list):
            return error(400006, "deviceIdType and deviceIds required")
        ok, errors = 0, []
        with self.lock:
            for mac in b["deviceIds"]:
                if isinstance(mac, str) and mac in self.devices:
                    del self.devices[mac]
                    ok += 1
                else:
                    errors.append({"mac": mac, "errorInfo": "device.not.exist"})
        return (200, {"total": len(b["deviceIds"]), "successCount": ok,
                      "failureCount": len(errors), "errors": errors})

    def _add_one(self, mac, url, sn=None):
        """None when added, else the errorInfo of the refusal."""
        if not isinstance(mac, str) or not MAC12.match(mac):
            return "device.mac.invalid"
        if not isinstance(url, str) or not url:
            return "device.url.invalid"
        with self.lock:
            if mac in self.foreign:
                return "device already managed by another enterprise"
            if mac in self.devices:
                return "resource already exists"
            self.devices[mac] = {"url": url, "sn": sn}
        return None

    def _addDevicesByMac(self, req):
        if not self.mac_only:
            return error(900403, "no permission to call this API", 403)
        items = req.json
        if not isinstance(items, list):
            return error(400007, "a list of devices is required")
        ok, errors = 0, []
        for it in items:
            it = it if isinstance(it, dict) else {}
            why = self._add_one(it.get("mac"), it.get("uniqueServerUrl"))
            if why is None:
                ok += 1
            else:
                errors.append({"mac": it.get("mac"), "errorInfo": why})
        return (200, {"total": len(items), "successCount": ok,
                      "failureCount": len(errors), "errors": errors})

    def _devices(self, req):
        b = req.json
        if not isinstance(b, dict) or not isinstance(b.get("sn"), str):
            return error(400008, "mac, sn and uniqueServerUrl required")
        why = self._add_one(b.get("mac"), b.get("uniqueServerUrl"), b["sn"])
        if why == "device.mac.invalid":
            return error(800001, why)
        if why == "resource already exists":
            return error(800003, why, 409)
        if why is not None and "managed" in why:
            return error(800004, why, 409)
        if why is not None:
            return error(400009, why)
        return (201, {"id": secrets.token_hex(8), "mac": b["mac"],
                      "sn": b["sn"], "uniqueServerUrl": b["uniqueServerUrl"]})

    def _listDevices(self, req):
        b = req.json
        if not isinstance(b, dict) or not isinstance(b.get("skip", 0), int) \
                or not isinstance(b.get("limit", 10), int) or \
                not isinstance(b.get("filter", {}), dict):
            return error(400011, "skip, limit and filter malformed")
        want = b.get("filter", {}).get("mac")
        with self.lock:
            found = [{"id": "dev-" + mac, "mac": mac, "sn": d["sn"],
                      "uniqueServerUrl": d["url"], "serverName": None,
                      "serverUrl": None, "remark": None}
                     for mac, d in sorted(self.devices.items())
                     if want is None or mac == want]
        skip, limit = b.get("skip", 0), b.get("limit", 10)
        answer = {"skip": skip, "limit": limit,
                  "data": found[skip:skip + limit]}
        if b.get("autoCount"):
            answer["total"] = len(found)
        return (200, answer)

    def _listDevicePins(self, req):
        b = req.json
        if not isinstance(b, dict) or not isinstance(b.get("macs"), list):
            return error(400010, "macs required")
        with self.lock:
            return (200, [{"mac": m, "pin": self.pins[m]}
                          for m in b["macs"] if m in self.pins])


def start(client_id="demo", client_secret="demo", port=0, verbose=False):
    """A started simulator on 127.0.0.1 (port 0: any free one)."""
    return YmcsSim(client_id, client_secret, port=port,
                   verbose=verbose).start()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=8094)
    ap.add_argument("--client-id", default="demo")
    ap.add_argument("--client-secret", default="demo")
    ap.add_argument("--pin", action="append", default=[],
                    metavar="MAC12=PIN", help="a device's PIN")
    ap.add_argument("--sn-only", action="store_true",
                    help="refuse addDevicesByMac with 900403")
    ap.add_argument("--foreign", action="append", default=[],
                    help="a MAC registered by another account (repeatable)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    sim = YmcsSim(args.client_id, args.client_secret, port=args.port,
                  verbose=not args.quiet)
    for p in args.pin:
        mac, _, pin = p.partition("=")
        sim.pins[mac.lower()] = pin
    sim.mac_only = not args.sn_only
    for m in args.foreign:
        sim.hold_elsewhere(m)
    return sim.run("ymcs simulator on %s" % sim.url)


if __name__ == "__main__":
    sys.exit(main())
