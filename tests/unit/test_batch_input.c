/*
 * test_batch_input.c - batch/input.c: POST /batches bodies (SPEC §6.1),
 * JSON and CSV, checked row by row with §1.1's codes in their order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../batch/input.h"
#include "../../providers/table.h"

static struct fal_config cfg;
static struct fal_provider_conf confs[FAL_PROVIDER__MAX];

static int
setup(void **state)
{
	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	memset(confs, 0, sizeof(confs));
	cfg.vendors = fal_vendors;
	cfg.providers = confs;
	cfg.n_providers = FAL_PROVIDER__MAX;
	for (int p = 0; p < FAL_PROVIDER__MAX; p++)
		cfg.providers[p].enabled = p != FAL_FANVIL;
	return 0;
}

/* Parses s from an exact-size buffer. */
static enum fal_err
parse(enum fal_batch_format f, const char *action, const char *s,
      struct fal_batch_input *in)
{
	size_t len = strlen(s);
	char *buf = malloc(len ? len : 1);
	enum fal_err rc;

	memcpy(buf, s, len);
	rc = fal_batch_input_parse(&cfg, f, action, buf, len, in);
	free(buf);
	return rc;
}

static void
test_json_ok(void **state)
{
	struct fal_batch_input in;

	(void)state;
	assert_int_equal(parse(FAL_BATCH_JSON, NULL,
	    "{\"action\":\"register\",\"devices\":["
	    "{\"provider\":\"snom\",\"mac\":\"ac:de:48:23:45:67\",\"url\":\"https://pbx/p/\"},"
	    "{\"provider\":\"ymcs\",\"mac\":\"00-15-65-11-22-33\",\"url\":\"https://pbx/p/\",\"sn\":\"8012\"},"
	    "{\"provider\":\"gigaset\",\"mac\":\"00-01-E3-11-22-33\",\"url\":\"https://pbx/p/\",\"crc\":\"ab12\"}]}",
	    &in), FAL_OK);
	assert_int_equal(in.action, FAL_BATCH_REGISTER);
	assert_int_equal(in.n, 3);
	assert_string_equal(in.rows[0].mac, "AC-DE-48-23-45-67");
	assert_int_equal(in.rows[0].provider, FAL_SNOM);
	assert_null(in.rows[0].sn);
	assert_string_equal(in.rows[1].sn, "8012");
	assert_string_equal(in.rows[2].crc, "AB12");
	assert_int_equal(in.rows[2].row, 3);
	fal_batch_input_free(&in);
}

/* Each row gets the first §1.1 code that applies, in the order given. */
static void
test_json_row_codes(void **state)
{
	static const struct { const char *dev; enum fal_err want; } cases[] = {
		{ "{\"provider\":\"nokia\",\"mac\":\"x\"}", FAL_ERR_PROVIDER_NOT_SUPPORTED },
		{ "{\"provider\":\"fanvil\",\"mac\":\"x\"}", FAL_ERR_PROVIDER_NOT_SUPPORTED },
		{ "{\"mac\":\"AC-DE-48-23-45-67\"}", FAL_ERR_PROVIDER_NOT_SUPPORTED },
		{ "{\"provider\":\"snom\",\"url\":\"https://p/\"}", FAL_ERR_MISSING_MAC },
		{ "{\"provider\":\"snom\",\"mac\":\"ZZ-DE-48-23-45-67\"}", FAL_ERR_MALFORMED_MAC },
		{ "{\"provider\":\"snom\",\"mac\":12}", FAL_ERR_MALFORMED_MAC },
		{ "{\"provider\":\"snom\",\"mac\":\"FF-FF-FF-FF-FF-FF\",\"url\":\"https://p/\"}", FAL_ERR_MALFORMED_MAC },
		{ "{\"provider\":\"snom\",\"mac\":\"AC-DE-48-23-45-67\"}", FAL_ERR_MISSING_URL },
		{ "{\"provider\":\"snom\",\"mac\":\"AC-DE-48-23-45-67\",\"url\":\"mailto:x\"}", FAL_ERR_UNSUPPORTED_URL_SCHEME },
		{ "{\"provider\":\"snom\",\"mac\":\"AC-DE-48-23-45-67\",\"url\":\"http://a b/\"}", FAL_ERR_UNPARSABLE_URL },
		{ "{\"provider\":\"ymcs\",\"mac\":\"AC-DE-48-23-45-67\",\"url\":\"http://a/\",\"sn\":5}", FAL_ERR_MALFORMED_SERIAL },
		{ "{\"provider\":\"ymcs\",\"mac\":\"AC-DE-48-23-45-67\",\"url\":\"http://a/\",\"sn\":\"\"}", FAL_ERR_MALFORMED_SERIAL },
		{ "{\"provider\":\"gigaset\",\"mac\":\"AC-DE-48-23-45-67\",\"url\":\"http://a/\"}", FAL_ERR_MISSING_CRC },
		{ "{\"provider\":\"gigaset\",\"mac\":\"AC-DE-48-23-45-67\",\"url\":\"http://a/\",\"crc\":\"AB1\"}", FAL_ERR_INVALID_CRC },
		/* The URL is checked before the crc, as in a PUT. */
		{ "{\"provider\":\"gigaset\",\"mac\":\"AC-DE-48-23-45-67\"}", FAL_ERR_MISSING_URL },
	};
	struct fal_batch_input in;
	char body[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(body, sizeof(body), "{\"devices\":[{\"provider\":\"snom\","
			 "\"mac\":\"00-04-13-00-00-01\",\"url\":\"http://a/\"},%s]}",
			 cases[i].dev);
		assert_int_equal(parse(FAL_BATCH_JSON, NULL, body, &in),
				 FAL_ERR_INVALID_BATCH);
		if (in.n_bad != 1 || in.bad[0].row != 2 ||
		    in.bad[0].code != cases[i].want)
			fail_msg("%s: got %zu rows, first %s, want %s", cases[i].dev,
				 in.n_bad, fal_err_code(in.bad[0].code),
				 fal_err_code(cases[i].want));
		fal_batch_input_free(&in);
	}
}

