#!/bin/sh
# The `make run` demo: the vendor simulators on 127.0.0.1:8091 and up,
# Falconieri on 127.0.0.1:9000 (FastCGI) and nginx with nginx/falconieri.conf
# on 127.0.0.1:8080, all in the background, state and logs under ./run/.
# Usage: scripts/run.sh start|stop [BUILD]
set -u

BUILD=${2:-build}
TOP=$(pwd)
RUN=$TOP/run
NGX=$RUN/nginx
# VENDOR:PORT of every vendor of providers/list.h, in its order, from 8091.
SIMS=$(sed -n 's/^[[:space:]]*FAL_VENDOR(\([a-z0-9_]*\),.*/\1/p' \
	"$TOP/providers/list.h" | awk '{ printf "%s:%d ", $1, 8090 + NR }')
[ -n "$SIMS" ] || { echo "run: no vendor in providers/list.h" >&2; exit 1; }

# sim_script VENDOR: the simulator program of VENDOR (tests/sim/).
sim_script() {
	case $1 in
	ymcs) echo ymcs_sim ;;
	grape | sraps) echo hawk_sim ;;
	*) echo xmlrpc_sim ;;
	esac
}

# sim_args VENDOR PORT: the simulator's arguments, demo credentials.
sim_args() {
	case $1 in
	ymcs) echo "--port $2 --client-id demo --client-secret demo --pin acde48234567=123456" ;;
	grape | sraps) echo "--vendor $1 --port $2 --client-id demo --client-secret demo" ;;
	*) echo "--vendor $1 --port $2 --user demo --password demo" ;;
	esac
}

# sim_conf VENDOR PORT: the vendor's entry in the demo configuration.
sim_conf() {
	case $1 in
	ymcs) printf '"ymcs": {"base_url": "http://127.0.0.1:%s/", "client_id": "demo", "client_secret": "demo"}' "$2" ;;
	grape | sraps) printf '"%s": {"base_url": "http://127.0.0.1:%s/api/", "client_id": "demo", "client_secret": "demo"}' "$1" "$2" ;;
	gigaset) printf '"gigaset": {"user": "demo", "password": "demo", "rpc_url": "http://127.0.0.1:%s/xmlrpc", "disable_crc": true}' "$2" ;;
	*) printf '"%s": {"user": "demo", "password": "demo", "rpc_url": "http://127.0.0.1:%s/xmlrpc"}' "$1" "$2" ;;
	esac
}

# alive PIDFILE WORD: the process of PIDFILE runs and its command line
# holds WORD (so a recycled pid is never mistaken for ours).
alive() {
	[ -f "$1" ] || return 1
	pid=$(cat "$1" 2>/dev/null)
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$2"
}

# stop_one PIDFILE WORD: TERM, wait up to 5 s, then KILL; removes PIDFILE.
stop_one() {
	if alive "$1" "$2"; then
		pid=$(cat "$1")
		kill -TERM "$pid" 2>/dev/null
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
		echo "stopped $2 (pid $pid)"
	fi
	rm -f "$1"
}

stop_all() {
	stop_one "$RUN/nginx.pid" nginx
	stop_one "$RUN/falconieri.pid" falconieri
	for s in $SIMS; do
		stop_one "$RUN/sim-${s%%:*}.pid" "$(sim_script "${s%%:*}")"
	done
}

