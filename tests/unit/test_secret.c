/*
 * test_secret.c - lib/secret.c: every form of a registered secret is
 * masked (as written, percent-encoded, Basic credential, base64 at each
 * alignment inside longer base64), on the whole text; transient secrets
 * are bounded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "../../lib/secret.h"

static const char pw[] = "Pa55-w0rd/Secret";

/* The text s redacted, in a static buffer. */
static const char *
redact(const char *s)
{
	static char out[4096];
	size_t len;
	char *r = fal_secret_redacted(s, strlen(s), &len);

	assert_non_null(r);
	assert_int_equal(strlen(r), len);
	snprintf(out, sizeof(out), "%s", r);
	free(r);
	return out;
}

/* base64 of the n bytes at s, in a static buffer. */
static const char *
b64(const char *s, size_t n)
{
	static char out[1024];

	EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)s, (int)n);
	return out;
}

static int
teardown(void **state)
{
	(void)state;
	fal_secret_forget_all();
	return 0;
}

static void
test_plain_and_escaped(void **state)
{
	(void)state;
	assert_int_equal(fal_secret_add(pw, false), 0);
	assert_string_equal(redact("bad password Pa55-w0rd/Secret!"),
			    "bad password ***!");
	assert_string_equal(redact("pw=Pa55-w0rd%2FSecret&x"), "pw=***&x");
	assert_string_equal(redact("nothing here"), "nothing here");
	assert_string_equal(redact("Pa55-w0rd/SecretPa55-w0rd/Secret"), "******");
}

/* base64 of anything holding the secret, whatever its alignment. */
static void
test_base64_at_every_alignment(void **state)
{
	char text[256], *hit;

	(void)state;
	assert_int_equal(fal_secret_add(pw, false), 0);
	for (int k = 0; k < 6; k++) {
		char cred[128];
		int n = snprintf(cred, sizeof(cred), "%.*s:%s", k, "uuuuu", pw);

		snprintf(text, sizeof(text), "Authorization: Basic %.200s",
			 b64(cred, (size_t)n));
		const char *r = redact(text);
		/* What is left of the base64 decodes to no part of pw. */
		assert_non_null(hit = strstr(r, FAL_SECRET_MASK));
		assert_true(strlen(r) < strlen(text));
		assert_null(strstr(r, b64(pw, strlen(pw))));
	}
	snprintf(text, sizeof(text), "echo %.200s.", b64(pw, strlen(pw)));
	assert_string_equal(redact(text), "echo ***.");
}

/* A short password has no base64 core; its Basic credential is masked. */
static void
test_basic_credential(void **state)
{
	char text[256];

	(void)state;
	assert_int_equal(fal_secret_add("pw1", false), 0);
	assert_int_equal(fal_secret_add_basic("alice", "pw1"), 0);
	snprintf(text, sizeof(text), "Basic %.200s", b64("alice:pw1", 9));
	assert_string_equal(redact(text), "Basic ***");
	assert_int_equal(fal_secret_add_basic("alice", ""), 0);
	assert_int_equal(fal_secret_add_basic("alice", NULL), 0);
}

static void
test_uri_password(void **state)
{
	(void)state;
	assert_int_equal(fal_secret_add_uri_password(
		"postgresql://fal:s3cr%40t-DB-pass@db.example/falconieri"), 0);
	assert_string_equal(redact("could not connect: s3cr@t-DB-pass"),
			    "could not connect: ***");
	assert_string_equal(redact("uri fal:s3cr%40t-DB-pass@db"),
			    "uri fal:***@db");
	assert_int_equal(fal_secret_add_uri_password("sqlite:/var/lib/x.db"), 0);
	assert_int_equal(fal_secret_add_uri_password("not a uri"), 0);
	assert_int_equal(fal_secret_add_uri_password(NULL), 0);
}

static void
test_config_secrets(void **state)
{
	/* Two vendors, one of each kind: the library knows no vendor. */
	struct fal_provider_conf confs[2] = {
		{ .user = "snomuser", .password = "x1", .client_id = "",
		  .client_secret = "" },
		{ .user = "", .password = "", .client_id = "grape-id",
		  .client_secret = "grape-secret-key" },
	};
	struct fal_config cfg;
	char text[256];

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.providers = confs;
	cfg.n_providers = 2;
	assert_int_equal(fal_secret_add_config(&cfg), 0);
	snprintf(text, sizeof(text), "%.40s ", b64("snomuser:x1", 11));
	snprintf(text + strlen(text), sizeof(text) - strlen(text),
		 "%.60s grape-secret-key", b64("grape-id:grape-secret-key", 25));
	assert_string_equal(redact(text), "*** *** ***");
}

/* Transient secrets: the last few are kept, older ones forgotten. */
static void
test_transient_bounded(void **state)
{
	char tok[64];

	(void)state;
	for (int i = 0; i < 100; i++) {
		snprintf(tok, sizeof(tok), "bearer-token-number-%03d", i);
		assert_int_equal(fal_secret_add(tok, true), 0);
	}
	assert_string_equal(redact("t bearer-token-number-099"), "t ***");
	assert_string_equal(redact("t bearer-token-number-095"), "t ***");
	assert_string_equal(redact("t bearer-token-number-000"),
			    "t bearer-token-number-000");
}

/* Redaction sees the whole text: a secret after 1 MiB is masked too. */
static void
test_whole_text(void **state)
{
	size_t n = 1024 * 1024, len;
	char *text = malloc(n + sizeof(pw)), *r;

	(void)state;
	assert_int_equal(fal_secret_add(pw, false), 0);
	memset(text, 'A', n);
	memcpy(text + n, pw, sizeof(pw));
	r = fal_secret_redacted(text, n + sizeof(pw) - 1, &len);
	assert_int_equal(len, n + 3);
	assert_memory_equal(r + n, "***", 4);
	free(r);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_plain_and_escaped, teardown),
		cmocka_unit_test_teardown(test_base64_at_every_alignment, teardown),
		cmocka_unit_test_teardown(test_basic_credential, teardown),
		cmocka_unit_test_teardown(test_uri_password, teardown),
		cmocka_unit_test_teardown(test_config_secrets, teardown),
		cmocka_unit_test_teardown(test_transient_bounded, teardown),
		cmocka_unit_test_teardown(test_whole_text, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