/* Deregister needs no url; gigaset's crc is still checked. */
static void
test_deregister_ignores_url(void **state)
{
	struct fal_batch_input in;

	(void)state;
	assert_int_equal(parse(FAL_BATCH_JSON, NULL, "{\"action\":\"deregister\","
	    "\"devices\":[{\"provider\":\"snom\",\"mac\":\"AC-DE-48-23-45-67\"}]}",
	    &in), FAL_OK);
	assert_int_equal(in.action, FAL_BATCH_DEREGISTER);
	assert_null(in.rows[0].url);
	fal_batch_input_free(&in);
	assert_int_equal(parse(FAL_BATCH_JSON, NULL, "{\"action\":\"deregister\","
	    "\"devices\":[{\"provider\":\"gigaset\",\"mac\":\"AC-DE-48-23-45-67\"}]}",
	    &in), FAL_ERR_INVALID_BATCH);
	assert_int_equal(in.bad[0].code, FAL_ERR_MISSING_CRC);
	fal_batch_input_free(&in);
}

static void
test_duplicates(void **state)
{
	struct fal_batch_input in;

	(void)state;
	assert_int_equal(parse(FAL_BATCH_CSV, NULL,
	    "provider,mac,url\n"
	    "snom,AC-DE-48-23-45-67,http://a/\n"
	    "snom,ZZ,http://a/\n"
	    "snom,ac:de:48:23:45:67,http://b/\n"
	    "yealink,AC-DE-48-23-45-67,http://a/\n"
	    "snom,AC-DE-48-23-45-67,http://c/\n", &in), FAL_ERR_INVALID_BATCH);
	assert_int_equal(in.n_bad, 3);
	assert_int_equal(in.bad[0].row, 2);
	assert_int_equal(in.bad[0].code, FAL_ERR_MALFORMED_MAC);
	assert_int_equal(in.bad[1].row, 3);
	assert_int_equal(in.bad[1].code, FAL_ERR_DUPLICATE_DEVICE);
	assert_int_equal(in.bad[2].row, 5);
	assert_int_equal(in.bad[2].code, FAL_ERR_DUPLICATE_DEVICE);
	fal_batch_input_free(&in);
}

/* 150 bad rows: the first 100, in order, and the count of all. */
static void
test_first_100_invalid(void **state)
{
	struct fal_batch_input in;
	size_t cap = 200 * 64, len;
	char *body = malloc(cap);

	(void)state;
	len = (size_t)snprintf(body, cap, "provider,mac,url\n");
	for (int i = 0; i < 200; i++)
		len += (size_t)snprintf(body + len, cap - len,
		    i % 4 == 0 ? "snom,AC-DE-48-00-00-%02X,http://a/\n"
			       : "snom,AC-DE-48-00-00-%02X,\n", i);
	assert_int_equal(parse(FAL_BATCH_CSV, NULL, body, &in),
			 FAL_ERR_INVALID_BATCH);
	assert_int_equal(in.invalid, 150);
	assert_int_equal(in.n_bad, 100);
	assert_int_equal(in.bad[0].row, 2);
	assert_int_equal(in.bad[99].row, 134);
	for (int i = 0; i < 100; i++)
		assert_int_equal(in.bad[i].code, FAL_ERR_MISSING_URL);
	fal_batch_input_free(&in);
	free(body);
}

