#!/usr/bin/env python3
"""The benchmark of docs/performance.md (`make bench`).

Starts, on 127.0.0.1 and free ports, one nginx with:
  - two copies of nginx/falconieri.conf (ports and upstream name changed)
    in front of Falconieri --workers 16 and Falconieri --workers 64,
  - a third copy in front of bench/noop (the no-op reference), so the
    reference sits behind exactly the shipped settings, and a fourth in
    front of build/noop-call (bench/noop.c making only the vendor call),
    the ceiling of the success path,
  - a server answering `return 400` itself (for information),
  - the vendor: a static XML-RPC success answer, and the same after
    200 ms (echo_sleep) for the slow-vendor run.
Then drives them with wrk (bench/put.lua), interleaving the runs of
Falconieri and of the references (A B A B) so drift of the machine cancels,
and prints one Markdown table plus the wrk command lines.  Runs: 0 nginx
alone, 1 validation path, 2 success path, 3 slow vendor, 4 memory and
vendor connections, 5 overload (twice as many clients as workers).

usage: bench/run.py [BUILD]   (BUILD holds falconieri, noop and noop-call)
environment:
  BENCH_SECONDS  length of each run (default 5; run 3 twice as long)
  BENCH_ROUNDS   A B rounds per scenario (default 2)
  BENCH_CLIENTS  wrk connections of runs 0-2 (default 8: the shipped
                 upstream keepalive; run 5 shows what more clients do)
  BENCH_THREADS  wrk threads (default 2)
  BENCH_PNG      when set, gnuplot draws the chart into this file
  BENCH_FALCONIERI  another falconieri binary to measure (a variant)
  BENCH_KEEPALIVE   another upstream keepalive than the shipped one
  BENCH_KEEP     when set, the work directory (logs, data) is kept; it is
                 kept anyway when the benchmark fails
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")

SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
NGINX_WORKERS = 2
SLOW_CLIENTS = 64
SLOW_WORKERS = 64
SLOW_DELAY = 0.2
FAST_WORKERS = 16
OVERLOAD_CLIENTS = 2 * FAST_WORKERS

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


def request(port, method, path, body=None):
    """(status, body) of one request to 127.0.0.1:port."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request(method, path, body=body,
                  headers={"Content-Type": "application/json"})
        r = c.getresponse()
        return r.status, r.read().decode("utf-8", "replace")
    finally:
        c.close()


def status_kib(pid, field):
    """A size field of /proc/PID/status (VmRSS, RssAnon...) in KiB."""
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


