#!/usr/bin/env python3
"""The batch benchmark of `make bench` (issue 16): nginx with the shipped
configuration in front of Falconieri, and nginx as the Snom vendor.

  store overhead  BENCH_BATCH_DEVICES (10,000) devices against a vendor
                  that answers at once: devices per second, divided by
                  the rate of single PUTs sent by wrk over as many
                  connections as the batch has calls in flight
                  (batch_per_vendor).  Target >= 0.8.
  paced vendor    the same number of devices against a 50 ms vendor with
                  batch_per_vendor 8: the rate divided by its bound,
                  8 / 0.05 s = 160/s.  Target >= 0.9.
  memory          a BENCH_BATCH_MEMORY_DEVICES (100,000) device CSV batch:
                  Falconieri's RSS growth while it is created and run
                  (target <= 32 MiB), and the time its POST takes to be
                  answered (target <= 2 s, an absolute time: the machine
                  is printed with it).

Each line ends with PASS or FAIL against its target.  BENCH_BATCH_ONLY
(store, paced or memory, comma-separated) runs only those figures.

Usage: python3 bench/batch.py BUILD.  Everything runs on 127.0.0.1 on free
ports, in a temporary folder.
"""

import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import run as base  # noqa: E402

DEVICES = int(os.environ.get("BENCH_BATCH_DEVICES", "10000"))
MEMORY_DEVICES = int(os.environ.get("BENCH_BATCH_MEMORY_DEVICES", "100000"))
ONLY = [x for x in os.environ.get("BENCH_BATCH_ONLY", "").split(",") if x]
PER_VENDOR = 8
PACE_S = 0.05
URL = "https://pbx.example.com/p/"


def mac(i):
    return "02-00-%02X-%02X-%02X-%02X" % ((i >> 24) & 0xff, (i >> 16) & 0xff,
                                          (i >> 8) & 0xff, i & 0xff)


class Bench:
    """nginx (front and vendor) and one Falconieri at a time."""

    def __init__(self, build):
        self.build = os.path.abspath(build)
        self.dir = tempfile.mkdtemp(prefix="falconieri-bench-batch-")
        self.port = {n: base.free_port() for n in ("front", "fcgi", "vendor")}
        self.nginx = None
        self.fal = None
        self.n = 0

    def nginx_conf(self):
        with open(os.path.join(base.ROOT, "nginx", "falconieri.conf")) as f:
            front = f.read()
        for old, new in (("listen 127.0.0.1:8080;",
                          "listen 127.0.0.1:%d;" % self.port["front"]),
                         ("server 127.0.0.1:9000;",
                          "server 127.0.0.1:%d;" % self.port["fcgi"])):
            front = front.replace(old, new)
        with open(os.path.join(self.dir, "front.conf"), "w") as f:
            f.write(front)
        d = self.dir
        lines = ["load_module %s;" % base.ECHO_MODULE]
        if os.getuid() == 0:
            lines.append("user root;")
        lines += ["daemon off;", "master_process on;", "worker_processes 2;",
                  "pid %s/nginx.pid;" % d, "error_log %s/error.log;" % d,
                  "events { worker_connections 4096; }", "http {",
                  "    access_log off;"]
        for t in ("client_body", "fastcgi", "proxy", "uwsgi", "scgi"):
            lines.append("    %s_temp_path %s/%s;" % (t, d, t))
        lines += [
            "    include %s/front.conf;" % d,
            "    server {",
            "        listen 127.0.0.1:%d backlog=4096;" % self.port["vendor"],
            "        keepalive_requests 100000000;",
            "        default_type text/xml;",
            "        location = /rpc { return 200 '%s'; }" % base.XMLRPC_OK,
            "        location = /slow { echo_sleep %.3f; echo -n '%s'; }"
            % (PACE_S, base.XMLRPC_OK),
            "    }", "}"]
        path = os.path.join(d, "nginx.conf")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def start_nginx(self):
        log = open(os.path.join(self.dir, "nginx.log"), "w")
        self.nginx = subprocess.Popen(
            ["nginx", "-p", self.dir, "-c", self.nginx_conf(), "-e",
             self.dir + "/error.log"], stdin=subprocess.DEVNULL, stdout=log,
            stderr=log)
        for p in ("front", "vendor"):
            base.wait_port(self.port[p], self.nginx, "nginx")

    def start_falconieri(self, location):
        """A Falconieri with a fresh store, calling the vendor at location."""
        self.stop_falconieri()
        self.n += 1
        conf = os.path.join(self.dir, "conf-%d.json" % self.n)
        with open(conf, "w") as f:
            json.dump({"providers": {"snom": {
                "user": "bench", "password": "bench",
                "rpc_url": "http://127.0.0.1:%d%s" % (self.port["vendor"],
                                                      location)}},
                "batch_store": "sqlite:%s/b-%d.db" % (self.dir, self.n),
                "batch_workers": PER_VENDOR,
                "batch_per_vendor": PER_VENDOR}, f)
        log = open(os.path.join(self.dir, "falconieri-%d.log" % self.n), "w")
        self.fal = subprocess.Popen(
            [os.path.join(self.build, "falconieri"), "-c", conf, "--listen",
             "127.0.0.1:%d" % self.port["fcgi"]], stdin=subprocess.DEVNULL,
            stdout=log, stderr=log, env={"PATH": os.environ["PATH"]})
        base.wait_port(self.port["fcgi"], self.fal, "falconieri")

    def stop_falconieri(self):
        if self.fal is not None and self.fal.poll() is None:
            self.fal.send_signal(signal.SIGTERM)
            self.fal.wait(30)
        self.fal = None

    def stop(self):
        self.stop_falconieri()
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)
            self.nginx.wait(20)
        shutil.rmtree(self.dir, ignore_errors=True)

    def post(self, body, ctype, query=""):
        """(seconds until the answer, status, batch id)."""
        t0 = time.monotonic()
        c = base.http.client.HTTPConnection("127.0.0.1", self.port["front"],
                                            timeout=60)
        try:
            c.request("POST", "/batches" + query, body=body,
                      headers={"Content-Type": ctype})
            r = c.getresponse()
            text = r.read().decode()
        finally:
            c.close()
        took = time.monotonic() - t0
        if r.status != 202:
            sys.exit("bench: POST /batches: %d %s" % (r.status, text[:300]))
        return took, json.loads(text)["id"]

    def wait_done(self, bid, sample=None):
        """Seconds until bid is done, polling every 50 ms."""
        t0 = time.monotonic()
        while True:
            st, text = base.request(self.port["front"], "GET",
                                    "/batches/" + bid)
            js = json.loads(text) if st == 200 else {}
            if sample is not None:
                sample()
            if js.get("state") == "done":
                if js.get("succeeded") != js.get("total"):
                    sys.exit("bench: batch %s: %r" % (bid, js))
                return time.monotonic() - t0
            time.sleep(0.05)

    def json_batch(self, n):
        return json.dumps({"action": "register", "devices": [
            {"provider": "snom", "mac": mac(i), "url": URL}
            for i in range(1, n + 1)]})

    def batch_rate(self, n):
        """Devices per second of one n-device batch, POST to done."""
        body = self.json_batch(n)
        t0 = time.monotonic()
        _, bid = self.post(body, "application/json")
        self.wait_done(bid)
        return n / (time.monotonic() - t0)

    def wrk_rate(self):
        """Single PUTs per second over PER_VENDOR connections (wrk)."""
        out = subprocess.run(
            ["wrk", "-t2", "-c%d" % PER_VENDOR, "-d5s", "-s",
             os.path.join(base.ROOT, "bench", "put.lua"),
             "http://127.0.0.1:%d/providers/snom/%s" % (self.port["front"],
                                                        base.GOOD_MAC),
             "--", base.BODY], capture_output=True, text=True)
        line = [x for x in out.stdout.splitlines() if x.startswith("BENCH ")]
        if not line:
            sys.exit("bench: wrk said:\n" + out.stdout + out.stderr)
        js = json.loads(line[0][6:])
        if js["status"] or js["connect"] or js["read"] or js["timeout"]:
            sys.exit("bench: wrk errors: %r" % js)
        return js["requests"] / (js["duration_us"] / 1e6), js

    def memory(self, n):
        """(RSS growth KiB, POST seconds, run seconds) of an n-device CSV."""
        lines = ["provider,mac,url"] + ["snom,%s,%s" % (mac(i), URL)
                                        for i in range(1, n + 1)]
        body = ("\r\n".join(lines) + "\r\n").encode()
        pid = self.fal.pid
        before = base.status_kib(pid, "VmRSS")
        peak = [before]

        def sample():
            peak[0] = max(peak[0], base.status_kib(pid, "VmRSS"))
        took, bid = self.post(body, "text/csv", "?action=register")
        sample()
        ran = self.wait_done(bid, sample)
        return peak[0] - before, took, ran


