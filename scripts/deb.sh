#!/bin/sh
# Builds the Debian package (make deb) with dpkg-buildpackage -us -uc -b in
# a copy of the checkout, OUT/src, so that neither its clean step (make
# clean) nor its output files in `..` touch the checkout or its parent:
# the .deb, .changes and .buildinfo files land in OUT.  lintian must then
# report no error and no warning.  A build of the same sources is reused,
# and so is lintian's verdict on it.
# Usage: scripts/deb.sh OUT [--no-lintian]
set -e
out=${1:-build/deb}
cd "$(dirname "$0")/.."

# The files of the checkout: git's (tracked and new, not ignored) when it
# is a git checkout, else everything but build folders.
sources() {
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files -co --exclude-standard | while read -r f; do
			[ -f "$f" ] && printf '%s\n' "$f"
		done
	else
		find . -type f ! -path './build*' ! -path './.git/*' \
			! -path '*/node_modules/*' ! -path './run/*' | sed 's|^\./||'
	fi
}

mkdir -p "$out"
list="$out/sources.txt"
sources | grep -v "^$out/" | sort >"$list"
# Names, modes and contents: what the package is built from.
sum=$(tar -cf - --mtime=@0 --owner=0 --group=0 --numeric-owner \
	-T "$list" | sha256sum | cut -d' ' -f1)
version=$(dpkg-parsechangelog -S Version)
arch=$(dpkg --print-architecture)
if [ -f "$out/falconieri_${version}_$arch.deb" ] &&
   [ "$(cat "$out/sources.sha256" 2>/dev/null)" = "$sum" ]; then
	echo "deb: $out/falconieri_${version}_$arch.deb is up to date"
else
	rm -rf "$out/src" "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo \
		"$out/sources.sha256"
	mkdir "$out/src"
	tar -cf - -T "$list" | tar -xf - -C "$out/src"
	(cd "$out/src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 || {
		tail -n 40 "$out/build.log"
		echo "deb: dpkg-buildpackage failed (log: $out/build.log)" >&2
		exit 1
	}
	echo "$sum" >"$out/sources.sha256"
	ls "$out"/*.deb
fi

[ "${2:-}" = --no-lintian ] && exit 0
[ "$(cat "$out/lintian.sha256" 2>/dev/null)" = "$sum" ] && exit 0
lintian --fail-on error,warning "$out/falconieri_${version}_$arch.changes"
echo "$sum" >"$out/lintian.sha256"
echo "deb: lintian found no error and no warning"
