#!/usr/bin/env python3
"""The benchmark of docs/performance.md (`make bench`).

Starts, on 127.0.0.1 and free ports, one nginx with:
  - copies of nginx/falconieri.conf (ports and upstream name changed, the
    shipped keepalive and fastcgi_keep_conn kept) in front of two
    Falconieri with default flags (one calling the static vendor, one the
    slow vendor), the no-op reference bench/noop, and two copies of
    build/noop-call (bench/noop.c making only the vendor call: static and
    slow vendor), the references having a thread for every connection;
  - a server answering `return 400` itself (for information);
  - the vendor: a static XML-RPC success answer, and the same after
    200 ms (echo_sleep) for the slow runs.
Then drives them with wrk (bench/put.lua) and, for the burst, with 200
threads of this script, interleaving the runs of Falconieri and of its
reference (A B A B) so drift of the machine cancels, and prints one
Markdown table plus the wrk command lines.

usage: bench/run.py [BUILD]   (BUILD holds falconieri, noop and noop-call)
environment:
  BENCH_SECONDS  length of each run (default 5; the slow run twice as long)
  BENCH_ROUNDS   A B rounds per scenario (default 2)
  BENCH_THREADS  wrk threads (default 2)
  BENCH_PNG      when set, gnuplot draws the chart into this file
  BENCH_FALCONIERI  another falconieri binary to measure (a variant)
  BENCH_KEEPALIVE   another upstream keepalive than the shipped one
  BENCH_KEEP     when set, the work directory (logs, data) is kept; it is
                 kept anyway when the benchmark fails
"""

import http.client
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")

SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
NGINX_WORKERS = 2
SUCCESS_CLIENTS = (8, 64, 256)
SLOW_CLIENTS = 512
SLOW_DELAY = 0.2
BURST = 200
BURST_WITHIN = 1.0
# The references: a thread per connection nginx can open, all started.
REF_WORKERS = 1024

GOOD_MAC = "AC-DE-48-23-45-67"
BAD_MAC = "ZZ-DE-48-23-45-67"
BODY = '{"url":"https://pbx.example.com/provisioning/"}'
ECHO_MODULE = "/usr/lib/nginx/modules/ngx_http_echo_module.so"

# The vendor's answer: [true, ""], as Snom's redirect service gives it.
XMLRPC_OK = ('<?xml version="1.0"?><methodResponse><params><param><value>'
             '<array><data><value><boolean>1</boolean></value><value>'
             '<string></string></value></data></array></value></param>'
             '</params></methodResponse>')


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


