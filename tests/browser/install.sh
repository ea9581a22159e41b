#!/bin/sh
# Installs the browser tests' npm packages (package-lock.json: playwright-
# core, axe-core) with `npm ci` when node_modules is missing or older than
# the lock file.  No browser is downloaded: the tests use Debian's chromium.
set -e
cd "$(dirname "$0")"
if [ -f node_modules/.package-lock.json ] &&
	[ ! package-lock.json -nt node_modules/.package-lock.json ]; then
	exit 0
fi
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
