#!/usr/bin/env python3
"""Simulators of the four XML-RPC redirect services of SPEC §2.1.

Each simulator is a threading SimpleXMLRPCServer whose request handler
checks HTTP Basic auth, records every call it receives and answers with
the vendor's own semantics: one registry mac -> url for the account, a
"foreign" set of MACs registered by other accounts, and the
vendor's refusal texts.  Every answer is the vendors' shape, one param
holding an array [boolean, message].

Lookups (SPEC §2.4) answer from the same state, and never change it:
each class names its read-only methods in `reads`, and writes() lists
the recorded calls of any other method, so a test can prove that a
lookup wrote nothing.  hold_elsewhere(mac) marks a MAC as registered by
another account.

Tests script the answers per MAC (and per method) to reproduce the
vendors' failures:

    sim.script("ACDE48234567", "Error:malformed_url")      # refusal
    sim.script(None, ("http", 500))                        # every MAC
    sim.script("AC-DE-48-23-45-67", "hang", method="redirect.registerPhone")

Behaviours: "ok" (forced success), a refusal string ([False, text]),
("http", status), "garbage", "empty", "fault", ("untyped", text),
("pretty", inner) where inner is "ok" or a refusal string, "hang", "cut",
"huge", ("raw", bytes) (200 with that body as it is), ("echo_auth", text)
(a refusal: text followed by the Authorization header the call carried),
("http", status, headers) with extra answer headers, ("delay", seconds)
(the vendor's own answer, that much later) and ("times", n, inner)
(inner for the next n calls, then unscripted).  Without a script the
vendor's semantics answer.

Standalone, for the demo:

    python3 tests/sim/xmlrpc_sim.py --vendor snom --port 8091 \
        --user demo --password demo
"""

import argparse
import base64
import hashlib
import json
import random
import re
import socketserver
import string
import sys
import threading
import time
import xmlrpc.client
import xmlrpc.server

from sim_base import ServedSim

VENDORS = ("snom", "gigaset", "yealink", "fanvil")

HEX12 = re.compile(r"^[0-9A-Fa-f]{12}$")
HYPHEN = re.compile(r"^[0-9A-Fa-f]{2}(-[0-9A-Fa-f]{2}){5}$")
URL_SCHEME = re.compile(r"^(https?|t?ftp)://[^/\s]+", re.IGNORECASE)


def mac12(text):
    """Upper-case MAC12 of any notation of a MAC, or None."""
    if not isinstance(text, str):
        return None
    m = re.sub(r"[-:]", "", text).upper()
    return m if HEX12.match(m) else None


def md5hex(text):
    return hashlib.md5(text.encode()).hexdigest()


class Call:
    """One request the simulator received, recorded as it came."""

    def __init__(self, method, params, authorization, content_type,
                 user_agent, body, path, auth_ok):
        self.method = method          # methodName, or None if unparseable
        self.params = params          # tuple of decoded params, or None
        self.authorization = authorization
        self.content_type = content_type
        self.user_agent = user_agent
        self.body = body              # raw bytes of the request body
        self.path = path
        self.auth_ok = auth_ok
        self.at = time.monotonic()    # when it came

    def __repr__(self):
        return "Call(%r, %r)" % (self.method, self.params)


class _Server(socketserver.ThreadingMixIn, xmlrpc.server.SimpleXMLRPCServer):
    daemon_threads = True
    allow_reuse_address = True
    verbose = False
    # Many workers connect at once; the default backlog of 5 drops SYNs.
    request_queue_size = 128

    # A client that hangs up mid-answer ("huge", timeouts) is expected.
    def handle_error(self, request, client_address):
        if self.verbose:
            super().handle_error(request, client_address)


