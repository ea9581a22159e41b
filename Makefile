# Falconieri - build, test and run.  See README.md.

PKGS      := libcurl libcjson mxml libcrypto sqlite3 libpq
BUILD     ?= build
PREFIX    ?= /usr/local
DESTDIR   ?=
CC        ?= cc

# Read when the makefile is parsed: the targets a user types (all, run,
# test, ...) install the packages first (deps), then build in a sub-make,
# whose parse finds them.
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

OPTFLAGS  ?= -O2 -g
CFLAGS    += $(OPTFLAGS) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
             -pthread -MMD -MP $(PKG_CFLAGS) $(SANFLAGS)
LDFLAGS   += -pthread $(SANFLAGS)
# libcsv ships no pkg-config file.
LDLIBS    := -lfcgi $(PKG_LIBS) -lcsv

# The layers, each including only from those after it: cgi/ (the
# program), api/ (HTTP requests), batch/ (batches), providers/, lib/.
LIB_SRC   := $(wildcard lib/*.c providers/*.c batch/*.c api/*.c)
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
CGI_SRC   := $(wildcard cgi/*.c)
CGI_OBJ   := $(CGI_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps deps-build browser-deps test test-unit test-e2e test-asan \
        run stop install uninstall clean

all: deps-build
	@$(MAKE) --no-print-directory $(BUILD)/falconieri

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/libfalconieri.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

$(BUILD)/falconieri: $(CGI_OBJ) $(BUILD)/libfalconieri.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# What tests share, in one archive: the scripted transport
# (tests/unit/fake_http.c), the vendor tests' checks (rpc_check.c,
# rest_check.c) and the fuzz targets' functions (built without
# their libFuzzer entry point) that test_fuzz_replay replays.
TEST_SRC  := tests/unit/fake_http.c tests/unit/rpc_check.c \
             tests/unit/rest_check.c $(wildcard tests/fuzz/fuzz_*.c)
TEST_OBJ  := $(TEST_SRC:%.c=$(BUILD)/%.o)

$(BUILD)/tests/fuzz/%.o: CFLAGS += -DFAL_FUZZ_REPLAY

$(BUILD)/libfaltest.a: $(TEST_OBJ)
	$(AR) rcs $@ $^

# Every unit test is linked the same way: its file, the test archive, the
# library.
$(UNIT_BIN): $(BUILD)/tests/%: $(BUILD)/tests/unit/%.o \
		$(BUILD)/libfaltest.a $(BUILD)/libfalconieri.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

# Installs the Debian packages the build, the tests and `make run` need;
# does nothing when they are all present.
deps:
	@sh scripts/deps.sh

deps-build:
	@sh scripts/deps.sh build

# The npm packages of the operator page's browser tests (tests/browser/:
# playwright-core, axe-core), with `npm ci` from package-lock.json.
browser-deps: deps
	@sh tests/browser/install.sh

test: deps browser-deps
	@$(MAKE) --no-print-directory all $(UNIT_BIN)
	@sh tests/run.sh $(BUILD)

test-unit: deps
	@$(MAKE) --no-print-directory $(UNIT_BIN)
	@sh tests/run.sh $(BUILD) unit

test-e2e: deps browser-deps
	@$(MAKE) --no-print-directory all
	@sh tests/run.sh $(BUILD) e2e

# The whole suite again, built with AddressSanitizer and UBSan.
test-asan: deps browser-deps
	@$(MAKE) --no-print-directory BUILD=build-asan OPTFLAGS="-O1 -g" \
		SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		all $(UNIT_SRC:tests/unit/%.c=build-asan/tests/%)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		sh tests/run.sh build-asan

# The unit tests under valgrind: any memory error or leak fails the run.
test-valgrind:
	@sh scripts/deps.sh valgrind
	@$(MAKE) --no-print-directory $(UNIT_BIN)
	@fail=0; for t in $(UNIT_BIN); do \
		log=$$t.valgrind.log; \
		if valgrind -q --leak-check=full \
		    --errors-for-leak-kinds=definite,indirect,possible \
		    --show-leak-kinds=definite,indirect,possible \
		    --error-exitcode=99 $$t >$$log 2>&1; then \
			echo "ok   valgrind $${t##*/}"; \
		else \
			cat $$log; echo "FAIL valgrind $${t##*/} (see $$log)"; \
			fail=1; \
		fi; \
	done; [ $$fail -eq 0 ]

# libFuzzer targets (tests/fuzz/fuzz_*.c), built with clang, ASan and UBSan
# into build-fuzz; `make fuzz FUZZ_SECONDS=N` runs each for N seconds.
FUZZ_SECONDS ?= 60
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/tests/unit/fake_http.o \
		$(BUILD)/libfalconieri.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -fsanitize=fuzzer -o $@ \
		$(filter %.c %.o %.a,$^) $(LDLIBS)

fuzz:
	@sh scripts/deps.sh fuzz
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang \
		OPTFLAGS="-O1 -g" SANFLAGS="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
		$(FUZZ_NAMES:%=build-fuzz/fuzz/fuzz_%)
	@UBSAN_OPTIONS=print_stacktrace=1 sh tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

.PHONY: fuzz test-valgrind

# The benchmark of docs/performance.md (not part of `make test`): nginx,
# Falconieri, the no-op FastCGI reference bench/noop.c and a static vendor,
# driven by wrk; BENCH_SECONDS, BENCH_ROUNDS, BENCH_CLIENTS, BENCH_PNG
# tune it (see bench/run.py).
$(BUILD)/noop: bench/noop.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lfcgi

$(BUILD)/noop-call: bench/noop.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DNOOP_CALL $(LDFLAGS) -o $@ $< -lfcgi \
		$(shell pkg-config --libs libcurl)

bench:
	@sh scripts/deps.sh bench
	@$(MAKE) --no-print-directory all $(BUILD)/noop $(BUILD)/noop-call
	@python3 bench/run.py $(BUILD)
	@python3 bench/batch.py $(BUILD)
	@python3 bench/batch_pg.py $(BUILD)

# The batch benchmarks alone (bench/batch.py: store overhead, paced vendor,
# memory; BENCH_BATCH_DEVICES and BENCH_BATCH_MEMORY_DEVICES scale it;
# bench/batch_pg.py: one, two, three processes on one PostgreSQL, then
# one and two against a paced vendor; BENCH_PG_DEVICES, BENCH_PG_ROUNDS,
# BENCH_PG_WORKERS, BENCH_PG_PACE_MS and BENCH_PG_PACED_DEVICES).
bench-batch:
	@sh scripts/deps.sh bench
	@$(MAKE) --no-print-directory all
	@python3 bench/batch.py $(BUILD)
	@python3 bench/batch_pg.py $(BUILD)

# The CPU one hostile vendor answer costs, per reader (bench/parse_cost.c):
# p50 and p99 in thread CPU time, against a linear pass; fails over 50 ms.
$(BUILD)/parse_cost: bench/parse_cost.c $(BUILD)/libfalconieri.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libfalconieri.a $(LDLIBS)

bench-parse:
	@$(MAKE) --no-print-directory $(BUILD)/parse_cost
	@$(BUILD)/parse_cost

.PHONY: bench bench-parse bench-batch

# The Debian package, built from a copy of the checkout (scripts/deb.sh):
# build/deb/falconieri_VERSION_ARCH.deb, checked by lintian.
deb:
	@sh scripts/deps.sh deb
	@sh scripts/deb.sh build/deb

.PHONY: deb

# The demo: nginx on 127.0.0.1:8080, Falconieri, and the vendor simulators.
run: deps
	@$(MAKE) --no-print-directory $(BUILD)/falconieri
	@sh scripts/run.sh start $(BUILD)

stop:
	@sh scripts/run.sh stop $(BUILD)

# make run, the README's curl, make stop and make test in a minimal Debian
# 12 root made with debootstrap (cached under ~/.cache): see the script.
check-fresh:
	@sh scripts/check-fresh.sh

.PHONY: check-fresh

# Installed paths.  The examples name /usr/local/bin/falconieri,
# /usr/local/lib/falconieri and /opt/falconieri/conf.json: installed, they
# name BINDIR's, PREFIX's and CONFFILE's instead (debian/rules sets them).
BINDIR    ?= $(PREFIX)/bin
CONFFILE  ?= /opt/falconieri/conf.json
MAN8DIR   := $(PREFIX)/share/man/man8
DOCDIR    := $(PREFIX)/share/doc/falconieri
EXDIR     := $(DOCDIR)/examples
LIBEXEC   := $(PREFIX)/lib/falconieri
WWWDIR    := $(PREFIX)/share/falconieri/www
UNITDIR   ?= $(PREFIX)/lib/systemd/system
UNITS     := falconieri.service falconieri-socket.service falconieri.socket
EXAMPLES  := lighttpd-falconieri.conf lighttpd-falconieri-cgi.conf \
             apache-falconieri.conf apache-falconieri-cgi.conf \
             apache-falconieri-basic-auth.conf
SCRIPTS   := spawn-fcgi.sh falconieri.cgi
SUBST     := sed -e 's|/usr/local/bin/falconieri|$(BINDIR)/falconieri|g' \
                 -e 's|/usr/local/lib/falconieri|$(LIBEXEC)|g' \
                 -e 's|/usr/local/share/falconieri/www|$(WWWDIR)|g' \
                 -e 's|/opt/falconieri/conf.json|$(CONFFILE)|g'

# Installs the etc/ files $(1) into folder $(2) with mode $(3), through SUBST.
install_etc = for f in $(1); do \
	$(SUBST) etc/$$f >$(2)/$$f && chmod $(3) $(2)/$$f || exit 1; done

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MAN8DIR) $(DESTDIR)$(EXDIR) \
		$(DESTDIR)$(LIBEXEC) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(WWWDIR)
	install -m 755 $(BUILD)/falconieri $(DESTDIR)$(BINDIR)/falconieri
	install -m 644 man/falconieri.8 $(DESTDIR)$(MAN8DIR)/falconieri.8
	install -m 644 etc/conf.json $(DESTDIR)$(DOCDIR)/conf.json.example
	install -m 644 docs/deploy.md docs/openapi.yaml $(DESTDIR)$(DOCDIR)/
	$(SUBST) nginx/falconieri.conf >$(DESTDIR)$(EXDIR)/nginx-falconieri.conf
	chmod 644 $(DESTDIR)$(EXDIR)/nginx-falconieri.conf
	install -m 644 www/*.html www/*.mjs www/*.css www/*.svg $(DESTDIR)$(WWWDIR)/
	install -m 644 nginx/falconieri-basic-auth.conf \
		$(DESTDIR)$(EXDIR)/nginx-falconieri-basic-auth.conf
	$(call install_etc,$(EXAMPLES),$(DESTDIR)$(EXDIR),644)
	$(call install_etc,$(SCRIPTS),$(DESTDIR)$(EXDIR),755)
	install -m 755 $(DESTDIR)$(EXDIR)/falconieri.cgi \
		$(DESTDIR)$(LIBEXEC)/falconieri.cgi
	$(call install_etc,$(UNITS),$(DESTDIR)$(UNITDIR),644)

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/falconieri $(DESTDIR)$(MAN8DIR)/falconieri.8 \
		$(DESTDIR)$(LIBEXEC)/falconieri.cgi
	rm -f $(UNITS:%=$(DESTDIR)$(UNITDIR)/%)
	rm -rf $(DESTDIR)$(DOCDIR) $(DESTDIR)$(WWWDIR)
	rmdir $(DESTDIR)$(LIBEXEC) $(DESTDIR)$(PREFIX)/share/falconieri \
		2>/dev/null || true

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
