/* test_mac.c - fal_mac_parse(): SPEC §1.1, the {mac} path segment. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/mac.h"

static void
expect_err(const char *s, enum fal_err want)
{
	struct fal_mac m;

	memset(&m, 0xAA, sizeof(m));
	assert_int_equal(fal_mac_parse(s, &m), want);
}

/* Parses s, which must be valid, and checks every notation. */
static void
expect_mac(const char *s, const char *hyphen, const char *upper12,
	   const char *lower12)
{
	struct fal_mac m;

	assert_int_equal(fal_mac_parse(s, &m), FAL_OK);
	assert_string_equal(m.hyphen, hyphen);
	assert_string_equal(m.upper12, upper12);
	assert_string_equal(m.lower12, lower12);
}

static void
test_spec_example(void **state)
{
	struct fal_mac m;
	static const unsigned char want[6] = { 0xAC, 0xDE, 0x48, 0x23, 0x45, 0x67 };

	(void)state;
	assert_int_equal(fal_mac_parse("AC-DE-48-23-45-67", &m), FAL_OK);
	assert_memory_equal(m.octet, want, 6);
	assert_string_equal(m.upper12, "ACDE48234567");
	assert_string_equal(m.lower12, "acde48234567");
	assert_string_equal(m.hyphen, "AC-DE-48-23-45-67");
}

static void
test_lower_case_normalised(void **state)
{
	(void)state;
	expect_mac("ac-de-48-23-45-67", "AC-DE-48-23-45-67", "ACDE48234567",
		   "acde48234567");
	expect_mac("aC-dE-4a-2B-45-6f", "AC-DE-4A-2B-45-6F", "ACDE4A2B456F",
		   "acde4a2b456f");
}

static void
test_colons_normalised(void **state)
{
	(void)state;
	expect_mac("AC:DE:48:23:45:67", "AC-DE-48-23-45-67", "ACDE48234567",
		   "acde48234567");
	expect_mac("00:15:65:ab:cd:ef", "00-15-65-AB-CD-EF", "001565ABCDEF",
		   "001565abcdef");
}

static void
test_missing(void **state)
{
	(void)state;
	expect_err(NULL, FAL_ERR_MISSING_MAC);
	expect_err("", FAL_ERR_MISSING_MAC);
}

static void
test_mixed_separators(void **state)
{
	(void)state;
	expect_err("AC-DE:48-23-45-67", FAL_ERR_MALFORMED_MAC);
	expect_err("AC:DE:48:23:45-67", FAL_ERR_MALFORMED_MAC);
	expect_err("AC.DE.48.23.45.67", FAL_ERR_MALFORMED_MAC);
	expect_err("AC DE 48 23 45 67", FAL_ERR_MALFORMED_MAC);
}

static void
test_wrong_length(void **state)
{
	(void)state;
	expect_err("ACDE48234567", FAL_ERR_MALFORMED_MAC);
	expect_err("AC-DE-48-23-45", FAL_ERR_MALFORMED_MAC);
	expect_err("AC-DE-48-23-45-6", FAL_ERR_MALFORMED_MAC);
	expect_err("AC-DE-48-23-45-67-", FAL_ERR_MALFORMED_MAC);
	expect_err("AC-DE-48-23-45-67-89", FAL_ERR_MALFORMED_MAC);
	expect_err("A-CDE-48-23-45-67", FAL_ERR_MALFORMED_MAC);
	expect_err("-", FAL_ERR_MALFORMED_MAC);
}

static void
test_non_hex(void **state)
{
	(void)state;
	expect_err("ZZ-DE-48-23-45-67", FAL_ERR_MALFORMED_MAC);
	expect_err("AC-DE-48-23-45-6G", FAL_ERR_MALFORMED_MAC);
	expect_err("AC-DE-48-23-45-+7", FAL_ERR_MALFORMED_MAC);
	expect_err("AC-DE-48-23-45- 7", FAL_ERR_MALFORMED_MAC);
	expect_err("0x-DE-48-23-45-67", FAL_ERR_MALFORMED_MAC);
	expect_err("AC-DE-48-23-45-\xc3\xa9", FAL_ERR_MALFORMED_MAC);
}

static void
test_spaces(void **state)
{
	(void)state;
	expect_err(" AC-DE-48-23-45-67", FAL_ERR_MALFORMED_MAC);
	expect_err("AC-DE-48-23-45-67 ", FAL_ERR_MALFORMED_MAC);
	expect_err("AC-DE-48-23-45-67\n", FAL_ERR_MALFORMED_MAC);
	expect_err(" AC-DE-48-23-45-6", FAL_ERR_MALFORMED_MAC);
}

static void
test_not_unicast(void **state)
{
	(void)state;
	expect_err("00-00-00-00-00-00", FAL_ERR_MALFORMED_MAC);
	expect_err("00:00:00:00:00:00", FAL_ERR_MALFORMED_MAC);
	expect_err("FF-FF-FF-FF-FF-FF", FAL_ERR_MALFORMED_MAC);
	expect_err("ff:ff:ff:ff:ff:ff", FAL_ERR_MALFORMED_MAC);
	expect_err("01-00-5E-00-00-01", FAL_ERR_MALFORMED_MAC);
	expect_err("33-33-00-00-00-01", FAL_ERR_MALFORMED_MAC);
	expect_err("AD-DE-48-23-45-67", FAL_ERR_MALFORMED_MAC);
}

/* Just beside the rejected addresses: these are unicast and valid. */
static void
test_unicast_edges(void **state)
{
	(void)state;
	expect_mac("00-00-00-00-00-01", "00-00-00-00-00-01", "000000000001",
		   "000000000001");
	expect_mac("02-00-00-00-00-00", "02-00-00-00-00-00", "020000000000",
		   "020000000000");
	expect_mac("FE-FF-FF-FF-FF-FF", "FE-FF-FF-FF-FF-FF", "FEFFFFFFFFFF",
		   "feffffffffff");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_example),
		cmocka_unit_test(test_lower_case_normalised),
		cmocka_unit_test(test_colons_normalised),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_mixed_separators),
		cmocka_unit_test(test_wrong_length),
		cmocka_unit_test(test_non_hex),
		cmocka_unit_test(test_spaces),
		cmocka_unit_test(test_not_unicast),
		cmocka_unit_test(test_unicast_edges),
	};

	return cmocka_run_group_tests_name("mac", tests, NULL, NULL);
}