class Stack:
    """nginx, two Falconieri, the two references; everything under
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
        names = ("fal", "fal64", "noop", "call", "static", "vendor",
                 "fcgi_fal", "fcgi_fal64", "fcgi_noop", "fcgi_call")
        self.port = {n: free_port() for n in names}

    def conf_copy(self, name, listen, fcgi):
        """nginx/falconieri.conf for upstream name on the given ports."""
        with open(os.path.join(ROOT, "nginx", "falconieri.conf")) as f:
            text = f.read()
        for old, new in (("upstream falconieri {", "upstream %s {" % name),
                         ("fastcgi_pass falconieri;", "fastcgi_pass %s;" % name),
                         ("listen 127.0.0.1:8080;", "listen 127.0.0.1:%d;" % listen),
                         ("server 127.0.0.1:9000;", "server 127.0.0.1:%d;" % fcgi)):
            if text.count(old) != 1:
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
        copies = [self.conf_copy("falconieri", p["fal"], p["fcgi_fal"]),
                  self.conf_copy("falconieri64", p["fal64"], p["fcgi_fal64"]),
                  self.conf_copy("noop", p["noop"], p["fcgi_noop"]),
                  self.conf_copy("noopcall", p["call"], p["fcgi_call"])]
        lines = ["load_module %s;" % ECHO_MODULE]
        if os.getuid() == 0:
            lines.append("user root;")
        lines += [
            "daemon off;", "master_process on;",
            "worker_processes %d;" % NGINX_WORKERS,
            "pid %s/nginx.pid;" % d, "error_log %s/error.log;" % d,
            "events { worker_connections 4096; }",
            "http {",
            "    access_log off;",
        ]
        for t in ("client_body", "fastcgi", "proxy", "uwsgi", "scgi"):
            lines.append("    %s_temp_path %s/%s;" % (t, d, t))
        lines += ["    include %s;" % c for c in copies]
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
            # count of run 2 is Falconieri's reuse alone.
            "    server {",
            "        listen 127.0.0.1:%d;" % p["vendor"],
            "        keepalive_requests 100000000;",
            "        keepalive_timeout 600s;",
            "        access_log %s/vendor.log vendor buffer=64k flush=1s;" % d,
            "        default_type text/xml;",
            "        location = /rpc { return 200 '%s'; }" % XMLRPC_OK,
            # The same, for the call reference: its calls stay apart.
            "        location = /ref { return 200 '%s'; }" % XMLRPC_OK,
            "        location = /slow {",
            "            echo_sleep %.3f;" % SLOW_DELAY,
            "            echo -n '%s';" % XMLRPC_OK,
            "        }",
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
        return proc

    def start(self):
        p, b = self.port, self.build
        conf = self.nginx_conf()
        self.fal = self.spawn("falconieri", [
            self.falconieri, "-c", self.falconieri_conf("fal", "/rpc"),
            "--listen", "127.0.0.1:%d" % p["fcgi_fal"],
            "--workers", str(FAST_WORKERS)])
        self.fal64 = self.spawn("falconieri64", [
            self.falconieri, "-c", self.falconieri_conf("fal64", "/slow"),
            "--listen", "127.0.0.1:%d" % p["fcgi_fal64"],
            "--workers", str(SLOW_WORKERS)])
        self.noop = self.spawn("noop", [
            b + "/noop", "--listen", "127.0.0.1:%d" % p["fcgi_noop"],
            "--workers", str(FAST_WORKERS)])
        self.call = self.spawn("noop-call", [
            b + "/noop-call", "--listen", "127.0.0.1:%d" % p["fcgi_call"],
            "--workers", str(FAST_WORKERS),
            "--call", "http://127.0.0.1:%d/ref" % p["vendor"]])
        self.nginx = self.spawn("nginx", [
            "nginx", "-p", self.dir, "-c", conf, "-e", self.dir + "/error.log"])
        for name, proc in (("fcgi_fal", self.fal), ("fcgi_fal64", self.fal64),
                           ("fcgi_noop", self.noop), ("fcgi_call", self.call),
                           ("vendor", self.nginx), ("call", self.nginx),
                           ("fal", self.nginx), ("noop", self.nginx),
                           ("static", self.nginx)):
            wait_port(p[name], proc, name)

    def stop(self):
        """Ends our processes; nginx with QUIT, which flushes its logs."""
        for name, proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGQUIT if name == "nginx"
                                 else signal.SIGTERM)
        for name, proc in self.procs:
            try:
                proc.wait(10)
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
    p = stack.port
    want = [
        ("static", "PUT", BAD_MAC, 400, "malformed_mac_address"),
        ("noop", "PUT", BAD_MAC, 400, "malformed_mac_address"),
        ("fal", "PUT", BAD_MAC, 400, "malformed_mac_address"),
        ("fal", "PUT", GOOD_MAC, 200, ""),
        ("fal64", "PUT", GOOD_MAC, 200, ""),
        ("call", "PUT", GOOD_MAC, 200, ""),
    ]
    for port, method, mac, status, text in want:
        got, body = request(p[port], method, "/providers/snom/" + mac, BODY)
        if got != status or text not in body:
            sys.exit("bench: %s %s %s: got %d %r, want %d" %
                     (port, method, mac, got, body, status))


class Runner:
    """Runs wrk and keeps every run's figures and command line."""

    def __init__(self, stack):
        self.stack = stack
        self.runs = []        # dicts: key, rps, p50_us, p99_us, start, end
        self.commands = {}    # key -> wrk command line

    def wrk(self, key, target, clients, seconds, keep=True):
        """One wrk run of target (port, mac, expected status, server pid)."""
        port, mac, expect_status, pid = target
        url = "http://127.0.0.1:%d/providers/snom/%s" % (port, mac)
        argv = ["wrk", "-t%d" % min(THREADS, clients), "-c%d" % clients,
                "-d%ds" % seconds, "--timeout", "5s",
                "-s", os.path.join(BENCH, "put.lua"), url, "--", BODY]
        nginx = self.stack.nginx.pid
        start, cpu = time.time(), cpu_seconds(pid)
        ngx = children_cpu_seconds(nginx)
        out = subprocess.run(argv, capture_output=True, text=True)
        end, cpu = time.time(), cpu_seconds(pid) - cpu
        ngx = children_cpu_seconds(nginx) - ngx
        line = [l for l in out.stdout.splitlines() if l.startswith("BENCH ")]
        if out.returncode != 0 or not line:
            sys.exit("bench: wrk failed:\n%s%s" % (out.stdout, out.stderr))
        r = json.loads(line[0][6:])
        errors = r["connect"] + r["read"] + r["write"] + r["timeout"]
        bad = r["status"] if expect_status == 200 else r["requests"] - r["status"]
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
        self.commands[key] = " ".join(
            a if a != BODY else "'%s'" % a for a in argv).replace(
            BENCH + "/", "bench/")

    def alternate(self, pairs, rounds, clients, seconds):
        """Runs each (key, target) of pairs in turn, after a one-second
        warm-up each, rounds times: A B A B.  Returns the time span of it
        all, warm-up included."""
        start = time.time()
        for key, target in pairs:
            self.wrk(key, target, clients, 1, keep=False)
        for _ in range(rounds):
            for key, target in pairs:
                self.wrk(key, target, clients, seconds)
        return start, time.time()

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
    """Runs 0 to 5; returns the Runner, the span of run 2 (warm-up
    included) and the memory figures (KiB)."""
    p, fal, noop = stack.port, stack.fal.pid, stack.noop.pid
    run = Runner(stack)
    run.alternate([("static", (p["static"], BAD_MAC, 400, None))],
                  ROUNDS, CLIENTS, SECONDS)
    run.alternate([("val_fal", (p["fal"], BAD_MAC, 400, fal)),
                   ("val_noop", (p["noop"], BAD_MAC, 400, noop))],
                  ROUNDS, CLIENTS, SECONDS)
    # The reference answers 400 to everything: it is the floor either way.
    # The call reference calls the vendor's /ref, so that run 2's count of
    # vendor connections (/rpc) stays Falconieri's.
    span2 = run.alternate([("ok_fal", (p["fal"], GOOD_MAC, 200, fal)),
                           ("ok_noop", (p["noop"], GOOD_MAC, 400, noop)),
                           ("ok_call", (p["call"], GOOD_MAC, 200,
                                        stack.call.pid))],
                          ROUNDS, CLIENTS, SECONDS)
    mem = {"rss": status_kib(fal, "VmRSS"), "anon": status_kib(fal, "RssAnon"),
           "noop": status_kib(noop, "VmRSS"),
           "call": status_kib(stack.call.pid, "VmRSS")}
    # A run counts only the calls it saw end: up to one 200 ms call per
    # client is lost at its end, 4 % of a 5 s run, hence twice as long.
    run.alternate([("slow_fal", (p["fal64"], GOOD_MAC, 200, stack.fal64.pid))],
                  ROUNDS, SLOW_CLIENTS, 2 * SECONDS)
    mem["rss64"] = status_kib(stack.fal64.pid, "VmRSS")
    run.alternate([("over_fal", (p["fal"], BAD_MAC, 400, fal)),
                   ("over_noop", (p["noop"], BAD_MAC, 400, noop))],
                  ROUNDS, OVERLOAD_CLIENTS, SECONDS)
    return run, span2, mem