class _Handler(xmlrpc.server.SimpleXMLRPCRequestHandler):
    """Checks Basic auth, records the call, then answers as scripted or
    through the server's dispatcher (the vendor's semantics)."""

    # HTTP/1.1: keeps connections alive (curl reuses them) and answers
    # "Expect: 100-continue" at once instead of letting curl wait.
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without this, Nagle and
    # delayed ACKs add 40 ms to every call on a kept-alive connection.
    disable_nagle_algorithm = True
    sim = None  # set per server class

    def log_message(self, fmt, *args):
        if self.sim.verbose:
            sys.stderr.write("%s %s\n" % (self.sim.vendor, fmt % args))

    def do_GET(self):
        self._send(405, b"XML-RPC only: POST\n", "text/plain")

    def do_POST(self):
        sim = self.sim
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        body = self.rfile.read(length) if length > 0 else b""
        try:
            params, method = xmlrpc.client.loads(body)
        except Exception:
            params, method = None, None
        auth = self.headers.get("Authorization")
        auth_ok = sim.check_auth(auth)
        call = Call(method, params, auth, self.headers.get("Content-Type"),
                    self.headers.get("User-Agent"), body, self.path, auth_ok)
        sim.record(call)
        if sim.delay > 0:
            sim.stopping.wait(sim.delay)
        if not auth_ok:
            self._send(401, b"Unauthorized\n", "text/plain",
                       {"WWW-Authenticate": 'Basic realm="%s"' % sim.vendor})
            return
        if method is None:
            self._send(400, b"not an XML-RPC call\n", "text/plain")
            return
        behaviour = sim.behaviour_for(method, params)
        if isinstance(behaviour, tuple) and behaviour[0] == "delay":
            time.sleep(behaviour[1])
            behaviour = None
        if behaviour is None:
            self._xml(self.server._marshaled_dispatch(body))
            return
        self._scripted(behaviour)

    # Answers a scripted behaviour (see the module's docstring).
    def _scripted(self, b):
        sim = self.sim
        if isinstance(b, tuple) and b[0] == "raw":
            self._xml(b[1])
        elif isinstance(b, tuple) and b[0] == "echo_auth":
            self._xml(_response((False, b[1] + (self.headers.get(
                "Authorization") or ""))))
        elif b == "ok":
            self._xml(_response((True, "OK")))
        elif b == "garbage":
            self._send(200, b"<html><body>Service Unavailable", "text/xml")
        elif b == "empty":
            self._send(200, b"", "text/xml")
        elif b == "fault":
            self._xml(xmlrpc.client.dumps(
                xmlrpc.client.Fault(4, "Too many parameters"),
                methodresponse=True).encode())
        elif b == "hang":
            sim.stopping.wait()
            self.close_connection = True
        elif b == "cut":
            data = _response((True, "OK"))
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(data) + 1000))
            self.end_headers()
            self.wfile.write(data[:len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif b == "huge":
            pad = "x" * (2 * 1024 * 1024)
            self._xml(_response((False, "Error:" + pad)))
        elif isinstance(b, tuple) and b[0] == "http":
            self._send(b[1], b"<html>error %d</html>" % b[1], "text/html",
                       b[2] if len(b) > 2 else None)
        elif isinstance(b, tuple) and b[0] == "untyped":
            self._xml(_UNTYPED % xmlrpc.client.escape(b[1]).encode())
        elif isinstance(b, tuple) and b[0] == "pretty":
            inner = b[1] if len(b) > 1 else "ok"
            ok, text = (True, "OK") if inner == "ok" else (False, inner)
            self._xml(_PRETTY % (b"1" if ok else b"0",
                                 xmlrpc.client.escape(text).encode()))
        elif isinstance(b, str):
            self._xml(_response((False, b)))
        else:
            raise ValueError("unknown behaviour %r" % (b,))

    def _xml(self, data):
        self._send(200, data, "text/xml")

    def _send(self, status, data, ctype, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)


def _response(answer):
    return xmlrpc.client.dumps((list(answer),), methodresponse=True).encode()


_UNTYPED = (b"<?xml version=\"1.0\"?><methodResponse><params><param>"
            b"<value><array><data><value><boolean>0</boolean></value>"
            b"<value>%s</value></data></array></value>"
            b"</param></params></methodResponse>")

_PRETTY = b"""<?xml version="1.0" encoding="UTF-8"?>
<methodResponse>
  <params>
    <param>
      <value>
        <array>
          <data>
            <value>
              <boolean>%s</boolean>
            </value>
            <value>
              <string>%s</string>
            </value>
          </data>
        </array>
      </value>
    </param>
  </params>
</methodResponse>
"""


class VendorSim(ServedSim):
    """One vendor's redirect service on 127.0.0.1 (port 0: any free one)."""

    vendor = None
    methods = {}  # XML-RPC method name -> handler method name
    reads = frozenset()  # the methods that change nothing (lookups)

    def __init__(self, user="demo", password="demo", host="127.0.0.1",
                 port=0, verbose=False):
        self.user = user
        self.password = password
        self.verbose = verbose
        self.lock = threading.Lock()
        self.calls = []
        self.registry = {}   # MAC12 -> url registered by this account
        self.foreign = set()  # MAC12 registered by other accounts
        self.scripts = {}    # (MAC12 or None, method or None) -> behaviour
        self.delay = 0.0     # seconds every answer waits (a slow vendor)
        self.stopping = threading.Event()
        handler = type("Handler", (_Handler,), {"sim": self})
        self.server = _Server((host, port), requestHandler=handler,
                              logRequests=verbose, allow_none=False)
        self.server.verbose = verbose
        self.server.register_instance(self)
        self.host, self.port = self.server.server_address[:2]
        self.thread = None

    @property
    def url(self):
        return "http://%s:%d/xmlrpc" % (self.host, self.port)

    # Forgets calls, scripts, registrations, foreign MACs and the delay.
    def reset(self):
        with self.lock:
            self.calls = []
            self.registry = {}
            self.foreign = set()
            self.scripts = {}
            self.delay = 0.0

    # Scripts the answer for one MAC (any notation) or, with None, for every
    # MAC; method narrows it to one XML-RPC method.  behaviour None unsets.
    def script(self, mac, behaviour, method=None):
        key = (mac12(mac) if mac is not None else None, method)
        if mac is not None and key[0] is None:
            raise ValueError("not a MAC: %r" % (mac,))
        with self.lock:
            if behaviour is None:
                self.scripts.pop(key, None)
            else:
                self.scripts[key] = behaviour

    def record(self, call):
        with self.lock:
            self.calls.append(call)
        if self.verbose:
            sys.stdout.write("%s %s %s\n" % (
                time.strftime("%H:%M:%S"), call.method,
                json.dumps(list(call.params) if call.params else call.params)))
            sys.stdout.flush()

    # Calls of one XML-RPC method (all calls when method is None).
    def calls_of(self, method=None):
        with self.lock:
            return [c for c in self.calls
                    if method is None or c.method == method]

    # Calls that may have changed something: every method not in reads,
    # unparseable calls included.
    def writes(self):
        return [c for c in self.calls_of() if c.method not in self.reads]

    # Marks a MAC (any notation) as registered by another account.
    def hold_elsewhere(self, mac):
        with self.lock:
            self.foreign.add(mac12(mac))

    def expected_password(self):
        return self.password

    def check_auth(self, header):
        if not header or not header.startswith("Basic "):
            return False
        try:
            raw = base64.b64decode(header[6:].strip(), validate=True)
        except Exception:
            return False
        want = ("%s:%s" % (self.user, self.expected_password())).encode()
        return raw == want

    # The MAC a call is about, MAC12, or None.
    def mac_of(self, method, params):
        if not params or not isinstance(params[0], str):
            return None
        return mac12(params[0]) or mac12(params[0].split("-")[0])

    def behaviour_for(self, method, params):
        mac = self.mac_of(method, params)
        keys = [(mac, method), (mac, None)] if mac else []
        keys += [(None, method), (None, None)]
        with self.lock:
            for key in keys:
                if key in self.scripts:
                    return self._take(key)
        return None

    # The script under key; a ("times", n, inner) one counts down.
    def _take(self, key):
        b = self.scripts[key]
        if not (isinstance(b, tuple) and b[0] == "times"):
            return b
        if b[1] <= 1:
            del self.scripts[key]
        else:
            self.scripts[key] = ("times", b[1] - 1, b[2])
        return b[2]

    # SimpleXMLRPCServer's hook: the vendor's answer [ok, message], or a
    # fault for an unknown method or wrong parameters.
    def _dispatch(self, method, params):
        name = self.methods.get(method)
        if name is None:
            raise xmlrpc.client.Fault(1, 'method "%s" is not supported'
                                      % method)
        fn = getattr(self, name)
        try:
            with self.lock:
                return list(fn(*params))
        except TypeError as e:
            raise xmlrpc.client.Fault(2, "bad parameters: %s" % e)


def _valid_url(url):
    return isinstance(url, str) and URL_SCHEME.match(url) is not None


class SnomSim(VendorSim):
    vendor = "snom"
    methods = {"redirect.registerPhone": "register",
               "redirect.deregisterPhone": "deregister",
               "redirect.checkPhone": "check",
               "redirect.getPhoneRedirection": "redirection"}
    reads = frozenset({"redirect.checkPhone", "redirect.getPhoneRedirection"})
    company = "Example PBX Ltd"

    # [true, ...] for a phone of this account, else the refusal.
    def check(self, mac):
        m = mac12(mac) if HEX12.match(mac or "") else None
        if m is None:
            return False, "Error:malformed_mac"
        if m in self.foreign:
            return False, "Error:owned_by_other_user"
        if m not in self.registry:
            return False, "Error:no_such_mac"
        return True, "OK"

    # [true, company, url] for a phone of this account.
    def redirection(self, mac):
        ok, text = self.check(mac)
        if not ok:
            return ok, text
        return True, self.company, self.registry[mac12(mac)]

    def register(self, mac, url):
        m = mac12(mac) if HEX12.match(mac or "") else None
        if m is None:
            return False, "Error:malformed_mac"
        if not _valid_url(url):
            return False, "Error:malformed_url"
        if m in self.foreign:
            return False, "Error:owned_by_other_user"
        self.registry[m] = url
        return True, "OK"

    def deregister(self, mac):
        ok, text = self.check(mac)
        if ok:
            del self.registry[mac12(mac)]
        return ok, text


class GigasetSim(VendorSim):
    vendor = "gigaset"
    methods = {"autoprov.registerDevice": "register",
               "autoprov.deregisterDevice": "deregister",
               "autoprov.checkDevice": "check"}
    reads = frozenset({"autoprov.checkDevice"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.crcs = {}  # MAC12 -> the CRC printed on that device's label

    def reset(self):
        super().reset()
        with self.lock:
            self.crcs = {}

    # MAC12 of "MAC12-CRC" or "MAC12", or a refusal text.
    def _device(self, ident):
        if not isinstance(ident, str):
            return None, "mac_invalid: %r" % (ident,)
        mac, _, crc = ident.partition("-")
        if not HEX12.match(mac) or (crc and not re.match(
                r"^[A-Z0-9]{4}$", crc)):
            return None, "mac_invalid: %s is not a valid device id" % ident
        m = mac.upper()
        if m in self.crcs and crc != self.crcs[m]:
            return None, "mac_not_exist: %s is unknown" % ident
        return m, None

    def register(self, ident, url, provider):
        m, refusal = self._device(ident)
        if m is None:
            return False, refusal
        if not _valid_url(url):
            return False, "url_invalid: %s" % url
        if m in self.foreign:
            return False, "mac_already_in_use: %s belongs to another " \
                          "provider" % ident
        self.registry[m] = url
        return True, "device %s registered" % ident

    # MAC12 of a device this account registered, or (None, refusal).
    def _own(self, ident):
        m, refusal = self._device(ident)
        if m is None:
            return None, refusal
        if m in self.foreign:
            return None, "mac_already_in_use: %s belongs to another " \
                         "provider" % ident
        if m not in self.registry:
            return None, "mac_not_found: %s" % ident
        return m, None

    def deregister(self, ident):
        m, refusal = self._own(ident)
        if m is None:
            return False, refusal
        del self.registry[m]
        return True, "device %s deregistered" % ident

    # Whether this account registered the device; never its URL.
    def check(self, ident):
        m, refusal = self._own(ident)
        if m is None:
            return False, refusal
        return True, "device %s is registered" % ident


class YealinkSim(VendorSim):
    vendor = "yealink"
    methods = {"redirect.registerDeviceWithUniqueUrl": "register",
               "redirect.deRegisterDevice": "deregister",
               "redirect.checkDevice": "check"}
    reads = frozenset({"redirect.checkDevice"})
    BAD_URL = ("Error:The url can only begin with 'http://' or "
               "'https://' or 'ftp://' or 'tftp://'")

    @staticmethod
    def _owner_code():
        alnum = string.ascii_lowercase + string.digits
        return "Error:" + "".join(random.choice(alnum) for _ in range(10))

    def register(self, mac, server_name, url, override):
        if not isinstance(mac, str) or not HYPHEN.match(mac):
            return False, "Error:Invalid MAC address"
        m = mac12(mac)
        if not _valid_url(url):
            return False, self.BAD_URL
        if m in self.foreign:
            return False, self._owner_code()
        if m in self.registry and override != "1":
            return False, "Error:The device already exists"
        self.registry[m] = url
        return True, "OK"

    def deregister(self, mac):
        if not isinstance(mac, str) or not HYPHEN.match(mac):
            return False, "Error:Invalid MAC address"
        m = mac12(mac)
        if m in self.foreign:
            return False, self._owner_code()
        self.registry.pop(m, None)
        return True, "OK"

    # The device's state in words, as RPS says it.
    def check(self, mac):
        if not isinstance(mac, str) or not HYPHEN.match(mac):
            return False, "Error:Invalid MAC"
        m = mac12(mac)
        if m in self.foreign:
            return True, "Registered elsewhere"
        return True, "Registered" if m in self.registry else "Unregistered"


class FanvilSim(VendorSim):
    vendor = "fanvil"
    methods = {"redirect.deleteServer": "delete_server",
               "redirect.addMaterialServer": "add_server",
               "redirect.deRegisterDevice": "deregister",
               "redirect.registerDevice": "register",
               "redirect.checkDevice": "check"}
    reads = frozenset({"redirect.checkDevice"})
    PROTOS = {"1": "ftp", "2": "tftp", "4": "http", "5": "https"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.servers = {}  # server name -> {cfgKey: value}
        self.devices = {}  # MAC12 -> server name

    def reset(self):
        super().reset()
        with self.lock:
            self.servers = {}
            self.devices = {}

    # Fanvil's Basic password is the hex MD5 of the hex MD5 of the password.
    def expected_password(self):
        return md5hex(md5hex(self.password))

    def mac_of(self, method, params):
        if method == "redirect.addMaterialServer" and params and \
                isinstance(params[0], list):
            for item in params[0]:
                if isinstance(item, str) and item.startswith("cfgName="):
                    return mac12(item[8:])
            return None
        return super().mac_of(method, params)

    def _url_of(self, name):
        s = self.servers.get(name)
        if s is None:
            return None
        return "%s://%s/%s" % (self.PROTOS.get(s.get("cfgPfProt"), "?"),
                               s.get("cfgPfSrv", ""), s.get("cfgPfName", ""))

    def _sync(self):
        self.registry = {m: self._url_of(n) for m, n in self.devices.items()}

    def delete_server(self, name):
        if name not in self.servers:
            return False, "Error:server_not_exist"
        del self.servers[name]
        return True, "OK"

    def add_server(self, items):
        if not isinstance(items, list) or \
                not all(isinstance(i, str) for i in items):
            return False, "Error: param_error"
        cfg = dict(i.partition("=")[::2] for i in items)
        name = cfg.get("cfgName", "")
        if not name:
            return False, "Error: param_error"
        if cfg.get("cfgPfProt") not in self.PROTOS or \
                not cfg.get("cfgPfSrv") or \
                re.search(r"[\s/]", cfg.get("cfgPfSrv", "")):
            return False, "Error: url_format_error"
        if name in self.servers:
            return False, "Error: server_had_existed"
        self.servers[name] = cfg
        self._sync()
        return True, "OK"

    def deregister(self, mac):
        m = mac12(mac) if HEX12.match(mac or "") else None
        if m is None:
            return False, "Error: mac_format_error"
        if m not in self.devices:
            return False, "Error:device_not_exist"
        del self.devices[m]
        self._sync()
        return True, "OK"

    def register(self, mac, server):
        m = mac12(mac) if HEX12.match(mac or "") else None
        if m is None:
            return False, "Error: mac_format_error"
        if m in self.foreign or m in self.devices:
            return False, "Error: device_had_existed"
        if server not in self.servers:
            return False, "Error:server_not_exist"
        self.devices[m] = server
        self._sync()
        return True, "OK"

    # [true, server name] for a device bound by this account.
    def check(self, mac):
        m = mac12(mac) if HEX12.match(mac or "") else None
        if m is None:
            return False, "Error: mac_format_error"
        if m in self.foreign:
            return False, "Error: device_had_existed"
        if m not in self.devices:
            return False, "Error:device_not_exist"
        return True, self.devices[m]


SIMS = {"snom": SnomSim, "gigaset": GigasetSim, "yealink": YealinkSim,
        "fanvil": FanvilSim}


# Starts the simulator of vendor in a background thread.
def start(vendor, user="demo", password="demo", port=0):
    return SIMS[vendor](user=user, password=password, port=port).start()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vendor", choices=VENDORS, required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8091)
    ap.add_argument("--user", default="demo")
    ap.add_argument("--password", default="demo")
    ap.add_argument("--foreign", action="append", default=[],
                    help="a MAC registered by another account (repeatable)")
    a = ap.parse_args(argv)
    sim = SIMS[a.vendor](user=a.user, password=a.password, host=a.host,
                         port=a.port, verbose=True)
    for m in a.foreign:
        sim.hold_elsewhere(m)
    return sim.run("%s simulator on %s (user %s)"
                   % (a.vendor, sim.url, a.user))


if __name__ == "__main__":
    sys.exit(main())
