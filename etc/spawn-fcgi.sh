#!/bin/sh
# Starts Falconieri under spawn-fcgi on a Unix socket, for a web server
# on this host (nginx: "server unix:/run/falconieri/falconieri.sock;" in
# the upstream of nginx/falconieri.conf).  spawn-fcgi opens the socket and
# hands it to Falconieri on standard input; with -n it then becomes
# Falconieri, so a supervisor (runit, s6, daemontools, an init script)
# can watch the process and stop it with SIGTERM.
#
# Each setting can be given in the environment:
#   BIN      the program           (/usr/local/bin/falconieri)
#   CONF     its configuration     (/opt/falconieri/conf.json)
#   SOCKET   the FastCGI socket    (/run/falconieri/falconieri.sock)
#   RUN_AS   user to run as        (falconieri; empty: do not change)
#   SOCK_OWNER  user owning the socket, i.e. the web server's (www-data)
#   WORKERS  most requests served at once (512)
set -e

BIN=${BIN:-/usr/local/bin/falconieri}
CONF=${CONF:-/opt/falconieri/conf.json}
SOCKET=${SOCKET:-/run/falconieri/falconieri.sock}
RUN_AS=${RUN_AS-falconieri}
SOCK_OWNER=${SOCK_OWNER-www-data}
WORKERS=${WORKERS:-512}

mkdir -p "$(dirname "$SOCKET")"
rm -f "$SOCKET"
exec spawn-fcgi -n -s "$SOCKET" -M 0660 \
	${SOCK_OWNER:+-U "$SOCK_OWNER"} ${RUN_AS:+-u "$RUN_AS" -g "$RUN_AS"} \
	-- "$BIN" -c "$CONF" --workers "$WORKERS"
