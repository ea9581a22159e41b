#!/bin/sh
# Installs the Debian packages Falconieri needs to build, test and run its
# demo.  A no-op when everything is present; needs root otherwise.
# Usage: scripts/deps.sh [build | deb | fuzz | valgrind | bench | fresh ...];
# `build` (what plain `make` runs) stops after the packages the compile
# needs, `deb` (make deb) after those and the packaging tools.
set -e

wanted=""
# want PACKAGE: adds PACKAGE to the wanted ones, once.
want() {
	case " $wanted " in *" $1 "*) ;; *) wanted="$wanted $1" ;; esac
}
# need_cmd COMMAND PACKAGE: PACKAGE is wanted when COMMAND is not on PATH.
need_cmd() {
	command -v "$1" >/dev/null 2>&1 || want "$2"
}
# need_pkg PACKAGE: wanted when dpkg does not have it installed.
need_pkg() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed' ||
		want "$1"
}

# install_wanted: installs what is wanted (apt waits for a parallel
# install's lock) and exits.
install_wanted() {
	[ -z "$wanted" ] && exit 0
	if [ "$(id -u)" != 0 ]; then
		echo "deps: missing Debian packages:$wanted (run as root, or install them)" >&2
		exit 1
	fi
	echo "deps: installing$wanted"
	export DEBIAN_FRONTEND=noninteractive
	# Packages such as nginx, lighttpd and apache2 start their system
	# service on port 80 when installed; the tests start their own
	# servers, and two of those services would fight for the port and
	# fail the install.  A policy-rc.d of our own tells invoke-rc.d not
	# to start anything.
	policy=/usr/sbin/policy-rc.d
	if [ ! -e $policy ]; then
		printf '#!/bin/sh\nexit 101\n' >$policy
		chmod 755 $policy
		trap 'rm -f $policy' EXIT
	fi
	apt="apt-get -o DPkg::Lock::Timeout=600"
	$apt update -qq
	$apt install -y -qq --no-install-recommends $wanted >/dev/null
	exit 0
}

# The build: gcc without its recommends lacks the C library's headers,
# hence libc6-dev by name; package checks, not command checks, so a half
# install is completed on the next run.
need_pkg gcc
need_pkg libc6-dev
need_pkg make
need_pkg pkg-config
need_pkg libfcgi-dev
need_pkg libcurl4-openssl-dev
need_pkg libcjson-dev
need_pkg libmxml-dev
need_pkg libssl-dev
need_pkg libcmocka-dev
need_pkg libsqlite3-dev
need_pkg libcsv-dev
need_pkg libpq-dev
[ "${1:-}" = build ] && install_wanted

# The Debian package (`deps.sh deb`: make deb wants only these and the
# above; tests/e2e/test_deb.py builds, checks and installs it): the
# packaging tools, and adduser, which the package depends on.
deb_tools() {
	need_pkg build-essential
	need_pkg debhelper
	need_pkg devscripts
	need_pkg lintian
	need_pkg adduser
}
[ "${1:-}" = deb ] && deb_tools && install_wanted

# The demo and the tests.  ca-certificates: TLS to the npm registry.
need_pkg ca-certificates
need_cmd nginx nginx-light
need_cmd python3 python3
need_cmd curl curl
need_cmd openssl openssl
# The deployment tests (tests/e2e/test_deploy_*.py): the real servers and
# spawners, the man page linter, and npm for the OpenAPI linter (it needs
# Node.js 20.19 or later).
need_pkg lighttpd
need_pkg apache2
need_pkg spawn-fcgi
need_cmd systemd-socket-activate systemd
need_cmd systemd-analyze systemd
need_cmd mandoc mandoc
need_cmd npm npm
# The operator page's browser tests (tests/e2e/test_page*.py): Debian's
# chromium, driven by playwright-core from npm (make browser-deps).
need_pkg chromium
# NethVoice's drop-in (tests/e2e/test_nethvoice.py and
# test_deploy_basic_auth.py): its PHP client with libcurl, and htpasswd
# for the web server's Basic credentials.
need_pkg php-cli
need_pkg php-curl
need_pkg apache2-utils
# The PostgreSQL batch store's tests (tests/pg.sh): a real server of
# their own, started with initdb and pg_ctl; sqlite3, the drain check of
# docs/deploy.md "Several gateways".
need_pkg postgresql
need_cmd sqlite3 sqlite3
deb_tools

# What some targets need besides, by argument: `deps.sh fuzz` (make fuzz:
# clang and its libFuzzer runtime), `deps.sh valgrind` (make
# test-valgrind), `deps.sh bench` (make bench: wrk drives the load,
# gnuplot draws docs/performance.png, the echo module delays the slow
# vendor), `deps.sh fresh` (make check-fresh).  Without an argument,
# only the above.
for what in "$@"; do
	case "$what" in
	fuzz)
		need_cmd clang clang
		need_pkg libclang-rt-14-dev
		;;
	valgrind)
		need_cmd valgrind valgrind
		;;
	fresh)
		need_cmd debootstrap debootstrap
		;;
	bench)
		need_cmd wrk wrk
		need_cmd gnuplot gnuplot-nox
		need_pkg libnginx-mod-http-echo
		;;
	esac
done

install_wanted