def vendor_figures(stack, span2):
    """(connections Falconieri opened to the vendor during run 2, warm-up
    included, connections it used then, peak concurrent slow calls)."""
    calls = stack.vendor_log()
    s2, e2 = span2
    run2 = [c for c in calls if c[4] == "/rpc" and s2 <= c[0] <= e2]
    opened = sum(1 for c in run2 if c[3] == 1)
    used = len(set(c[2] for c in run2))
    slow = [c for c in calls if c[4] == "/slow"]
    return opened, used, peak_concurrency(slow)


def table(run, mem, opened, used, peak):
    val, val_ref = run.figures("val_fal"), run.figures("val_noop")
    ok, ok_ref = run.figures("ok_fal"), run.figures("ok_noop")
    ok_call = run.figures("ok_call")
    slow, static = run.figures("slow_fal"), run.figures("static")
    bound = SLOW_WORKERS / SLOW_DELAY

    def row(n, what, fig, measure, target):
        cpu = "%.1f" % fig[3] if fig[3] is not None else "–"
        return "| %s | %s | %.0f | %.2f | %.2f | %s | %.1f | %s | %s |" % (
            n, what, fig[0], fig[1], fig[2], cpu, fig[4], measure, target)

    out = [
        "| run | scenario | req/s | p50 ms | p99 ms | FastCGI CPU µs/req "
        "| nginx CPU µs/req | measure | target |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
        row(0, "nginx `return 400` itself (information)", static,
            "%.2f of it is the no-op reference" % (val_ref[0] / static[0]), ""),
        row(1, "validation (malformed MAC): no-op reference", val_ref, "", ""),
        row(1, "validation (malformed MAC): Falconieri", val,
            "**%.2f** of the reference" % (val[0] / val_ref[0]), "≥ 0.8"),
        row(2, "success (Snom, static vendor): no-op reference", ok_ref, "", ""),
        row(2, "success (Snom, static vendor): Falconieri", ok,
            "**%.2f** of the reference" % (ok[0] / ok_ref[0]), "≥ 0.5"),
        row(2, "information: success, reference making only the vendor "
            "call (noop-call)", ok_call, "%.2f of the no-op reference; "
            "Falconieri is %.2f of it" % (ok_call[0] / ok_ref[0],
                                          ok[0] / ok_call[0]), ""),
        row(3, "slow vendor (200 ms), %d clients, --workers %d"
            % (SLOW_CLIENTS, SLOW_WORKERS), slow,
            "**%.2f** of %.0f/s; peak %d vendor calls at once"
            % (slow[0] / bound, bound, peak), "≥ 0.9"),
        "| 4 | Falconieri RSS after runs 1–2 (--workers %d) | | | | | | "
        "**%.1f MiB** (%.1f MiB of it anonymous; --workers %d after run 3: "
        "%.1f MiB; no-op reference: %.1f MiB; the reference making only "
        "the vendor call, with libcurl: %.1f MiB) | ≤ 8 MiB |"
        % (FAST_WORKERS, mem["rss"] / 1024, mem["anon"] / 1024, SLOW_WORKERS,
           mem["rss64"] / 1024, mem["noop"] / 1024, mem["call"] / 1024),
        "| 4 | vendor TCP connections opened during run 2 | | | | | | **%d** "
        "(%d used) | ≤ %d |" % (opened, used, FAST_WORKERS),
        row(5, "information: validation, %d clients on --workers %d: "
            "no-op reference" % (OVERLOAD_CLIENTS, FAST_WORKERS),
            run.figures("over_noop"), "", ""),
        row(5, "information: validation, %d clients on --workers %d: "
            "Falconieri" % (OVERLOAD_CLIENTS, FAST_WORKERS),
            run.figures("over_fal"), "%.2f of the reference" %
            (run.figures("over_fal")[0] / run.figures("over_noop")[0]), ""),
    ]
    return "\n".join(out)