static void
test_csv_ok_any_column_order(void **state)
{
	struct fal_batch_input in;

	(void)state;
	assert_int_equal(parse(FAL_BATCH_CSV, "register",
	    "\xef\xbb\xbfurl,crc,MAC,provider\r\n"
	    "\"https://pbx/p,1/\",ab12,00-01-E3-11-22-33,gigaset\r\n"
	    "https://pbx/p/,,AC-DE-48-23-45-67,snom\r\n", &in), FAL_OK);
	assert_int_equal(in.n, 2);
	assert_string_equal(in.rows[0].url, "https://pbx/p,1/");
	assert_string_equal(in.rows[0].crc, "AB12");
	assert_string_equal(in.rows[1].crc, "");
	fal_batch_input_free(&in);
}

/* Bodies refused whole, with a message and no rows. */
static void
test_refused_bodies(void **state)
{
	static const struct { enum fal_batch_format f; const char *action, *body; } cases[] = {
		{ FAL_BATCH_JSON, NULL, "" },
		{ FAL_BATCH_JSON, NULL, "[]" },
		{ FAL_BATCH_JSON, NULL, "{\"devices\":[]}" },
		{ FAL_BATCH_JSON, NULL, "{\"devices\":{}}" },
		{ FAL_BATCH_JSON, NULL, "{\"devices\":[1]}" },
		{ FAL_BATCH_JSON, NULL, "{\"action\":\"wipe\",\"devices\":[{}]}" },
		{ FAL_BATCH_JSON, NULL, "{\"action\":1,\"devices\":[{}]}" },
		{ FAL_BATCH_JSON, NULL, "{\"devices\":[{\"provider\":\"sn\xffom\"}]}" },
		{ FAL_BATCH_CSV, NULL, "" },
		{ FAL_BATCH_CSV, NULL, "provider,mac\n" },
		{ FAL_BATCH_CSV, NULL, "snom,AC-DE-48-23-45-67\n" },
		{ FAL_BATCH_CSV, NULL, "provider,mac,colour\nsnom,AC-DE-48-23-45-67,red\n" },
		{ FAL_BATCH_CSV, NULL, "provider,mac,mac\n" },
		{ FAL_BATCH_CSV, NULL, "provider,url\nsnom,http://a/\n" },
		{ FAL_BATCH_CSV, NULL, "provider,mac,url\nsnom,\"AC-DE-48-23-45-67,http://a/\n" },
		{ FAL_BATCH_CSV, NULL, "provider,mac,url\nsnom,AC-DE-48-23-45-67\n" },
		{ FAL_BATCH_CSV, "wipe", "provider,mac\nsnom,AC-DE-48-23-45-67\n" },
		{ FAL_BATCH_CSV, NULL, "provider,mac,url\nsnom,AC-DE-48-23-45-67,http://\xe9/\n" },
	};
	struct fal_batch_input in;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum fal_err rc = parse(cases[i].f, cases[i].action, cases[i].body, &in);
		if (rc != FAL_ERR_INVALID_BATCH || in.message[0] == '\0' || in.n_bad != 0)
			fail_msg("case %zu: %s, message \"%s\"", i, fal_err_code(rc),
				 in.message);
		fal_batch_input_free(&in);
	}
}

static void
test_too_many_devices(void **state)
{
	struct fal_batch_input in;
	size_t n = FAL_BATCH_MAX_DEVICES + 1, cap = n * 32 + 64, len;
	char *body = malloc(cap);

	(void)state;
	len = (size_t)snprintf(body, cap, "provider,mac\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(body + len, cap - len,
					"snom,AC-DE-48-%02zX-%02zX-%02zX\n",
					(i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
	assert_int_equal(parse(FAL_BATCH_CSV, "deregister", body, &in),
			 FAL_ERR_REQUEST_TOO_LARGE);
	fal_batch_input_free(&in);
	/* Exactly the limit is fine. */
	*strrchr(body, 's') = '\0';
	assert_int_equal(parse(FAL_BATCH_CSV, "deregister", body, &in), FAL_OK);
	assert_int_equal(in.n, FAL_BATCH_MAX_DEVICES);
	fal_batch_input_free(&in);
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_ok),
		cmocka_unit_test(test_json_row_codes),
		cmocka_unit_test(test_deregister_ignores_url),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_first_100_invalid),
		cmocka_unit_test(test_csv_ok_any_column_order),
		cmocka_unit_test(test_refused_bodies),
		cmocka_unit_test(test_too_many_devices),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
