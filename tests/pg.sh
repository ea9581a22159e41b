#!/bin/sh
# A throw-away PostgreSQL server for the tests (Debian's postgresql, no
# mock): initdb in a temporary folder, listening on 127.0.0.1 only, with a
# password for its one user.  PostgreSQL refuses to run as root, so as root
# it runs as the user `postgres` (made when missing, as the package would).
#
#   tests/pg.sh start PORT  prints the folder, then the URI on a 2nd line
#   tests/pg.sh stop DIR    stops the server and removes DIR
#   tests/pg.sh restart DIR [pg_ctl restart options]
#   tests/pg.sh down DIR    stops the server, keeping DIR
#   tests/pg.sh up DIR      starts it again
#
# fsync is off (FAL_PG_FSYNC=on keeps it, for benchmarks): the tests kill
# and restart processes and servers, never the machine, and they are
# faster for it.
set -e

bin=${FAL_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ ! -x "$bin/initdb" ]; then
	echo "pg.sh: no PostgreSQL server (apt install postgresql)" >&2
	exit 1
fi

# as_pg CMD...: runs CMD as the unprivileged user when we are root.
as_pg() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

ctl() {
	dir=$1
	shift
	(cd / && as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 "$@" >/dev/null)
}

case "$1" in
start)
	port=$2
	if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
		useradd --system --user-group --home-dir /var/lib/postgresql \
			--shell /bin/sh postgres
	fi
	dir=$(mktemp -d /tmp/fal-pg-XXXXXX)
	chmod 755 "$dir"
	# A password of letters and digits, fresh each time: the tests look
	# for it in logs and answers.
	pw="pgpw$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
	printf '%s\n' "$pw" >"$dir/pw"
	[ "$(id -u)" = 0 ] && chown -R postgres "$dir"
	(cd / && as_pg "$bin/initdb" -N -D "$dir/data" -U fal --pwfile="$dir/pw" \
		--auth-host=scram-sha-256 --auth-local=trust -E UTF8 \
		--locale=C.UTF-8 >"$dir/initdb.log" 2>&1) || {
		cat "$dir/initdb.log" >&2
		exit 1
	}
	cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = ${FAL_PG_FSYNC:-off}
max_connections = 200
EOF
	ctl "$dir" start || { cat "$dir/log" >&2; exit 1; }
	echo "$dir"
	echo "postgresql://fal:$pw@127.0.0.1:$port/postgres"
	;;
stop)
	ctl "$2" stop -m immediate || true
	rm -rf "$2"
	;;
restart)
	dir=$2
	shift 2
	ctl "$dir" restart "$@"
	;;
down)
	ctl "$2" stop -m fast
	;;
up)
	ctl "$2" start
	;;
*)
	echo "usage: tests/pg.sh start PORT | stop|restart|down|up DIR" >&2
	exit 2
	;;
esac