def verdict(ok):
    return "PASS" if ok else "FAIL"


def wanted(figure):
    return not ONLY or figure in ONLY


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    b = Bench(build)
    lines = []
    try:
        b.start_nginx()
        if wanted("store"):
            b.start_falconieri("/rpc")
            single, wrk = b.wrk_rate()
            fast = b.batch_rate(DEVICES)
            lines.append(
                "  store overhead: %d devices at %.0f/s; single PUTs over %d "
                "connections %.0f/s (p50 %.1f ms, p99 %.1f ms): ratio %.2f "
                "(target >= 0.8) %s" % (
                    DEVICES, fast, PER_VENDOR, single, wrk["p50_us"] / 1000,
                    wrk["p99_us"] / 1000, fast / single,
                    verdict(fast / single >= 0.8)))
        if wanted("paced"):
            b.start_falconieri("/slow")
            paced = b.batch_rate(DEVICES)
            bound = PER_VENDOR / PACE_S
            lines.append(
                "  paced vendor:   %d devices at %.1f/s against a %d ms "
                "vendor, bound %.0f/s: ratio %.2f (target >= 0.9) %s" % (
                    DEVICES, paced, PACE_S * 1000, bound, paced / bound,
                    verdict(paced / bound >= 0.9)))
        if wanted("memory"):
            b.start_falconieri("/rpc")
            grew, post_s, run_s = b.memory(MEMORY_DEVICES)
            lines.append(
                "  memory:         %d-device CSV batch: RSS grew %.1f MiB "
                "(target <= 32), POST answered in %.2f s (target <= 2), ran "
                "in %.0f s %s" % (MEMORY_DEVICES, grew / 1024, post_s, run_s,
                                  verdict(grew / 1024 <= 32 and post_s <= 2)))
    finally:
        b.stop()
    print("Batch benchmark (%s, %d CPUs, %s)" % (
        platform.node(), os.cpu_count(), platform.processor() or
        platform.machine()))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
