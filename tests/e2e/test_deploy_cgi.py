"""Falconieri as a CGI program run straight through the CGI environment
(RFC 3875), as any web server would: the request in REQUEST_METHOD,
PATH_INFO or REQUEST_URI, QUERY_STRING, CONTENT_LENGTH and HTTP_*
variables, the body on standard input, a Status: header on standard
output, one request per process.  The servers' own CGI is in
test_deploy_lighttpd.py and test_deploy_apache.py."""

import json
import os
import shutil
import subprocess
import unittest

import deploy_util as du
import xmlrpc_sim


def parse_cgi(out):
    """(status, headers with lower-case names, body) of a CGI answer."""
    head, sep, body = out.partition(b"\r\n\r\n")
    if not sep:
        raise AssertionError("no end of headers in %r" % out[:300])
    headers = {}
    for line in head.split(b"\r\n"):
        name, colon, value = line.decode("latin-1").partition(":")
        if not colon:
            raise AssertionError("bad header line %r" % line)
        headers[name.strip().lower()] = value.strip()
    status = int(headers.pop("status").split()[0])
    return status, headers, body


class TestCgiDirect(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = du.make_tmpdir("cgi")
        cls.sim = xmlrpc_sim.start("snom", "user-snom", "secret-snom")
        cls.conf = du.write(os.path.join(cls.tmp, "conf.json"),
                            json.dumps(du.conf_json(cls.sim)))

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.sim.reset()

    def cgi(self, method, path_info=None, body=None, token=du.TOKEN,
            request_uri=None, query="", env=None, conf=None):
        """Runs one CGI request; returns (status, headers, body, js,
        stderr).  Fails on a non-zero exit or a sanitizer report."""
        e = du.clean_env({
            "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1",
            "SERVER_SOFTWARE": "test", "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80", "REMOTE_ADDR": "127.0.0.1",
            "REQUEST_METHOD": method, "QUERY_STRING": query,
            "SCRIPT_NAME": "/cgi-bin/falconieri"})
        if path_info is not None:
            e["PATH_INFO"] = path_info
        e["REQUEST_URI"] = request_uri or ("/cgi-bin/falconieri" +
                                           (path_info or ""))
        data = b""
        if body is not None:
            data = json.dumps(body).encode() if isinstance(body, dict) \
                else body
            e["CONTENT_LENGTH"] = str(len(data))
            e["CONTENT_TYPE"] = "application/json"
        if token is not None:
            e["HTTP_AUTHORIZATION"] = "Bearer " + token
        e.update(env or {})
        r = subprocess.run([du.binary(), "-c", conf or self.conf],
                           input=data, capture_output=True, env=e,
                           timeout=30)
        err = r.stderr.decode("utf-8", "replace")
        self.assertEqual(r.returncode, 0, err)
        for w in du.harness.SANITIZER_WORDS:
            self.assertNotIn(w, err)
        status, headers, rbody = parse_cgi(r.stdout)
        return status, headers, rbody, du.parse_json(headers, rbody), err

    def test_register_and_deregister(self):
        st, hdrs, body, js, err = self.cgi(
            "PUT", "/providers/snom/" + du.MAC, {"url": du.URL})
        self.assertEqual((st, body), (200, b""), err)
        self.assertEqual(hdrs.get("content-length"), "0")
        self.assertEqual(self.sim.registry, {du.MAC12: du.URL})
        st, hdrs, body, js, err = self.cgi("DELETE",
                                           "/providers/snom/" + du.MAC)
        self.assertEqual((st, body), (200, b""), err)
        self.assertEqual(self.sim.registry, {})
        # The request line goes to standard error, never to the answer.
        self.assertIn("DELETE", err)
        self.assertIn("status=200", err)

    def test_validation_error(self):
        st, hdrs, body, js, err = self.cgi(
            "PUT", "/providers/snom/" + du.MAC, {"url": "ldap://x/"})
        self.assertEqual((st, js["error"]), (400, "unsupported_url_scheme"))
        self.assertTrue(hdrs["content-type"].startswith("application/json"))
        self.assertEqual(int(hdrs["content-length"]), len(body))
        st, hdrs, body, js, err = self.cgi(
            "PUT", "/providers/snom/01-00-5E-00-00-01", {"url": du.URL})
        self.assertEqual((st, js["error"]), (400, "malformed_mac_address"))
        self.assertEqual(self.sim.calls, [])

    def test_token(self):
        st, hdrs, body, js, err = self.cgi("GET", "/providers", token=None)
        self.assertEqual((st, js["error"]), (401, "unauthorized"))
        st, hdrs, body, js, err = self.cgi("GET", "/providers")
        self.assertEqual((st, js), (200, {"providers": ["snom"]}))

    # PATH_INFO wins over REQUEST_URI; without it, base_path is removed
    # from REQUEST_URI (a server that mounts the program by rewriting).
    def test_base_path(self):
        st, _, _, js, _ = self.cgi("GET", "/providers",
                                   request_uri="/elsewhere/x")
        self.assertEqual((st, js), (200, {"providers": ["snom"]}))
        env = {"FALCONIERI_BASE_PATH": "/api"}
        st, _, body, _, _ = self.cgi("GET", request_uri="/api/health/check",
                                     env=env)
        self.assertEqual((st, body), (200, b""))
        st, _, _, js, _ = self.cgi("GET", request_uri="/api/providers?x=1",
                                   query="x=1", env=env)
        self.assertEqual((st, js), (200, {"providers": ["snom"]}))
        st, _, _, js, _ = self.cgi("GET", request_uri="/providers", env=env)
        self.assertEqual((st, js), (404, {"error": "not_found"}))

    def test_head_has_no_body(self):
        st, hdrs, body, js, err = self.cgi("HEAD", "/no/such/path")
        self.assertEqual((st, body), (404, b""))

    # A refused request's body is still read to its end before the
    # program exits (Apache's mod_cgid cuts the answer off otherwise).
    def test_unread_body_is_drained(self):
        data = b'{"url":"' + b"x" * 200000 + b'"}'
        r, w = os.pipe()
        try:
            os.set_blocking(w, False)
            written = os.write(w, data)  # what the pipe holds, ~64 KiB
            os.close(w)
            w = None
            e = du.clean_env({"REQUEST_METHOD": "PUT",
                              "PATH_INFO": "/providers/acme/" + du.MAC,
                              "CONTENT_LENGTH": str(written),
                              "HTTP_AUTHORIZATION": "Bearer " + du.TOKEN})
            p = subprocess.run([du.binary(), "-c", self.conf], stdin=r,
                               capture_output=True, env=e, timeout=30)
            self.assertEqual(p.returncode, 0, p.stderr)
            st, _, body, = parse_cgi(p.stdout)
            self.assertEqual(st, 404, body)
            os.set_blocking(r, False)
            self.assertEqual(os.read(r, 1 << 20), b"")  # nothing left
        finally:
            os.close(r)
            if w is not None:
                os.close(w)

    # Not under a server (no REQUEST_METHOD) and not on a socket: exit 2
    # with a hint, not a hang or a crash.
    def test_no_request(self):
        r = subprocess.run([du.binary(), "-c", self.conf],
                           stdin=subprocess.DEVNULL, capture_output=True,
                           env=du.clean_env(), timeout=30)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(r.stdout, b"")
        self.assertIn(b"REQUEST_METHOD", r.stderr)

    # A configuration error is an exit 1 naming the file, with no answer
    # on standard output (the server then answers 500 itself).
    def test_bad_config(self):
        bad = du.write(os.path.join(self.tmp, "bad.json"), "{not json")
        e = du.clean_env({"REQUEST_METHOD": "GET",
                          "PATH_INFO": "/health/check"})
        r = subprocess.run([du.binary(), "-c", bad], capture_output=True,
                           env=e, timeout=30, stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"bad.json", r.stderr)
        self.assertEqual(r.stdout, b"")
