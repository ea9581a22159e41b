#!/usr/bin/env python3
"""What the REST vendor simulators (ymcs_sim.py, hawk_sim.py) share: a
threading HTTP/1.1 server on 127.0.0.1 that records every request it
receives (method, path, headers, body) and answers either as scripted or
with the vendor's own semantics (the subclass's handle()).

Scripts are per route key (the subclass names its routes, e.g. "token"
or "endpoint") and may apply a limited number of times:

    sim.script("token", (500, {"message": "down"}))     # every time
    sim.script("addDevicesByMac", (401, ""), times=1)   # once, then normal

writes() lists the recorded requests that could change the account
(subclass's is_write()), hold_elsewhere(mac) gives a MAC to another
account.

Behaviours: (status, body) or (status, body, headers) where body is a
dict/list (sent as JSON), str or bytes; "garbage" (200, not JSON);
"empty" (200, no body); "hang" (no answer until the simulator stops);
"cut" (Content-Length larger than what is sent, then close); "huge"
(a 2 MiB JSON answer).

Standard library only.
"""

import http.server
import json
import socketserver
import sys
import threading
import time
import urllib.parse

from sim_base import ServedSim


class Request:
    """One request the simulator received, recorded as it came."""

    def __init__(self, method, target, headers, body):
        self.method = method
        self.target = target            # path?query as on the request line
        parts = urllib.parse.urlsplit(target)
        self.path = parts.path
        self.query = urllib.parse.parse_qs(parts.query)
        self.headers = list(headers)    # [(name, value)] in order
        self.body = body                # bytes
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None
        self.key = None                 # route key, set by the simulator
        self.error = None               # why the simulator refused it

    def header(self, name):
        """Value of the first header called name (any case), or None."""
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def __repr__(self):
        return "Request(%s %s %r)" % (self.method, self.target,
                                      self.body[:200])


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # Many workers connect at once; the default backlog of 5 drops SYNs.
    request_queue_size = 128

    # A client that hangs up mid-answer ("huge", timeouts) is expected.
    def handle_error(self, request, client_address):
        if getattr(self, "verbose", False):
            super().handle_error(request, client_address)


class _Handler(http.server.BaseHTTPRequestHandler):
    # HTTP/1.1 keeps connections alive, as curl expects.
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without this, Nagle and
    # delayed ACKs add 40 ms to every call on a kept-alive connection.
    disable_nagle_algorithm = True
    sim = None  # set per server class

    def log_message(self, fmt, *args):
        if self.sim.verbose:
            sys.stderr.write("%s %s\n" % (self.sim.name, fmt % args))

    def _serve(self):
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        body = self.rfile.read(length) if length > 0 else b""
        req = Request(self.command, self.path, self.headers.items(), body)
        self.sim.serve(self, req)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve


class RestSim(ServedSim):
    """Base of a REST vendor simulator; subclasses define route(req) (the
    route key of a request) and handle(req) -> (status, body[, headers])."""

    name = "rest"

    def __init__(self, host="127.0.0.1", port=0, verbose=False):
        self.verbose = verbose
        self.lock = threading.Lock()
        self.calls = []
        self.scripts = {}      # route key -> [behaviour, times left or None]
        self.stopping = threading.Event()
        handler = type("Handler", (_Handler,), {"sim": self})
        self.server = _Server((host, port), handler)
        self.server.verbose = verbose
        self.host, self.port = self.server.server_address[:2]
        self.thread = None

    @property
    def origin(self):
        return "http://%s:%d" % (self.host, self.port)

    def reset(self):
        """Forgets calls and scripts (subclasses also their state)."""
        with self.lock:
            self.calls = []
            self.scripts = {}

    def script(self, key, behaviour, times=None):
        """Answers requests of route key with behaviour (None unsets), for
        the next `times` of them or until reset."""
        with self.lock:
            if behaviour is None:
                self.scripts.pop(key, None)
            else:
                self.scripts[key] = [behaviour, times]

    def writes(self):
        """Recorded requests that may have changed the account (the
        subclass's is_write), to prove a lookup wrote nothing."""
        return [c for c in self.calls_of() if self.is_write(c)]

    def hold_elsewhere(self, mac):
        """Marks a MAC (any notation) as registered by another account."""
        with self.lock:
            self.foreign.add(mac.replace("-", "").replace(":", "").lower())

    def calls_of(self, key=None):
        """Recorded requests of route key (all with None)."""
        with self.lock:
            return [c for c in self.calls if key is None or c.key == key]

    def _take_script(self, key):
        with self.lock:
            s = self.scripts.get(key)
            if s is None:
                return None
            if s[1] is not None:
                s[1] -= 1
                if s[1] <= 0:
                    del self.scripts[key]
            return s[0]

    def serve(self, h, req):
        req.key = self.route(req)
        with self.lock:
            self.calls.append(req)
        if self.verbose:
            sys.stdout.write("%s %s %s %s %s\n" % (
                time.strftime("%H:%M:%S"), self.name, req.method,
                req.target, req.body[:300].decode("utf-8", "replace")))
            sys.stdout.flush()
        behaviour = self._take_script(req.key)
        if behaviour is None:
            behaviour = self.handle(req)
        self.answer(h, behaviour)

    def answer(self, h, b):
        if b == "garbage":
            self.send(h, 200, b"<html>Service Unavailable", "text/html")
        elif b == "empty":
            self.send(h, 200, b"", "application/json")
        elif b == "hang":
            self.stopping.wait()
            h.close_connection = True
        elif b == "cut":
            data = b'{"total":1,"successCount":1,"failureCount":0}'
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(data) + 1000))
            h.end_headers()
            h.wfile.write(data[:10])
            h.wfile.flush()
            h.close_connection = True
        elif b == "huge":
            data = json.dumps({"message": "x" * (2 * 1024 * 1024)}).encode()
            self.send(h, 200, data, "application/json")
        elif isinstance(b, tuple):
            status, body = b[0], b[1]
            headers = b[2] if len(b) > 2 else {}
            ctype = "application/json"
            if isinstance(body, (dict, list)):
                body = json.dumps(body).encode()
            elif isinstance(body, str):
                body = body.encode()
                ctype = "text/plain"
            elif body is None:
                body = b""
            self.send(h, status, body, ctype, headers)
        else:
            raise ValueError("unknown behaviour %r" % (b,))

    @staticmethod
    def send(h, status, data, ctype, headers=None):
        h.send_response(status)
        if data or status not in (204, 304):
            h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(data)))
        # A dict, or a list of (name, value) to send a field twice.
        fields = headers.items() if isinstance(headers, dict) else headers
        for k, v in fields or ():
            h.send_header(k, v)
        h.end_headers()
        if data:
            h.wfile.write(data)

    # Subclasses.
    def route(self, req):
        return None

    def is_write(self, req):
        return req.method != "GET"

    def handle(self, req):
        return (404, {"message": "not found"})