# wait_http URL: 0 once curl gets any HTTP answer from URL within 10 s.
wait_http() {
	i=0
	while [ $i -lt 100 ]; do
		code=$(curl -s -o /dev/null -w '%{http_code}' "$1" 2>/dev/null)
		[ -n "$code" ] && [ "$code" != 000 ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

fail() {
	echo "run: $*" >&2
	for f in "$RUN"/*.log "$NGX"/error.log; do
		[ -s "$f" ] || continue
		echo "--- $f" >&2
		tail -n 20 "$f" >&2
	done
	stop_all
	exit 1
}

write_config() {
	{
		echo '{'
		echo '  "providers": {'
		sep=''
		for s in $SIMS; do
			printf '%s    %s' "$sep" "$(sim_conf "${s%%:*}" "${s#*:}")"
			sep=',
'
		done
		echo
		echo '  },'
		echo '  "connect_timeout_ms": 2000,'
		echo '  "timeout_ms": 10000,'
		echo "  \"batch_store\": \"sqlite:$RUN/batches.db\""
		echo '}'
	} >"$RUN/conf.json"
}

write_nginx_conf() {
	mkdir -p "$NGX"
	{
		[ "$(id -u)" = 0 ] && echo 'user root;'
		echo 'daemon off;'
		echo 'master_process on;'
		echo 'worker_processes 2;'
		echo "pid $NGX/nginx.pid;"
		echo "error_log $NGX/error.log;"
		echo 'events {}'
		echo 'http {'
		echo '    access_log off;'
		echo "    client_body_temp_path $NGX/body;"
		echo "    fastcgi_temp_path $NGX/fastcgi;"
		echo "    proxy_temp_path $NGX/proxy;"
		echo "    uwsgi_temp_path $NGX/uwsgi;"
		echo "    scgi_temp_path $NGX/scgi;"
		echo "    include $NGX/falconieri.conf;"
		echo '}'
	} >"$NGX/nginx.conf"
	# The site as shipped, but the operator page from the checkout.
	sed "s|root /usr/local/share/falconieri/www;|root $TOP/www;|" \
		"$TOP/nginx/falconieri.conf" >"$NGX/falconieri.conf"
}

start() {
	[ -x "$BUILD/falconieri" ] || { echo "run: no $BUILD/falconieri (make first)" >&2; exit 1; }
	stop_all
	mkdir -p "$RUN"
	write_config
	write_nginx_conf

	for s in $SIMS; do
		v=${s%%:*}
		# shellcheck disable=SC2046 # the arguments are words
		nohup python3 "$TOP/tests/sim/$(sim_script "$v").py" \
			$(sim_args "$v" "${s#*:}") \
			>"$RUN/sim-$v.log" 2>&1 </dev/null &
		echo $! >"$RUN/sim-$v.pid"
	done
	nohup "$BUILD/falconieri" -c "$RUN/conf.json" --listen 127.0.0.1:9000 \
		>"$RUN/falconieri.log" 2>&1 </dev/null &
	echo $! >"$RUN/falconieri.pid"
	nohup nginx -p "$NGX" -c "$NGX/nginx.conf" -e "$NGX/error.log" \
		>"$RUN/nginx.log" 2>&1 </dev/null &
	echo $! >"$RUN/nginx.pid"

	for s in $SIMS; do
		wait_http "http://127.0.0.1:${s#*:}/" ||
			fail "the ${s%%:*} simulator did not start"
	done
	i=0
	until [ "$(curl -s -o /dev/null -w '%{http_code}' \
		http://127.0.0.1:8080/health/check)" = 200 ]; do
		i=$((i + 1))
		alive "$RUN/falconieri.pid" falconieri || fail "falconieri exited"
		alive "$RUN/nginx.pid" nginx || fail "nginx exited"
		[ $i -lt 100 ] || fail "no answer on http://127.0.0.1:8080/health/check"
		sleep 0.1
	done

	cat <<EOF
Falconieri is running behind nginx on http://127.0.0.1:8080, with simulated
redirect services for $(echo "$SIMS" | sed 's/:[0-9]*//g; s/ *$//; s/ /, /g')
(logs in ./run/).

The operator page is at http://127.0.0.1:8080/ (open it in a browser).

  # register a Snom phone
  curl -i -X PUT http://127.0.0.1:8080/providers/snom/AC-DE-48-23-45-67 \\
       -H 'Content-Type: application/json' \\
       -d '{"url":"https://pbx.example.com/provisioning/"}'

  # where does it point now? (state registered, and the URL Snom holds)
  curl -s http://127.0.0.1:8080/providers/snom/AC-DE-48-23-45-67

  # deregister it
  curl -i -X DELETE http://127.0.0.1:8080/providers/snom/AC-DE-48-23-45-67

  # the enabled providers
  curl -i http://127.0.0.1:8080/providers

  # YMCS answers the device's PIN
  curl -i -X PUT http://127.0.0.1:8080/providers/ymcs/AC-DE-48-23-45-67 \\
       -d '{"url":"https://pbx.example.com/provisioning/"}'

  # the same with any of them in place of snom
  tail -f run/falconieri.log run/sim-snom.log   # what happened

  # a batch: re-point three phones at once from CSV (kept in run/batches.db)
  printf 'provider,mac,url\\r\\nsnom,AC-DE-48-00-00-01,https://pbx.example.com/p/\\r\\nyealink,AC-DE-48-00-00-02,https://pbx.example.com/p/\\r\\nfanvil,AC-DE-48-00-00-03,https://pbx.example.com/p/\\r\\n' |
  curl -i -X POST 'http://127.0.0.1:8080/batches?action=register' \\
       -H 'Content-Type: text/csv' --data-binary @-
  # then, with the id from the answer's Location header:
  curl -s http://127.0.0.1:8080/batches/ID
  curl -s -H 'Accept: text/csv' http://127.0.0.1:8080/batches/ID/devices

Stop everything with: make stop
EOF
}

case ${1:-} in
start) start ;;
stop) stop_all ;;
*) echo "usage: $0 start|stop [BUILD]" >&2; exit 2 ;;
esac