def wait_port(port, proc, what, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            sys.exit("bench: %s exited (status %s)" % (what, proc.returncode))
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit("bench: %s does not listen on %d" % (what, port))


def request(port, method, path, body=None, timeout=10):
    """(status, body) of one request to 127.0.0.1:port."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request(method, path, body=body,
                  headers={"Content-Type": "application/json"})
        r = c.getresponse()
        return r.status, r.read().decode("utf-8", "replace")
    finally:
        c.close()


def status_kib(pid, field):
    """A size field of /proc/PID/status (VmRSS, RssAnon, Threads...)."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def cpu_seconds(pid):
    """User plus system CPU time pid has used so far."""
    if pid is None:
        return 0.0
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds(pid):
    """CPU time of pid's children (nginx's workers) so far."""
    with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
        return sum(cpu_seconds(int(c)) for c in f.read().split())


# The FastCGI servers: name -> (vendor location, or None for the no-op).
SERVERS = {"fal": "/rpc", "falslow": "/slow", "noop": None,
           "call": "/ref", "callslow": "/slowref"}


class Stack:
    """nginx, two Falconieri, the three references; everything under
    self.dir."""

    def __init__(self, build):
        self.build = os.path.abspath(build)
        self.falconieri = os.environ.get("BENCH_FALCONIERI",
                                         os.path.join(self.build, "falconieri"))
        for exe in (self.falconieri, os.path.join(self.build, "noop"),
                    os.path.join(self.build, "noop-call")):
            if not os.access(exe, os.X_OK):
                sys.exit("bench: no %s (make bench builds it)" % exe)
        if not os.path.exists(ECHO_MODULE):
            sys.exit("bench: no %s (Debian package libnginx-mod-http-echo; "
                     "make bench installs it)" % ECHO_MODULE)
        self.dir = tempfile.mkdtemp(prefix="falconieri-bench-")
        self.procs = []
        self.proc = {}
        names = list(SERVERS) + ["fcgi_" + n for n in SERVERS]
        self.port = {n: free_port() for n in names + ["static", "vendor"]}

    def conf_copy(self, name, listen, fcgi):
        """nginx/falconieri.conf for upstream name on the given ports."""
        with open(os.path.join(ROOT, "nginx", "falconieri.conf")) as f:
            text = f.read()
        for old, new in (("upstream falconieri {", "upstream %s {" % name),
                         ("fastcgi_pass falconieri;", "fastcgi_pass %s;" % name),
                         ("listen 127.0.0.1:8080;", "listen 127.0.0.1:%d;" % listen),
                         ("server 127.0.0.1:9000;", "server 127.0.0.1:%d;" % fcgi)):
            # Several locations pass to Falconieri (the page's fallback,
            # /batches): each is renamed; the rest must be there once.
            n = text.count(old)
            if n == 0 or (n > 1 and not old.startswith("fastcgi_pass")):
                sys.exit("bench: nginx/falconieri.conf: expected '%s' once"
                         % old)
            text = text.replace(old, new)
        keepalive = os.environ.get("BENCH_KEEPALIVE")
        if keepalive:
            text = re.sub(r"keepalive \d+;", "keepalive %d;" % int(keepalive),
                          text)
        path = os.path.join(self.dir, "upstream-%s.conf" % name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def nginx_conf(self):
        p, d = self.port, self.dir
        lines = ["load_module %s;" % ECHO_MODULE]
        if os.getuid() == 0:
            lines.append("user root;")
        lines += [
            "daemon off;", "master_process on;",
            "worker_processes %d;" % NGINX_WORKERS,
            "worker_rlimit_nofile 20000;",
            "pid %s/nginx.pid;" % d, "error_log %s/error.log;" % d,
            "events { worker_connections 8192; }",
            "http {",
            "    access_log off;",
        ]
        for t in ("client_body", "fastcgi", "proxy", "uwsgi", "scgi"):
            lines.append("    %s_temp_path %s/%s;" % (t, d, t))
        lines += ["    include %s;" % self.conf_copy(n, p[n], p["fcgi_" + n])
                  for n in SERVERS]
        slow = ("{ echo_sleep %.3f; echo -n '%s'; }"
                % (SLOW_DELAY, XMLRPC_OK))
        lines += [
            "    log_format vendor '$msec $request_time $connection "
            "$connection_requests $uri';",
            "    server {",
            "        listen 127.0.0.1:%d;" % p["static"],
            "        location / {",
            "            default_type application/json;",
            "            return 400 '{\"error\":\"malformed_mac_address\"}';",
            "        }",
            "    }",
            # The vendor never closes a kept connection itself, so the
            # count of connections is the callers' reuse alone.
            "    server {",
            "        listen 127.0.0.1:%d backlog=4096;" % p["vendor"],
            "        keepalive_requests 100000000;",
            "        keepalive_timeout 600s;",
            "        access_log %s/vendor.log vendor buffer=64k flush=1s;" % d,
            "        default_type text/xml;",
            "        location = /rpc { return 200 '%s'; }" % XMLRPC_OK,
            # The same, for the references: their calls stay apart.
            "        location = /ref { return 200 '%s'; }" % XMLRPC_OK,
            "        location = /slow %s" % slow,
            "        location = /slowref %s" % slow,
            "    }",
            "}",
        ]
        path = os.path.join(d, "nginx.conf")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def falconieri_conf(self, name, location):
        path = os.path.join(self.dir, "%s.json" % name)
        with open(path, "w") as f:
            json.dump({"providers": {"snom": {
                "user": "bench", "password": "bench",
                "rpc_url": "http://127.0.0.1:%d%s" % (self.port["vendor"],
                                                      location)}}}, f)
        return path

    def spawn(self, name, argv):
        log = open(os.path.join(self.dir, name + ".log"), "w")
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=log, env={"PATH": os.environ["PATH"]})
        log.close()
        self.procs.append((name, proc))
        self.proc[name] = proc
        return proc

    def argv(self, name):
        """The command line of FastCGI server name: Falconieri with
        default flags, the references with a thread per connection."""
        listen = "127.0.0.1:%d" % self.port["fcgi_" + name]
        where = SERVERS[name]
        if name.startswith("fal"):
            return [self.falconieri, "-c", self.falconieri_conf(name, where),
                    "--listen", listen]
        argv = [os.path.join(self.build, "noop" if where is None
                             else "noop-call"),
                "--listen", listen, "--workers", str(REF_WORKERS)]
        if where is not None:
            argv += ["--call", "http://127.0.0.1:%d%s"
                     % (self.port["vendor"], where)]
        return argv

    def start(self):
        conf = self.nginx_conf()
        for name in SERVERS:
            self.spawn(name, self.argv(name))
        self.nginx = self.spawn("nginx", [
            "nginx", "-p", self.dir, "-c", conf, "-e", self.dir + "/error.log"])
        for name in SERVERS:
            wait_port(self.port["fcgi_" + name], self.proc[name], name)
        for name in list(SERVERS) + ["vendor", "static"]:
            wait_port(self.port[name], self.nginx, "nginx")

    def pid(self, name):
        return self.proc[name].pid

    def stop(self):
        """Ends our processes; nginx with QUIT, which flushes its logs."""
        for name, proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGQUIT if name == "nginx"
                                 else signal.SIGTERM)
        for name, proc in self.procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs = []

    def vendor_log(self):
        """[(start, end, connection, connection_requests, uri)]."""
        out = []
        path = os.path.join(self.dir, "vendor.log")
        if not os.path.exists(path):
            return out
        with open(path) as f:
            for line in f:
                msec, rt, conn, nreq, uri = line.split()
                end = float(msec)
                out.append((end - float(rt), end, int(conn), int(nreq), uri))
        return out