def write_data(path, run):
    """The chart's data: one line per scenario and server."""
    rows = [("0 nginx", "return 400", "static", 3),
            ("1 validation", "no-op", "val_noop", 2),
            ("1 validation", "Falconieri", "val_fal", 1),
            ("2 success", "no-op", "ok_noop", 2),
            ("2 success", "Falconieri", "ok_fal", 1),
            ("2 success", "vendor call only", "ok_call", 4),
            ("3 slow vendor", "Falconieri", "slow_fal", 1),
            ("5 overload", "no-op", "over_noop", 2),
            ("5 overload", "Falconieri", "over_fal", 1)]
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
        run, span2, mem = run_all(stack)
    except SystemExit:
        print("bench: logs kept in %s" % stack.dir, file=sys.stderr)
        raise
    finally:
        stack.stop()
    opened, used, peak = vendor_figures(stack, span2)
    print(table(run, mem, opened, used, peak))
    print()
    print("nginx: %d worker processes, the shipped upstream settings "
          "(keepalive, fastcgi_keep_conn on) in front of every FastCGI "
          "server; each figure is the mean of %d runs of %d s (run 3: %d s), "
          "A B A B (run 2: A B C A B C)." % (NGINX_WORKERS, ROUNDS, SECONDS,
                                             2 * SECONDS))
    print()
    for key in ("static", "val_noop", "val_fal", "ok_noop", "ok_fal",
                "ok_call", "slow_fal", "over_noop", "over_fal"):
        print("    %-9s  %s" % (key, run.commands[key]))
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
