#!/bin/sh
# make check-fresh: proves the README's two commands on a fresh Debian 12.
# Builds a minimal Debian 12 root (debootstrap --variant=minbase, plus git,
# make and ca-certificates), kept pristine as a tarball under ~/.cache so
# later runs start from it in seconds; copies a clean clone of HEAD to
# /root/p in a copy of it; and there, chrooted, runs `make run`, the
# README's first curl (expects 200), `make stop` and `make test` (expects
# "N passed, 0 failed").  Needs root.  Ends with make test's summary line;
# exit status 0 iff all of it passed.
#
# The root shares the host's network: `make run` takes 127.0.0.1:8080 and
# 8091-8097 there, the tests take free ports.  FRESH_MIRROR: the Debian
# mirror (default: the host's, deb.debian.org); FRESH_KEEP=1 keeps the
# root for a look afterwards.
set -eu

top=$(git rev-parse --show-toplevel)
cd "$top"
head=$(git rev-parse HEAD)
mirror=${FRESH_MIRROR:-http://deb.debian.org/debian}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/falconieri
tarball=$cache/debian12-minbase.tar.gz
root=""

say() { echo "check-fresh: $*"; }

# mounted: the mount points under $root, deepest first.
mounted() {
	awk -v r="$root/" 'index($2 "/", r) == 1 { print $2 }' /proc/mounts |
		sort -r
}

# cleanup: kills what still runs in the root, unmounts, removes it; also
# after a failure (trap).  Removes nothing while anything stays mounted.
cleanup() {
	[ -n "$root" ] && [ -d "$root" ] || return 0
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] &&
			kill -KILL "${p#/proc/}" 2>/dev/null
	done
	sleep 0.2
	for m in $(mounted); do
		umount "$m" 2>/dev/null || umount -l "$m" || true
	done
	if [ -n "$(mounted)" ]; then
		say "still mounted under $root, not removed:"
		mounted
	elif [ "${FRESH_KEEP:-0}" = 1 ]; then
		say "root kept in $root"
	else
		rm -rf --one-file-system "$root"
	fi
}
trap 'cleanup' EXIT
trap 'exit 130' INT TERM

# pristine: the cached tarball of a minimal Debian 12 root, made once.
pristine() {
	[ -s "$tarball" ] && return 0
	mkdir -p "$cache"
	boot=$(mktemp -d /var/tmp/falconieri-debootstrap.XXXXXX)
	say "debootstrap bookworm from $mirror (once; cached as $tarball)"
	if ! debootstrap --variant=minbase --include=git,make,ca-certificates \
		bookworm "$boot" "$mirror" >"$boot.log" 2>&1; then
		tail -n 30 "$boot.log"
		rm -rf --one-file-system "$boot" "$boot.log"
		exit 1
	fi
	# The suites a Debian 12 installation has: the release, its
	# updates and the security archive.
	cat >"$boot/etc/apt/sources.list" <<-EOF
		deb $mirror bookworm main
		deb $mirror bookworm-updates main
		deb ${mirror%/debian}/debian-security bookworm-security main
	EOF
	rm -f "$boot"/var/cache/apt/archives/*.deb
	chmod 755 "$boot"
	tar -C "$boot" -czf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
	rm -rf --one-file-system "$boot" "$boot.log"
}

# host_cas DIR: writes into DIR the CAs the host trusts that a fresh root
# does not.  Where TLS leaves through an inspecting proxy whose local CA
# the host trusts, package and npm downloads over TLS fail inside the
# root without it.
host_cas() {
	awk -v dir="$1" '
		FNR == 1 { file++ }
		/-----BEGIN CERTIFICATE-----/ { pem = "" }
		{ pem = pem $0 "\n" }
		/-----END CERTIFICATE-----/ {
			if (file == 1) have[pem] = 1
			else if (!(pem in have)) {
				n++
				printf "%s", pem > (dir "/host-ca-" n ".crt")
			}
		}' "$root/etc/ssl/certs/ca-certificates.crt" \
		/etc/ssl/certs/ca-certificates.crt
}

[ "$(id -u)" = 0 ] || { say "needs root (debootstrap, chroot, mount)"; exit 1; }
sh scripts/deps.sh fresh
pristine

root=$(mktemp -d /var/tmp/falconieri-fresh.XXXXXX)
tar -C "$root" -xzf "$tarball"
chmod 755 "$root"	# mktemp's 0700 would keep www-data out of it all
host_cas "$root/usr/local/share/ca-certificates"
cp /etc/resolv.conf "$root/etc/resolv.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$root/etc/hosts"
git clone -q --no-hardlinks "$top" "$root/root/p"
git -C "$root/root/p" checkout -q --detach "$head"
say "HEAD $(git rev-parse --short "$head") in a fresh Debian $(cat "$root/etc/debian_version") root, $root"

mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --bind /dev "$root/dev"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts"
mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"

# Inside the root, as a new user would: the two commands, the README's
# curl, make stop.  The times go to standard output.
cat >"$root/root/check.sh" <<'EOF'
set -u
cd /root/p
update-ca-certificates >/dev/null 2>&1
t0=$(date +%s)
if ! make run; then echo "check-fresh: FAIL make run"; exit 1; fi
t1=$(date +%s)
echo "check-fresh: make run took $((t1 - t0)) s"
# The README's first curl, as printed there.
cmd=$(awk '/^curl -i -X PUT/ { on = 1 } on { print; if (!/\\$/) exit }' README.md)
out=$(sh -c "$cmd" 2>/dev/null)
status=$(echo "$out" | awk '/^HTTP\// { print $2; exit }')
echo "check-fresh: the README's curl answered ${status:-nothing}"
make stop
if [ "$status" != 200 ]; then
	echo "check-fresh: FAIL the README's curl answered: $out"
	exit 1
fi
t2=$(date +%s)
# The log goes outside the checkout: a file growing inside it would change
# the sources scripts/deb.sh sums, and the package tests, in parallel
# processes, would rebuild the package under each other.
make test >/root/test.log 2>&1
rc=$?
t3=$(date +%s)
grep -E '^(FAIL|ERROR|not ok)' /root/test.log
echo "check-fresh: make test took $((t3 - t2)) s (exit $rc)"
tail -n 1 /root/test.log
grep -qE '^[0-9]+ passed, 0 failed$' /root/test.log && [ $rc -eq 0 ]
EOF
rc=0
chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	/bin/sh /root/check.sh || rc=$?
if [ -f "$root/root/test.log" ]; then
	mkdir -p build
	cp "$root/root/test.log" build/check-fresh-test.log
	[ $rc -eq 0 ] || say "make test's output: build/check-fresh-test.log"
fi
exit $rc
