"""Misbehaving vendors for the hardening tests (test_faults.py and friends):
a raw-socket HTTP front that stands where Falconieri expects a vendor and,
request by request, either forwards to the real simulator behind it or
misbehaves at the socket level in ways an HTTP server library would not
let a test do (answer never, reset mid-answer, cut short, 2 MiB).

    front = FaultServer(upstream=sim.url)          # http://127.0.0.1:N/...
    front.push("hang")                             # the next request hangs
    front.push(("http", 503), match="addDevices")  # the next matching one
    front.pause(); ...; front.resume()             # connection refused
    front.hold(True); ...; front.hold(False)       # accept, never read

Behaviours: "pass" (forward to upstream; what happens without a script),
"hang" (read the request, never answer), "reset" (status line, headers and
half a body, then a TCP reset), "cut" (Content-Length larger than what is
sent, then close), "huge" (a 2 MiB answer), "garbage" (200, not the
vendor's format), "empty" (200, no body), "fault" (an XML-RPC fault),
("http", status) (that status, a short HTML body), ("body", bytes) (200
with that body), ("delay", seconds) (wait, then pass), ("delay", seconds,
behaviour) (wait, then that behaviour).

Forwarding rewrites upstream's origin into the front's in answers (bodies
and headers), so discovered links (GRAPE/SRAPS) stay on the origin
Falconieri was configured with; the Host header is forwarded unchanged,
so Hawk signatures over the front's host and port still verify.

Also: make_cert() (a self-signed certificate with the openssl command) and
tls_context() for an HTTPS front.  Standard library and openssl only.
"""

import http.client
import os
import select
import socket
import ssl
import struct
import subprocess
import threading
import time
import urllib.parse

XMLRPC_FAULT = (b"<?xml version=\"1.0\"?><methodResponse><fault><value>"
                b"<struct><member><name>faultCode</name><value><int>4</int>"
                b"</value></member><member><name>faultString</name><value>"
                b"<string>Too many parameters</string></value></member>"
                b"</struct></value></fault></methodResponse>")

HOP_BY_HOP = ("connection", "keep-alive", "transfer-encoding",
              "content-length", "proxy-connection", "te", "upgrade")


def make_cert(directory, name="vendor"):
    """A self-signed certificate for 127.0.0.1 and localhost, made with
    the openssl command in directory: (cert path, key path)."""
    cert = os.path.join(directory, name + ".pem")
    key = os.path.join(directory, name + ".key")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec",
         "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", key, "-out", cert, "-days", "2",
         "-subj", "/CN=falconieri test vendor",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return cert, key


