/*
 * test_fuzz_replay.c - replays every input kept in tests/fuzz/corpus/<target>/
 * (the seeds and each crash a fuzz target once found) through the fuzz
 * targets themselves, built without libFuzzer: each input must go through
 * with every property the target checks (a broken one aborts), so a bug a
 * fuzzer found stays fixed under plain `make test`, ASan and valgrind.
 *
 * The corpus directory is tests/fuzz/corpus from the current directory
 * (make runs the tests from the top of the tree), or $FAL_FUZZ_CORPUS.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../fuzz/fuzz_targets.h"

/* Reads path whole into *data; returns its size, or -1. */
static long
read_input(const char *path, uint8_t **data)
{
	FILE *f = fopen(path, "rb");
	long n = -1;

	*data = NULL;
	if (f == NULL)
		return -1;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 &&
	    (*data = malloc((size_t)n + 1)) != NULL &&
	    fread(*data, 1, (size_t)n, f) == (size_t)n) {
		fclose(f);
		return n;
	}
	free(*data);
	*data = NULL;
	fclose(f);
	return -1;
}

/* Runs fn on every file of the target's corpus; returns how many. */
static int
replay(const char *target, int (*fn)(const uint8_t *, size_t))
{
	const char *root = getenv("FAL_FUZZ_CORPUS");
	char dir[512], path[1024];
	struct dirent *e;
	int count = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s",
		 root != NULL ? root : "tests/fuzz/corpus", target);
	d = opendir(dir);
	if (d == NULL)
		fail_msg("no corpus directory %s (run from the top of the tree)",
			 dir);
	while ((e = readdir(d)) != NULL) {
		uint8_t *data;
		long n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		n = read_input(path, &data);
		assert_true(n >= 0);
		fprintf(stderr, "# %s\n", path);
		assert_int_equal(fn(data, (size_t)n), 0);
		free(data);
		count++;
	}
	closedir(d);
	return count;
}

static void
test_replay_request(void **state)
{
	(void)state;
	assert_true(replay("request", fuzz_request) > 0);
}

static void
test_replay_xmlrpc(void **state)
{
	(void)state;
	assert_true(replay("xmlrpc", fuzz_xmlrpc) > 0);
}

static void
test_replay_config(void **state)
{
	(void)state;
	assert_true(replay("config", fuzz_config) > 0);
}

static void
test_replay_ymcs(void **state)
{
	(void)state;
	assert_true(replay("ymcs", fuzz_ymcs) > 0);
}

static void
test_replay_grape(void **state)
{
	(void)state;
	assert_true(replay("grape", fuzz_grape) > 0);
}

static void
test_replay_batch(void **state)
{
	(void)state;
	assert_true(replay("batch", fuzz_batch) > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_request),
		cmocka_unit_test(test_replay_xmlrpc),
		cmocka_unit_test(test_replay_config),
		cmocka_unit_test(test_replay_ymcs),
		cmocka_unit_test(test_replay_grape),
		cmocka_unit_test(test_replay_batch),
	};

	return cmocka_run_group_tests_name("fuzz_replay", tests, NULL, NULL);
}