def check(stack):
    """Each target answers what its run assumes, or the bench stops."""
    want = [
        ("static", BAD_MAC, 400, "malformed_mac_address"),
        ("noop", BAD_MAC, 400, "malformed_mac_address"),
        ("fal", BAD_MAC, 400, "malformed_mac_address"),
        ("fal", GOOD_MAC, 200, ""),
        ("falslow", GOOD_MAC, 200, ""),
        ("call", GOOD_MAC, 200, ""),
        ("callslow", GOOD_MAC, 200, ""),
    ]
    for name, mac, status, text in want:
        got, body = request(stack.port[name], "PUT", "/providers/snom/" + mac,
                            BODY)
        if got != status or text not in body:
            sys.exit("bench: %s PUT %s: got %d %r, want %d" %
                     (name, mac, got, body, status))


class Runner:
    """Runs wrk and the bursts, and keeps every run's figures, command
    line and the servers' memory after it."""

    def __init__(self, stack):
        self.stack = stack
        self.runs = []        # dicts: key, rps, p50_us, p99_us, start, end
        self.commands = {}    # key -> wrk command line
        self.mem = {}         # key -> (VmRSS KiB, threads) of its server

    def sample(self, key, name):
        pid = self.stack.pid(name)
        self.mem[key] = (status_kib(pid, "VmRSS"), status_kib(pid, "Threads"))

    def wrk(self, key, name, mac, clients, seconds, keep=True):
        """One wrk run of server name, every answer expected 200 (the
        good MAC) or 400 (the bad one)."""
        stack = self.stack
        url = "http://127.0.0.1:%d/providers/snom/%s" % (stack.port[name],
                                                          mac)
        argv = ["wrk", "-t%d" % min(THREADS, clients), "-c%d" % clients,
                "-d%ds" % seconds, "--timeout", "5s",
                "-s", os.path.join(BENCH, "put.lua"), url, "--", BODY]
        pid = stack.pid(name) if name != "static" else None
        start, cpu = time.time(), cpu_seconds(pid)
        ngx = children_cpu_seconds(stack.nginx.pid)
        out = subprocess.run(argv, capture_output=True, text=True)
        end, cpu = time.time(), cpu_seconds(pid) - cpu
        ngx = children_cpu_seconds(stack.nginx.pid) - ngx
        line = [l for l in out.stdout.splitlines() if l.startswith("BENCH ")]
        if out.returncode != 0 or not line:
            sys.exit("bench: wrk failed:\n%s%s" % (out.stdout, out.stderr))
        r = json.loads(line[0][6:])
        errors = r["connect"] + r["read"] + r["write"] + r["timeout"]
        bad = r["status"] if mac == GOOD_MAC else r["requests"] - r["status"]
        if mac == GOOD_MAC and name == "noop":
            bad = r["requests"] - r["status"]  # it answers 400 to all
        if errors or bad:
            sys.exit("bench: %s: %d socket errors, %d unexpected statuses\n%s"
                     % (key, errors, bad, out.stdout))
        if not keep:
            return
        r.update(key=key, start=start, end=end,
                 rps=r["requests"] * 1e6 / r["duration_us"],
                 cpu_us=cpu * 1e6 / r["requests"] if pid else None,
                 nginx_us=ngx * 1e6 / r["requests"])
        self.runs.append(r)
        if pid:
            self.sample(key, name)
        self.commands[key] = " ".join(
            a if a != BODY else "'%s'" % a for a in argv).replace(
            BENCH + "/", "bench/")

    def alternate(self, pairs, clients, seconds):
        """Runs each (key, server, mac) of pairs in turn, after a
        one-second warm-up each, ROUNDS times: A B A B.  Returns the time
        span of it all, warm-up included."""
        start = time.time()
        for key, name, mac in pairs:
            self.wrk(key, name, mac, clients, 1, keep=False)
        for _ in range(ROUNDS):
            for key, name, mac in pairs:
                self.wrk(key, name, mac, clients, seconds)
        return start, time.time()

    def burst(self, key, name, base):
        """BURST PUTs at once (each on its own connection, distinct MACs),
        released together: the statuses and, in seconds from the release,
        when the last answer came."""
        port = self.stack.port[name]
        out = [None] * BURST
        go = threading.Barrier(BURST + 1)

        def one(i):
            mac = "02-00-00-%02X-%02X-%02X" % (base, i // 256, i % 256)
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                c.connect()
                go.wait()
                c.request("PUT", "/providers/snom/" + mac, body=BODY,
                          headers={"Content-Type": "application/json"})
                r = c.getresponse()
                r.read()
                out[i] = (r.status, time.monotonic())
            except Exception as e:  # noqa: BLE001 - counted as a failure
                out[i] = (repr(e), time.monotonic())
            finally:
                c.close()
        threads = [threading.Thread(target=one, args=(i,))
                   for i in range(BURST)]
        for t in threads:
            t.start()
        go.wait()
        t0 = time.monotonic()
        for t in threads:
            t.join(60)
        ok = sum(1 for o in out if o is not None and o[0] == 200)
        times = sorted(o[1] - t0 for o in out if o is not None)
        self.runs.append({"key": key, "ok": ok, "last": times[-1],
                          "p50": percentile(times, 0.5),
                          "p99": percentile(times, 0.99)})
        self.sample(key, name)

    def figures(self, key):
        """Mean req/s, p50 and p99 in ms, CPU µs per request of the FastCGI
        server (None for nginx alone) and of nginx (the vendor included)
        over the runs of key."""
        rs = [r for r in self.runs if r["key"] == key]
        n = len(rs)
        cpu = [r["cpu_us"] for r in rs if r["cpu_us"] is not None]
        return (sum(r["rps"] for r in rs) / n,
                sum(r["p50_us"] for r in rs) / n / 1000,
                sum(r["p99_us"] for r in rs) / n / 1000,
                sum(cpu) / len(cpu) if cpu else None,
                sum(r["nginx_us"] for r in rs) / n)

    def bursts(self, key):
        """(fewest 200 answers, latest last answer in s, and the p50 and
        p99 of the answers in s of the burst that ended last) over the
        bursts of key."""
        rs = [r for r in self.runs if r["key"] == key]
        worst = max(rs, key=lambda r: r["last"])
        return (min(r["ok"] for r in rs), worst["last"], worst["p50"],
                worst["p99"])


def percentile(values, q):
    """The q-quantile (0 < q <= 1) of sorted values: the smallest value
    with at least q of them at or below it."""
    return values[max(0, math.ceil(len(values) * q) - 1)]


def peak_concurrency(calls):
    """Most vendor calls in progress at one instant.  nginx logs times to
    the millisecond: each call is shortened by 1 ms so that calls which
    merely touch are not counted as overlapping."""
    events = sorted([(s + 0.001, 1) for s, *_ in calls] +
                    [(e, -1) for _, e, *_ in calls])
    cur = peak = 0
    for _, d in events:
        cur += d
        peak = max(peak, cur)
    return peak


def run_all(stack):
    """Every run; returns the Runner and the span of the 8-client success
    run (warm-up included)."""
    run = Runner(stack)
    # First, while Falconieri has started no more threads than it needs
    # for the checks: the burst of a PBX re-provisioning a site.
    for i in range(ROUNDS):
        run.burst("burst_fal", "falslow", 2 * i)
        run.burst("burst_call", "callslow", 2 * i + 1)
    run.alternate([("static", "static", BAD_MAC)], 8, SECONDS)
    run.alternate([("val_fal", "fal", BAD_MAC),
                   ("val_noop", "noop", BAD_MAC)], 8, SECONDS)
    span = None
    for clients in SUCCESS_CLIENTS:
        pairs = [("ok_fal_%d" % clients, "fal", GOOD_MAC),
                 ("ok_call_%d" % clients, "call", GOOD_MAC)]
        if clients == SUCCESS_CLIENTS[0]:
            pairs.insert(1, ("ok_noop", "noop", GOOD_MAC))
        s = run.alternate(pairs, clients, SECONDS)
        span = span or s
    # A run counts only the calls it saw end: up to one 200 ms call per
    # client is lost at its end, 2 % of a 10 s run.
    run.alternate([("slow_fal", "falslow", GOOD_MAC),
                   ("slow_call", "callslow", GOOD_MAC)],
                  SLOW_CLIENTS, 2 * SECONDS)
    return run, span


def vendor_figures(stack, span):
    """(connections Falconieri opened to the vendor during the 8-client
    success run, warm-up included, connections it used then, peak
    concurrent slow calls of Falconieri)."""
    calls = stack.vendor_log()
    s2, e2 = span
    run2 = [c for c in calls if c[4] == "/rpc" and s2 <= c[0] <= e2]
    opened = sum(1 for c in run2 if c[3] == 1)
    used = len(set(c[2] for c in run2))
    slow = [c for c in calls if c[4] == "/slow"]
    return opened, used, peak_concurrency(slow)


def mem_text(run, key, ref):
    """Falconieri's RSS and threads after run key, and the reference's
    after its run ref."""
    (rss, thr), (rrss, rthr) = run.mem[key], run.mem[ref]
    return "RSS %.1f MiB, %d threads (reference: %.1f MiB, %d threads)" % (
        rss / 1024, thr, rrss / 1024, rthr)


def table(run, opened, used, peak):
    val, val_ref = run.figures("val_fal"), run.figures("val_noop")
    ok_ref = run.figures("ok_noop")
    static = run.figures("static")
    bound = SLOW_CLIENTS / SLOW_DELAY

    def row(n, what, fig, measure, target):
        cpu = "%.1f" % fig[3] if fig[3] is not None else "–"
        return "| %s | %s | %.0f | %.2f | %.2f | %s | %.1f | %s | %s |" % (
            n, what, fig[0], fig[1], fig[2], cpu, fig[4], measure, target)

    bok, blast = run.bursts("burst_fal")[:2]
    rok, rlast = run.bursts("burst_call")[:2]
    out = [
        "| run | scenario | req/s | p50 ms | p99 ms | FastCGI CPU µs/req "
        "| nginx CPU µs/req | measure | target |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
        "| 1 | burst: %d PUTs at once, vendor %d ms, Falconieri (fresh "
        "process first) | | | | | | **%d/%d** answered 200, the last after "
        "**%.2f s**; the call-only reference: %d/%d, %.2f s (%.2f of it); "
        "%s | all 200, last ≤ %.0f s |"
        % (BURST, SLOW_DELAY * 1000, bok, BURST, blast, rok, BURST, rlast,
           blast / rlast, mem_text(run, "burst_fal", "burst_call"),
           BURST_WITHIN),
        row(0, "nginx `return 400` itself (information)", static,
            "%.2f of it is the no-op reference" % (val_ref[0] / static[0]), ""),
        row(2, "validation (malformed MAC): no-op reference", val_ref, "", ""),
        row(2, "validation (malformed MAC): Falconieri", val,
            "**%.2f** of the reference" % (val[0] / val_ref[0]), "≥ 0.8"),
        row(3, "success, 8 clients: no-op reference (information)", ok_ref,
            "", ""),
    ]
    for clients in SUCCESS_CLIENTS:
        ok = run.figures("ok_fal_%d" % clients)
        call = run.figures("ok_call_%d" % clients)
        out.append(row(3, "success (Snom, static vendor), %d clients: the "
                       "call-only reference" % clients, call, "", ""))
        extra = ""
        if clients == SUCCESS_CLIENTS[0]:
            extra = "; %.2f of the no-op reference (target ≥ 0.5)" % (
                ok[0] / ok_ref[0])
        out.append(row(
            3, "success (Snom, static vendor), %d clients: Falconieri"
            % clients, ok, "**%.2f** of the reference; p99 **%.1f** × p50%s; "
            "%s" % (ok[0] / call[0], ok[2] / ok[1], extra,
                    mem_text(run, "ok_fal_%d" % clients,
                             "ok_call_%d" % clients)),
            "≥ 0.9; p99 ≤ 10 × p50"))
    slow, slow_call = run.figures("slow_fal"), run.figures("slow_call")
    out += [
        row(4, "slow vendor (200 ms), %d clients: the call-only reference"
            % SLOW_CLIENTS, slow_call, "%.2f of %.0f/s" % (
                slow_call[0] / bound, bound), ""),
        row(4, "slow vendor (200 ms), %d clients: Falconieri"
            % SLOW_CLIENTS, slow,
            "**%.2f** of %.0f/s; peak %d vendor calls at once; %s"
            % (slow[0] / bound, bound, peak,
               mem_text(run, "slow_fal", "slow_call")), "≥ 0.9"),
        "| 5 | vendor TCP connections opened during run 3 (8 clients) | | "
        "| | | | **%d** (%d used) | one per worker thread |" % (opened, used),
    ]
    return "\n".join(out)


def rss_text(run, key, ref):
    """Falconieri's RSS after run key / the reference's after run ref."""
    return "%.1f / %.1f" % (run.mem[key][0] / 1024, run.mem[ref][0] / 1024)


def verdicts(run):
    """The issue's figures, each against its target: a list of Markdown
    table rows and the number that fail."""
    rows, failed = [], 0

    def add(figure, measure, ratio, p50, p99, rss, target, ok):
        nonlocal failed
        failed += not ok
        rows.append("| %s | %s | %s | %.2f | %.2f | %s | %s | **%s** |" % (
            figure, measure, ratio, p50, p99, rss, target,
            "PASS" if ok else "FAIL"))
    bok, blast, b50, b99 = run.bursts("burst_fal")
    rlast = run.bursts("burst_call")[1]
    add("burst: %d PUTs at once, vendor %d ms" % (BURST, SLOW_DELAY * 1000),
        "%d/%d answered 200, the last after %.2f s (reference %.2f s)"
        % (bok, BURST, blast, rlast), "%.2f s of %.0f s" % (blast,
                                                             BURST_WITHIN),
        b50 * 1000, b99 * 1000, rss_text(run, "burst_fal", "burst_call"),
        "all 200, last ≤ %.0f s" % BURST_WITHIN,
        bok == BURST and blast <= BURST_WITHIN)
    val, val_ref = run.figures("val_fal"), run.figures("val_noop")
    add("validation, 8 clients", "%.0f req/s (no-op reference %.0f)"
        % (val[0], val_ref[0]), "%.2f" % (val[0] / val_ref[0]), val[1],
        val[2], rss_text(run, "val_fal", "val_noop"), "≥ 0.8 of the no-op",
        val[0] >= 0.8 * val_ref[0])
    for clients in SUCCESS_CLIENTS:
        ok = run.figures("ok_fal_%d" % clients)
        call = run.figures("ok_call_%d" % clients)
        rss = rss_text(run, "ok_fal_%d" % clients, "ok_call_%d" % clients)
        add("success, %d clients: throughput" % clients,
            "%.0f req/s (call reference %.0f)" % (ok[0], call[0]),
            "%.2f" % (ok[0] / call[0]), ok[1], ok[2], rss,
            "≥ 0.9 of the call reference", ok[0] >= 0.9 * call[0])
        add("success, %d clients: tail" % clients,
            "p99 %.1f × p50 (call reference %.1f ×)" % (ok[2] / ok[1],
                                                        call[2] / call[1]),
            "%.1f" % (ok[2] / ok[1]), ok[1], ok[2], rss, "p99 ≤ 10 × p50",
            ok[2] <= 10 * ok[1])
    slow, slow_call = run.figures("slow_fal"), run.figures("slow_call")
    bound = SLOW_CLIENTS / SLOW_DELAY
    add("slow vendor (%d ms), %d clients" % (SLOW_DELAY * 1000, SLOW_CLIENTS),
        "%.0f req/s (call reference %.0f, %.2f of the bound)"
        % (slow[0], slow_call[0], slow_call[0] / bound),
        "%.2f of %.0f/s" % (slow[0] / bound, bound), slow[1], slow[2],
        rss_text(run, "slow_fal", "slow_call"), "≥ 0.9 of the bound",
        slow[0] >= 0.9 * bound)
    head = ["| figure | Falconieri | ratio | p50 ms | p99 ms | RSS MiB "
            "(Falconieri / reference) | target | verdict |",
            "| --- | --- | ---: | ---: | ---: | ---: | --- | --- |"]
    return head + rows, failed


def write_data(path, run):
    """The chart's data: one line per scenario and server."""
    rows = [("0 nginx", "return 400", "static", 3),
            ("2 validation", "no-op", "val_noop", 2),
            ("2 validation", "Falconieri", "val_fal", 1)]
    for c in SUCCESS_CLIENTS:
        rows += [("3 success %d" % c, "call only", "ok_call_%d" % c, 4),
                 ("3 success %d" % c, "Falconieri", "ok_fal_%d" % c, 1)]
    rows += [("4 slow %d" % SLOW_CLIENTS, "call only", "slow_call", 4),
             ("4 slow %d" % SLOW_CLIENTS, "Falconieri", "slow_fal", 1)]
    with open(path, "w") as f:
        f.write("# scenario\tserver\treq/s\tp50_ms\tp99_ms\tcolour\n")
        for scenario, server, key, colour in rows:
            rps, p50, p99 = run.figures(key)[:3]
            f.write('"%s"\t"%s"\t%.1f\t%.3f\t%.3f\t%d\n'
                    % (scenario, server, rps, p50, p99, colour))


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    if shutil.which("wrk") is None:
        sys.exit("bench: wrk is missing (make bench installs it)")
    stack = Stack(build)
    try:
        stack.start()
        check(stack)
        run, span = run_all(stack)
    except SystemExit:
        print("bench: logs kept in %s" % stack.dir, file=sys.stderr)
        raise
    finally:
        stack.stop()
    opened, used, peak = vendor_figures(stack, span)
    print(table(run, opened, used, peak))
    print()
    rows, failed = verdicts(run)
    print("\n".join(rows))
    print()
    print("bench: %d of %d figures PASS, %d FAIL" % (
        len(rows) - 2 - failed, len(rows) - 2, failed))
    print()
    print("nginx: %d worker processes, the shipped upstream settings "
          "(keepalive, fastcgi_keep_conn on) in front of every FastCGI "
          "server; Falconieri with default flags, the references with %d "
          "threads; each figure is the mean of %d runs of %d s (run 4: "
          "%d s), A B A B, the bursts the worst of %d."
          % (NGINX_WORKERS, REF_WORKERS, ROUNDS, SECONDS, 2 * SECONDS,
             ROUNDS))
    print()
    for key in sorted(run.commands):
        print("    %-12s  %s" % (key, run.commands[key]))
    data = os.path.join(stack.dir, "results.tsv")
    write_data(data, run)
    png = os.environ.get("BENCH_PNG")
    if png:
        subprocess.run(["gnuplot", "-e", "data='%s'; out='%s'" % (data, png),
                        os.path.join(BENCH, "chart.gp")], check=True)
        print("\nchart: %s" % png)
    if os.environ.get("BENCH_KEEP"):
        print("work directory: %s" % stack.dir)
    else:
        shutil.rmtree(stack.dir, ignore_errors=True)


if __name__ == "__main__":
    main()
