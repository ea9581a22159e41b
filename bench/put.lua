-- put.lua - wrk script of the benchmark: every request is a PUT with a
-- JSON body, and the summary is printed as one machine-readable line.
--
--   wrk ... -s bench/put.lua URL -- '{"url":"https://pbx.example.com/p/"}'

function init(args)
	wrk.method = "PUT"
	wrk.body = args[1] or '{"url":"https://pbx.example.com/provisioning/"}'
	wrk.headers["Content-Type"] = "application/json"
end

-- Latencies in microseconds; "status" counts answers other than 2xx/3xx.
function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
		'BENCH {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,' ..
		'"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p99_us":%d,' ..
		'"mean_us":%.1f}\n',
		summary.requests, summary.duration, e.connect, e.read, e.write,
		e.status, e.timeout, latency:percentile(50), latency:percentile(99),
		latency.mean))
end
