"""A client that gives up (issue 12, SPEC §5): once the web server has
closed the FastCGI connection (or, in CGI mode, the answer's pipe), no
vendor call is made for the request, nor any further call of its
dialogue; the request is logged with code client_gone and counted in
/metrics."""

import json
import os
import shutil
import subprocess
import threading
import time
import unittest

import deploy_util as du
import xmlrpc_sim
from test_burst import URL, VendorStack, mac, mac12, put
from test_lifecycle import wait_for


def give_up(port, path, seconds=1):
    """curl PUT path with --max-time seconds: its exit status (28 when it
    gave up)."""
    return subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "--max-time", str(seconds),
         "-X", "PUT", "-H", "Content-Type: application/json",
         "-d", json.dumps({"url": URL}),
         "http://127.0.0.1:%d%s" % (port, path)]).returncode


def gone_count(stack, provider):
    """The client_gone count of provider in /metrics."""
    body = stack.request("GET", "/metrics")[2].decode()
    n = 0
    for line in body.splitlines():
        if (not line.startswith("#") and 'code="client_gone"' in line
                and 'provider="%s"' % provider in line):
            n += int(float(line.rsplit(" ", 1)[1]))
    return n


class TestQueued(unittest.TestCase):
    """--workers 1: a request queued behind a slow one, whose client gives
    up, is never sent to the vendor."""

    def test_queued_request_given_up_never_reaches_the_vendor(self):
        with VendorStack(workers=1) as stack:
            first, gone = mac(1), mac(2)
            stack.sent = [mac12(first), mac12(gone)]
            stack.front.push(("delay", 3.0), times=1)
            out = [None]
            t = threading.Thread(target=put, args=(stack, first, out, 0))
            t.start()
            self.assertTrue(wait_for(lambda: len(stack.front.requests) == 1))
            self.assertEqual(give_up(stack.port, "/providers/snom/" + gone),
                             28, "curl did not give up")
            t.join(30)
            self.assertEqual(out[0][0], 200)
            self.assertTrue(wait_for(lambda: "code=client_gone" in
                                     stack.log(), 5.0), stack.log())
            time.sleep(0.5)
            self.assertEqual(stack.vendor_macs(), [mac12(first)])
            self.assertNotIn(mac12(gone), stack.sim("snom").registry)
            self.assertEqual(gone_count(stack, "snom"), 1)
            # The worker serves on.
            self.assertEqual(stack.request("PUT", "/providers/snom/" + gone,
                                           {"url": URL})[0], 200)
            self.assertIn(mac12(gone), stack.sim("snom").registry)


class TestDialogue(unittest.TestCase):
    """Fanvil's registration is four calls: a client that gives up during
    the first one gets none of the three others made."""

    def test_no_call_after_the_client_gave_up(self):
        with VendorStack(vendor="fanvil") as stack:
            stack.front.push(("delay", 2.5), match=None, times=1)
            self.assertEqual(give_up(stack.port, "/providers/fanvil/"
                                     + mac(3)), 28, "curl did not give up")
            self.assertTrue(wait_for(lambda: "code=client_gone" in
                                     stack.log(), 5.0), stack.log())
            time.sleep(0.5)
            self.assertEqual(len(stack.front.requests), 1,
                             stack.front.requests)
            self.assertEqual(gone_count(stack, "fanvil"), 1)


class TestCgi(unittest.TestCase):
    """CGI: the web server closed the answer's pipe before the call."""

    def test_closed_stdout_makes_no_vendor_call(self):
        tmp = du.make_tmpdir("cgi-gone")
        sim = xmlrpc_sim.start("snom", "user-snom", "secret-snom")
        try:
            conf = du.write(os.path.join(tmp, "conf.json"),
                            json.dumps(du.conf_json(sim)))
            body = json.dumps({"url": URL}).encode()
            env = du.clean_env({
                "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "PUT",
                "PATH_INFO": "/providers/snom/" + mac(4),
                "REQUEST_URI": "/cgi-bin/falconieri/providers/snom/" + mac(4),
                "CONTENT_LENGTH": str(len(body)),
                "CONTENT_TYPE": "application/json",
                "HTTP_AUTHORIZATION": "Bearer " + du.TOKEN})
            r, w = os.pipe()
            os.close(r)  # the web server stopped reading: its client left
            try:
                p = subprocess.run([du.binary(), "-c", conf], input=body,
                                   stdout=w, stderr=subprocess.PIPE,
                                   env=env, timeout=30)
            finally:
                os.close(w)
            err = p.stderr.decode("utf-8", "replace")
            self.assertIn("code=client_gone", err)
            self.assertEqual(sim.calls_of(), [])
            for word in du.harness.SANITIZER_WORDS:
                self.assertNotIn(word, err)
        finally:
            sim.stop()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