def tls_context(cert, key):
    """A server-side TLS context serving cert."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


class Request:
    """One request the front read: method, target, headers, body."""

    def __init__(self, method, target, headers, body):
        self.method = method
        self.target = target
        self.headers = headers      # [(name, value)]
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def __repr__(self):
        return "Request(%s %s)" % (self.method, self.target)


def _read_request(f):
    """The next request on the buffered socket file f, or None at EOF."""
    line = f.readline(65537)
    while line in (b"\r\n", b"\n"):
        line = f.readline(65537)
    if not line:
        return None
    parts = line.decode("latin-1").split()
    if len(parts) != 3:
        return None
    headers = []
    while True:
        h = f.readline(65537)
        if not h:
            return None
        if h in (b"\r\n", b"\n"):
            break
        name, _, value = h.decode("latin-1").partition(":")
        headers.append((name.strip(), value.strip()))
    req = Request(parts[0], parts[1], headers, b"")
    length = req.header("Content-Length")
    if length:
        req.body = f.read(int(length))
    return req


class FaultServer:
    """An HTTP (or, with tls, HTTPS) front on 127.0.0.1.

    upstream: the URL of the simulator to forward to (its scheme, host and
    port count; the path Falconieri asks for is kept).  tls: an
    ssl.SSLContext to serve HTTPS with.
    """

    def __init__(self, upstream=None, tls=None, host="127.0.0.1"):
        self.tls = tls
        self.host = host
        self.lock = threading.Lock()
        self.faults = []          # [behaviour, match, times left]
        self.requests = []        # every Request read, in order
        self.conns = set()
        self.stopping = threading.Event()
        self.holding = False
        self.listener = None
        self.port = 0
        self.upstream = None
        if upstream is not None:
            self.set_upstream(upstream)
        self._listen()

    # -- addresses --

    @property
    def origin(self):
        return "%s://%s:%d" % ("https" if self.tls else "http", self.host,
                               self.port)

    def url(self, path="/"):
        """The front's URL for path (the same path as upstream's)."""
        return self.origin + path

    def set_upstream(self, url):
        u = urllib.parse.urlsplit(url)
        self.upstream = (u.scheme, u.hostname, u.port or 80)
        self.upstream_origin = "%s://%s:%d" % self.upstream

    # -- scripting --

    def push(self, behaviour, match=None, times=1):
        """The next `times` requests whose target contains match (any
        with None) get behaviour instead of being forwarded."""
        with self.lock:
            self.faults.append([behaviour, match, times])

    def clear(self):
        """Forgets scripted faults and recorded requests."""
        with self.lock:
            self.faults = []
            self.requests = []

    def _take(self, req):
        with self.lock:
            self.requests.append(req)
            for f in self.faults:
                if f[1] is None or f[1] in req.target:
                    f[2] -= 1
                    if f[2] <= 0:
                        self.faults.remove(f)
                    return f[0]
        return "pass"

    # -- life --

    def _listen(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((self.host, self.port))
        s.listen(256)
        self.port = s.getsockname()[1]
        self.listener = s
        threading.Thread(target=self._accept, args=(s,), daemon=True).start()

    def _accept(self, s):
        while True:
            try:
                sock, _ = s.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(sock,),
                             daemon=True).start()

    def _drop_connections(self):
        with self.lock:
            conns, self.conns = list(self.conns), set()
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            c.close()

    def pause(self):
        """Stops listening and closes every connection: from now on a
        connection is refused, until resume()."""
        if self.listener is not None:
            try:
                self.listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.listener.close()
            self.listener = None
        self._drop_connections()

    def resume(self):
        """Listens again, on the same port."""
        if self.listener is None:
            self._listen()

    def hold(self, on):
        """With on, connections are accepted (the TLS handshake done) and
        then never read from nor answered; the connections open now are
        closed, so that the next request needs a new one."""
        self.holding = on
        if on:
            self._drop_connections()

    def stop(self):
        self.stopping.set()
        self.pause()

    def _held(self, sock):
        """Keeps sock unread until the client gives up, or hold ends."""
        while self.holding and not self.stopping.is_set():
            r, _, _ = select.select([sock], [], [], 0.05)
            if r and not sock.recv(1, socket.MSG_PEEK):
                return
            time.sleep(0.05)

    # -- serving --

    def _serve(self, sock):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.tls is not None:
            try:
                sock.settimeout(10)
                sock = self.tls.wrap_socket(sock, server_side=True)
                sock.settimeout(None)
            except (OSError, ssl.SSLError):
                sock.close()
                return
        with self.lock:
            self.conns.add(sock)
        if self.holding:
            try:
                self._held(sock)
            except (OSError, ValueError):
                pass
            with self.lock:
                self.conns.discard(sock)
            sock.close()
            return
        f = sock.makefile("rb")
        try:
            while not self.stopping.is_set():
                req = _read_request(f)
                if req is None:
                    break
                if not self._answer(sock, f, req, self._take(req)):
                    break
        except (OSError, ValueError, ssl.SSLError):
            pass
        finally:
            with self.lock:
                self.conns.discard(sock)
            try:
                f.close()
                sock.close()
            except OSError:
                pass

    @staticmethod
    def _send(sock, status, body, ctype="text/xml", headers=(),
              length=None):
        head = ["HTTP/1.1 %d %s" % (status, http.client.responses.get(
            status, "Unknown"))]
        if ctype:
            head.append("Content-Type: " + ctype)
        head.append("Content-Length: %d" % (len(body) if length is None
                                            else length))
        head.extend("%s: %s" % h for h in headers)
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
                     + body)

    def _answer(self, sock, f, req, b):
        """Answers req with behaviour b; whether the connection lives on."""
        if isinstance(b, tuple) and b[0] == "delay":
            self.stopping.wait(b[1])
            b = b[2] if len(b) > 2 else "pass"
        if b == "pass":
            return self._forward(sock, req)
        if b == "hang":
            # Until the client gives up (curl's timeout) or we stop.
            sock.settimeout(0.2)
            while not self.stopping.is_set():
                try:
                    if not sock.recv(4096):
                        break
                except socket.timeout:
                    continue
            return False
        if b == "reset":
            body = b"<?xml version=\"1.0\"?><methodResponse><params>"
            self._send(sock, 200, body, length=len(body) * 4)
            time.sleep(0.05)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                            struct.pack("ii", 1, 0))
            return False
        if b == "cut":
            body = b"<?xml version=\"1.0\"?><methodResponse><params>"
            self._send(sock, 200, body, length=len(body) + 1000)
            return False
        if b == "huge":
            body = b"{\"message\": \"" + b"x" * (2 * 1024 * 1024) + b"\"}"
            try:
                self._send(sock, 200, body, "application/json")
            except OSError:
                pass  # the client stopped reading at its cap
            return False
        if b == "garbage":
            self._send(sock, 200, b"<html><body>Service Unavailable",
                       "text/html")
            return True
        if b == "empty":
            self._send(sock, 200, b"", None)
            return True
        if b == "fault":
            self._send(sock, 200, XMLRPC_FAULT)
            return True
        if isinstance(b, tuple) and b[0] == "body":
            self._send(sock, 200, b[1])
            return True
        if isinstance(b, tuple) and b[0] == "http":
            headers = ()
            if 300 <= b[1] < 400:
                headers = (("Location", self.url("/elsewhere")),)
            self._send(sock, b[1], b"<html>error %d</html>" % b[1],
                       "text/html", headers)
            return True
        raise ValueError("unknown behaviour %r" % (b,))

    def _rewrite(self, data):
        return data.replace(self.upstream_origin.encode(),
                            self.origin.encode())

    def _forward(self, sock, req):
        if self.upstream is None:
            self._send(sock, 502, b"no upstream", "text/plain")
            return True
        scheme, host, port = self.upstream
        cls = (http.client.HTTPSConnection if scheme == "https"
               else http.client.HTTPConnection)
        up = cls(host, port, timeout=30)
        try:
            headers = {k: v for k, v in req.headers
                       if k.lower() not in HOP_BY_HOP}
            up.request(req.method, req.target, body=req.body or None,
                       headers=headers)
            r = up.getresponse()
            body = self._rewrite(r.read())
            out = [(k, self._rewrite(v.encode("latin-1")).decode("latin-1"))
                   for k, v in r.getheaders()
                   if k.lower() not in HOP_BY_HOP and
                   k.lower() != "content-type"]
            self._send(sock, r.status, body, r.getheader("Content-Type"),
                       out)
        finally:
            up.close()
        return True
