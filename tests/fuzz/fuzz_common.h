/*
 * fuzz_common.h - what the fuzz targets share: a check that aborts (so
 * libFuzzer, or the replaying unit test, reports the input), a UTF-8
 * check for the answers we print, and the splitting of an input into
 * NUL-separated fields.
 *
 * Each target tests/fuzz/fuzz_<name>.c defines fuzz_<name>() and ends
 * with FUZZ_TARGET(fuzz_<name>): the libFuzzer entry point calling it,
 * unless FAL_FUZZ_REPLAY is defined.  The Makefile builds every target
 * with FAL_FUZZ_REPLAY into the test archive, and the unit test
 * tests/unit/test_fuzz_replay.c replays the seed corpora and every crash
 * input kept in tests/fuzz/corpus/<name>/ through them (fuzz_targets.h).
 */
#ifndef FAL_FUZZ_COMMON_H
#define FAL_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The libFuzzer entry point, calling fn; none when replaying. */
#ifdef FAL_FUZZ_REPLAY
#define FUZZ_TARGET(fn)
#else
#define FUZZ_TARGET(fn)							\
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);		\
									\
int									\
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)		\
{									\
	return fn(data, size);						\
}
#endif

/* Aborts with the broken property: a finding, not a skip. */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: fuzz check failed: %s\n",	\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

/* Whether s (len bytes) is well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF). */
static inline bool
fuzz_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned char c = p[i];
		size_t n;
		uint32_t cp, min;

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			n = 1; cp = c & 0x1f; min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2; cp = c & 0x0f; min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3; cp = c & 0x07; min = 0x10000;
		} else {
			return false;
		}
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

/* Fields of an input: NUL-separated, each a malloc'd C string. */
#define FUZZ_FIELDS_MAX 24

struct fuzz_fields {
	char *f[FUZZ_FIELDS_MAX];
	size_t len[FUZZ_FIELDS_MAX];
	size_t n;
};

/*
 * Splits data on NUL bytes into at most max fields, the last taking the
 * rest (NULs included, its length in len[]).  Returns 0, or -1 when out
 * of memory.
 */
static inline int
fuzz_split(const uint8_t *data, size_t size, size_t max,
	   struct fuzz_fields *out)
{
	size_t start = 0;

	memset(out, 0, sizeof(*out));
	if (max > FUZZ_FIELDS_MAX)
		max = FUZZ_FIELDS_MAX;
	while (out->n < max) {
		const uint8_t *nul = out->n + 1 < max
			? memchr(data + start, '\0', size - start) : NULL;
		size_t end = nul != NULL ? (size_t)(nul - data) : size;
		char *s = malloc(end - start + 1);

		if (s == NULL)
			return -1;
		memcpy(s, data + start, end - start);
		s[end - start] = '\0';
		out->f[out->n] = s;
		out->len[out->n] = end - start;
		out->n++;
		if (nul == NULL)
			break;
		start = end + 1;
	}
	return 0;
}

static inline void
fuzz_fields_free(struct fuzz_fields *ff)
{
	for (size_t i = 0; i < ff->n; i++)
		free(ff->f[i]);
	memset(ff, 0, sizeof(*ff));
}

/* Field i, or NULL when the input had fewer. */
static inline const char *
fuzz_field(const struct fuzz_fields *ff, size_t i)
{
	return i < ff->n ? ff->f[i] : NULL;
}

#endif
