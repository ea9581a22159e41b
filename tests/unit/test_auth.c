/* test_auth.c - lib/auth.c: the Bearer token check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../api/auth.h"

static char tok_a[] = "s3cret-token";
static char tok_b[] = "another-one";
static char *two_tokens[] = { tok_a, tok_b };

/* A config holding n of the tokens above, nothing else. */
static struct fal_config
with_tokens(size_t n)
{
	struct fal_config cfg = { 0 };

	cfg.api_tokens = n > 0 ? two_tokens : NULL;
	cfg.n_api_tokens = n;
	return cfg;
}

static void
test_no_tokens_lets_everyone_in(void **state)
{
	struct fal_config cfg = with_tokens(0);

	(void)state;
	assert_true(fal_auth_check(&cfg, NULL));
	assert_true(fal_auth_check(&cfg, ""));
	assert_true(fal_auth_check(&cfg, "Bearer whatever"));
}

static void
test_right_token(void **state)
{
	struct fal_config cfg = with_tokens(1);

	(void)state;
	assert_true(fal_auth_check(&cfg, "Bearer s3cret-token"));
}

static void
test_wrong_token(void **state)
{
	struct fal_config cfg = with_tokens(1);

	(void)state;
	assert_false(fal_auth_check(&cfg, "Bearer s3cret-tokem"));
	assert_false(fal_auth_check(&cfg, "Bearer S3CRET-TOKEN"));
}

static void
test_prefix_of_token(void **state)
{
	struct fal_config cfg = with_tokens(1);

	(void)state;
	assert_false(fal_auth_check(&cfg, "Bearer s3cret"));
	assert_false(fal_auth_check(&cfg, "Bearer s"));
}

static void
test_token_plus_extra(void **state)
{
	struct fal_config cfg = with_tokens(1);

	(void)state;
	assert_false(fal_auth_check(&cfg, "Bearer s3cret-tokenX"));
	assert_false(fal_auth_check(&cfg, "Bearer s3cret-token "));
	assert_false(fal_auth_check(&cfg, "Bearer s3cret-token,another-one"));
}

static void
test_wrong_scheme(void **state)
{
	struct fal_config cfg = with_tokens(1);

	(void)state;
	assert_false(fal_auth_check(&cfg, "Basic s3cret-token"));
	assert_false(fal_auth_check(&cfg, "Token s3cret-token"));
	assert_false(fal_auth_check(&cfg, "s3cret-token"));
	/* No space between scheme and token. */
	assert_false(fal_auth_check(&cfg, "Bearers3cret-token"));
	assert_false(fal_auth_check(&cfg, "Bearer"));
	assert_false(fal_auth_check(&cfg, "Bearer "));
	assert_false(fal_auth_check(&cfg, "Bearer   "));
}

static void
test_scheme_any_case_and_spaces(void **state)
{
	struct fal_config cfg = with_tokens(1);

	(void)state;
	assert_true(fal_auth_check(&cfg, "bearer s3cret-token"));
	assert_true(fal_auth_check(&cfg, "BEARER s3cret-token"));
	assert_true(fal_auth_check(&cfg, "bEaReR s3cret-token"));
	assert_true(fal_auth_check(&cfg, "Bearer   s3cret-token"));
}

static void
test_missing_header(void **state)
{
	struct fal_config cfg = with_tokens(1);

	(void)state;
	assert_false(fal_auth_check(&cfg, NULL));
	assert_false(fal_auth_check(&cfg, ""));
}

static void
test_several_tokens(void **state)
{
	struct fal_config cfg = with_tokens(2);

	(void)state;
	assert_true(fal_auth_check(&cfg, "Bearer s3cret-token"));
	assert_true(fal_auth_check(&cfg, "Bearer another-one"));
	assert_false(fal_auth_check(&cfg, "Bearer another"));
	assert_false(fal_auth_check(&cfg, "Bearer third"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_tokens_lets_everyone_in),
		cmocka_unit_test(test_right_token),
		cmocka_unit_test(test_wrong_token),
		cmocka_unit_test(test_prefix_of_token),
		cmocka_unit_test(test_token_plus_extra),
		cmocka_unit_test(test_wrong_scheme),
		cmocka_unit_test(test_scheme_any_case_and_spaces),
		cmocka_unit_test(test_missing_header),
		cmocka_unit_test(test_several_tokens),
	};

	return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
