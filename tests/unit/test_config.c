/*
 * test_config.c - lib/config.c: file, environment, fail-fast, defaults,
 * for the vendors of the list (providers/list.h) and for rows of a
 * made-up vendor, since the library knows none.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../lib/config.h"
#include "../../providers/table.h"

/* The global variables of SPEC §3. */
static const char *const global_vars[] = {
	"FALCONIERI_API_TOKENS", "FALCONIERI_BASE_PATH",
	"FALCONIERI_CONNECT_TIMEOUT_MS", "FALCONIERI_TIMEOUT_MS",
	"FALCONIERI_CA_FILE", "FALCONIERI_LOG_FORMAT",
	"FALCONIERI_BATCH_STORE", "FALCONIERI_BATCH_WORKERS",
	"FALCONIERI_BATCH_PER_VENDOR", "FALCONIERI_BATCH_ATTEMPTS",
	"FALCONIERI_BATCH_RETRY_MS", "FALCONIERI_BATCH_KEEP_DAYS",
};

/* The suffixes of a vendor's variables, any kind (SPEC §3). */
static const char *const vendor_keys[] = {
	"USER", "PASSWORD", "RPC_URL", "BASE_URL", "CLIENT_ID",
	"CLIENT_SECRET", "DISABLE", "DISABLE_CRC",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static char tmpdir[64];
static char path[128];      /* the test's config file */
static char missing[128];   /* a file that does not exist */
static char errbuf[512];

/* "<NAME>_<key>": a vendor's variable. */
static const char *
var_name(const char *vendor, const char *key)
{
	static char name[64];
	size_t i;

	snprintf(name, sizeof(name), "%s_%s", vendor, key);
	for (i = 0; name[i] != '_'; i++)
		name[i] = (char)(name[i] - 'a' + 'A');
	return name;
}

/* Unsets every variable of SPEC §3, those of each listed vendor too. */
static void
clear_env(void)
{
	size_t i, k;

	for (i = 0; i < NELEM(global_vars); i++)
		unsetenv(global_vars[i]);
	for (i = 0; i < FAL_PROVIDER__MAX; i++)
		for (k = 0; k < NELEM(vendor_keys); k++)
			unsetenv(var_name(fal_vendors[i].name, vendor_keys[k]));
	unsetenv("ACME_RPC_URL");
	unsetenv("ACME_DISABLE_CRC");
}

static int
group_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_config.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/conf.json", tmpdir);
	snprintf(missing, sizeof(missing), "%s/nope.json", tmpdir);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(tmpdir);
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	clear_env();
	unlink(path);
	errbuf[0] = '\0';
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	clear_env();
	return 0;
}

static void
write_conf(const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Loads path and expects success. */
static void
load_ok(struct fal_config *cfg, const char *file)
{
	int rc = fal_providers_config_load(cfg, file, errbuf, sizeof(errbuf));

	if (rc != 0)
		print_error("unexpected failure: %s\n", errbuf);
	assert_int_equal(rc, 0);
}

/* Loads and expects failure whose message starts with who + ": " and has what. */
static void
load_fails(const char *file, const char *who, const char *what)
{
	struct fal_config cfg;
	size_t n = strlen(who);

	memset(&cfg, 0xa5, sizeof(cfg));
	assert_int_equal(fal_providers_config_load(&cfg, file, errbuf,
						   sizeof(errbuf)), -1);
	if (strncmp(errbuf, who, n) != 0 || strncmp(errbuf + n, ": ", 2) != 0 ||
	    strstr(errbuf, what) == NULL)
		fail_msg("message \"%s\" should name \"%s\" and say \"%s\"",
			 errbuf, who, what);
	/* "On failure cfg holds nothing to free." */
	assert_null(cfg.api_tokens);
	assert_null(cfg.base_path);
	assert_null(cfg.providers);
}

static void
test_missing_file_defaults(void **state)
{
	struct fal_config cfg;
	unsigned i;

	(void)state;
	load_ok(&cfg, missing);
	for (i = 0; i < FAL_PROVIDER__MAX; i++) {
		assert_string_equal(cfg.providers[i].user, "");
		assert_string_equal(cfg.providers[i].password, "");
		assert_string_equal(cfg.providers[i].rpc_url, "");
		assert_string_equal(cfg.providers[i].base_url, "");
		assert_string_equal(cfg.providers[i].client_id, "");
		assert_string_equal(cfg.providers[i].client_secret, "");
		assert_false(cfg.providers[i].disable);
		assert_false(cfg.providers[i].disable_crc);
		assert_false(cfg.providers[i].enabled);
	}
	assert_int_equal(cfg.n_api_tokens, 0);
	assert_string_equal(cfg.base_path, "");
	assert_string_equal(cfg.ca_file, "");
	assert_int_equal(cfg.connect_timeout_ms, 5000);
	assert_int_equal(cfg.timeout_ms, 30000);
	assert_int_equal(cfg.log_format, FAL_LOG_TEXT);
	fal_config_free(&cfg);
}

static void
test_file_only(void **state)
{
	struct fal_config cfg;

	(void)state;
	write_conf("{\"providers\":{"
		   "\"snom\":{\"user\":\"su\",\"password\":\"sp\","
		   "\"rpc_url\":\"https://snom/x\",\"disable\":false},"
		   "\"gigaset\":{\"user\":\"gu\",\"password\":\"gp\","
		   "\"rpc_url\":\"https://gig/x\",\"disable_crc\":true},"
		   "\"fanvil\":{\"rpc_url\":\"https://fan/x\",\"disable\":true},"
		   "\"ymcs\":{\"base_url\":\"https://ymcs\",\"client_id\":\"yi\","
		   "\"client_secret\":\"ys\"},"
		   "\"sraps\":{\"base_url\":\"https://sraps/\","
		   "\"client_id\":\"si\"}},"
		   "\"api_tokens\":[\"t1\",\"t2\"],"
		   "\"base_path\":\"/falconieri\","
		   "\"connect_timeout_ms\":1234,\"timeout_ms\":5678,"
		   "\"ca_file\":\"/etc/ca.pem\",\"log_format\":\"json\"}");
	load_ok(&cfg, path);
	assert_string_equal(cfg.providers[FAL_SNOM].user, "su");
	assert_string_equal(cfg.providers[FAL_SNOM].password, "sp");
	assert_string_equal(cfg.providers[FAL_SNOM].rpc_url, "https://snom/x");
	assert_true(cfg.providers[FAL_SNOM].enabled);
	assert_true(cfg.providers[FAL_GIGASET].disable_crc);
	assert_true(cfg.providers[FAL_GIGASET].enabled);
	assert_true(cfg.providers[FAL_FANVIL].disable);
	assert_false(cfg.providers[FAL_FANVIL].enabled);
	assert_false(cfg.providers[FAL_YEALINK].enabled);
	assert_string_equal(cfg.providers[FAL_YMCS].base_url, "https://ymcs");
	assert_string_equal(cfg.providers[FAL_YMCS].client_id, "yi");
	assert_string_equal(cfg.providers[FAL_YMCS].client_secret, "ys");
	assert_true(cfg.providers[FAL_YMCS].enabled);
	assert_false(cfg.providers[FAL_SRAPS].enabled);  /* no secret */
	assert_false(cfg.providers[FAL_GRAPE].enabled);
	assert_int_equal(cfg.n_api_tokens, 2);
	assert_string_equal(cfg.api_tokens[0], "t1");
	assert_string_equal(cfg.api_tokens[1], "t2");
	assert_string_equal(cfg.base_path, "/falconieri");
	assert_int_equal(cfg.connect_timeout_ms, 1234);
	assert_int_equal(cfg.timeout_ms, 5678);
	assert_string_equal(cfg.ca_file, "/etc/ca.pem");
	assert_int_equal(cfg.log_format, FAL_LOG_JSON);
	fal_config_free(&cfg);
}

static void
test_env_only(void **state)
{
	struct fal_config cfg;

	(void)state;
	setenv("SNOM_USER", "su", 1);
	setenv("SNOM_PASSWORD", "sp", 1);
	setenv("SNOM_RPC_URL", "https://snom/x", 1);
	setenv("GIGASET_RPC_URL", "https://gig/x", 1);
	setenv("GIGASET_DISABLE_CRC", "true", 1);
	setenv("FANVIL_RPC_URL", "https://fan/x", 1);
	setenv("FANVIL_DISABLE", "1", 1);
	setenv("YEALINK_USER", "yu", 1);
	setenv("YMCS_BASE_URL", "https://ymcs", 1);
	setenv("YMCS_CLIENT_ID", "yi", 1);
	setenv("YMCS_CLIENT_SECRET", "ys", 1);
	setenv("GRAPE_BASE_URL", "https://grape/", 1);
	setenv("GRAPE_CLIENT_ID", "gi", 1);
	setenv("GRAPE_CLIENT_SECRET", "gs", 1);
	setenv("SRAPS_BASE_URL", "https://sraps/", 1);
	setenv("SRAPS_CLIENT_ID", "si", 1);
	setenv("SRAPS_CLIENT_SECRET", "ss", 1);
	setenv("SRAPS_DISABLE", "T", 1);
	setenv("FALCONIERI_API_TOKENS", "a,b", 1);
	setenv("FALCONIERI_BASE_PATH", "/fal", 1);
	setenv("FALCONIERI_CONNECT_TIMEOUT_MS", "100", 1);
	setenv("FALCONIERI_TIMEOUT_MS", "200", 1);
	setenv("FALCONIERI_CA_FILE", "/ca.pem", 1);
	setenv("FALCONIERI_LOG_FORMAT", "json", 1);
	load_ok(&cfg, missing);
	assert_string_equal(cfg.providers[FAL_SNOM].user, "su");
	assert_string_equal(cfg.providers[FAL_SNOM].password, "sp");
	assert_string_equal(cfg.providers[FAL_SNOM].rpc_url, "https://snom/x");
	assert_true(cfg.providers[FAL_SNOM].enabled);
	assert_true(cfg.providers[FAL_GIGASET].disable_crc);
	assert_true(cfg.providers[FAL_GIGASET].enabled);
	assert_false(cfg.providers[FAL_FANVIL].enabled);
	assert_string_equal(cfg.providers[FAL_YEALINK].user, "yu");
	assert_false(cfg.providers[FAL_YEALINK].enabled);
	assert_string_equal(cfg.providers[FAL_YMCS].client_secret, "ys");
	assert_true(cfg.providers[FAL_YMCS].enabled);
	assert_string_equal(cfg.providers[FAL_GRAPE].base_url,
			    "https://grape/");
	assert_string_equal(cfg.providers[FAL_GRAPE].client_id, "gi");
	assert_true(cfg.providers[FAL_GRAPE].enabled);
	assert_true(cfg.providers[FAL_SRAPS].disable);
	assert_false(cfg.providers[FAL_SRAPS].enabled);
	assert_int_equal(cfg.n_api_tokens, 2);
	assert_string_equal(cfg.api_tokens[1], "b");
	assert_string_equal(cfg.base_path, "/fal");
	assert_int_equal(cfg.connect_timeout_ms, 100);
	assert_int_equal(cfg.timeout_ms, 200);
	assert_string_equal(cfg.ca_file, "/ca.pem");
	assert_int_equal(cfg.log_format, FAL_LOG_JSON);
	fal_config_free(&cfg);
}

static void
test_env_over_file(void **state)
{
	struct fal_config cfg;

	(void)state;
	write_conf("{\"providers\":{\"snom\":{\"user\":\"file-user\","
		   "\"rpc_url\":\"https://file/\",\"disable\":true},"
		   "\"gigaset\":{\"rpc_url\":\"https://g/\","
		   "\"disable_crc\":true}},"
		   "\"api_tokens\":[\"f1\",\"f2\"],\"timeout_ms\":1000,"
		   "\"connect_timeout_ms\":999,"
		   "\"base_path\":\"/file\",\"log_format\":\"json\"}");
	setenv("SNOM_RPC_URL", "https://env/", 1);
	setenv("SNOM_DISABLE", "false", 1);
	setenv("GIGASET_DISABLE_CRC", "0", 1);
	setenv("FALCONIERI_API_TOKENS", "e1", 1);
	setenv("FALCONIERI_TIMEOUT_MS", "2000", 1);
	setenv("FALCONIERI_BASE_PATH", "env", 1);
	setenv("FALCONIERI_LOG_FORMAT", "text", 1);
	load_ok(&cfg, path);
	assert_string_equal(cfg.providers[FAL_SNOM].user, "file-user");
	assert_string_equal(cfg.providers[FAL_SNOM].rpc_url, "https://env/");
	assert_false(cfg.providers[FAL_SNOM].disable);
	assert_true(cfg.providers[FAL_SNOM].enabled);
	assert_false(cfg.providers[FAL_GIGASET].disable_crc);
	assert_int_equal(cfg.n_api_tokens, 1);
	assert_string_equal(cfg.api_tokens[0], "e1");
	assert_int_equal(cfg.timeout_ms, 2000);
	assert_int_equal(cfg.connect_timeout_ms, 999);
	assert_string_equal(cfg.base_path, "/env");
	assert_int_equal(cfg.log_format, FAL_LOG_TEXT);
	fal_config_free(&cfg);
}

/* "VAR=" is "not given": it neither wipes the file's tokens nor fails. */
static void
test_empty_env_is_unset(void **state)
{
	struct fal_config cfg;

	(void)state;
	write_conf("{\"api_tokens\":[\"f1\"],"
		   "\"providers\":{\"snom\":{\"rpc_url\":\"https://s/\"}}}");
	setenv("FALCONIERI_API_TOKENS", "", 1);
	setenv("SNOM_RPC_URL", "", 1);
	setenv("SNOM_DISABLE", "", 1);
	setenv("FALCONIERI_TIMEOUT_MS", "", 1);
	load_ok(&cfg, path);
	assert_int_equal(cfg.n_api_tokens, 1);
	assert_string_equal(cfg.api_tokens[0], "f1");
	assert_string_equal(cfg.providers[FAL_SNOM].rpc_url, "https://s/");
	assert_true(cfg.providers[FAL_SNOM].enabled);
	assert_int_equal(cfg.timeout_ms, 30000);
	fal_config_free(&cfg);
}

/* Keys the config does not know, or a vendor does not have, are ignored. */
static void
test_unknown_keys_ignored(void **state)
{
	struct fal_config cfg;

	(void)state;
	write_conf("{\"_note\":\"x\",\"extra\":[1,2],"
		   "\"providers\":{\"acme\":5,"
		   "\"snom\":{\"rpc_url\":\"https://s/\",\"color\":7},"
		   "\"ymcs\":{\"rpc_url\":\"https://y/\",\"disable_crc\":\"x\"}}}");
	load_ok(&cfg, path);
	assert_true(cfg.providers[FAL_SNOM].enabled);
	assert_string_equal(cfg.providers[FAL_YMCS].rpc_url, "");
	assert_false(cfg.providers[FAL_YMCS].disable_crc);
	fal_config_free(&cfg);
}

/* Every bad file is refused, naming the file and the key path. */
static void
test_file_fail_fast(void **state)
{
	static const struct {
		const char *text;
		const char *what;
	} cases[] = {
		{ "{", "invalid JSON" },
		{ "", "invalid JSON" },
		{ "{\n\"a\": 1,\n}", "invalid JSON at line 3" },
		{ "{} x", "invalid JSON" },
		{ "[]", "expected a JSON object" },
		{ "null", "expected a JSON object" },
		{ "{\"timeout_ms\":\"5\"}", "timeout_ms: expected an integer" },
		{ "{\"timeout_ms\":0}", "timeout_ms: expected an integer" },
		{ "{\"timeout_ms\":-5}", "timeout_ms: expected an integer" },
		{ "{\"timeout_ms\":1.5}", "timeout_ms: expected an integer" },
		{ "{\"timeout_ms\":3600001}", "timeout_ms: expected an integer" },
		{ "{\"connect_timeout_ms\":true}",
		  "connect_timeout_ms: expected an integer" },
		{ "{\"providers\":{\"snom\":{\"disable\":\"yes\"}}}",
		  "providers.snom.disable: expected a boolean" },
		{ "{\"providers\":{\"gigaset\":{\"disable_crc\":1}}}",
		  "providers.gigaset.disable_crc: expected a boolean" },
		{ "{\"providers\":{\"ymcs\":{\"client_secret\":42}}}",
		  "providers.ymcs.client_secret: expected a string" },
		{ "{\"providers\":{\"fanvil\":{\"user\":null}}}",
		  "providers.fanvil.user: expected a string" },
		{ "{\"providers\":{\"snom\":\"x\"}}",
		  "providers.snom: expected an object" },
		{ "{\"providers\":[]}", "providers: expected an object" },
		{ "{\"api_tokens\":\"abc\"}", "api_tokens: expected an array" },
		{ "{\"api_tokens\":[\"a\",1]}", "api_tokens: expected an array" },
		{ "{\"base_path\":5}", "base_path: expected a string" },
		{ "{\"ca_file\":{}}", "ca_file: expected a string" },
		/* Tokens already copied when log_format fails: freed (ASan). */
		{ "{\"api_tokens\":[\"a\"],\"base_path\":\"/x\","
		  "\"log_format\":\"xml\"}",
		  "log_format: expected \"text\" or \"json\"" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		write_conf(cases[i].text);
		load_fails(path, path, cases[i].what);
	}
}

/* A file that exists but cannot be read is refused too. */
static void
test_unreadable_file(void **state)
{
	(void)state;
	load_fails(tmpdir, tmpdir, "directory");
}

/* The size cap: exactly 1 MiB loads, one byte more does not. */
static void
test_file_size_limit(void **state)
{
	struct fal_config cfg;
	size_t max = 1024 * 1024;
	char *text = malloc(max + 2);

	(void)state;
	assert_non_null(text);
	memset(text, ' ', max + 1);
	memcpy(text, "{\"timeout_ms\":7}", 16);
	text[max] = '\0';
	write_conf(text);
	load_ok(&cfg, path);
	assert_int_equal(cfg.timeout_ms, 7);
	fal_config_free(&cfg);
	text[max] = ' ';
	text[max + 1] = '\0';
	write_conf(text);
	free(text);
	load_fails(path, path, "larger than");
}

/* Every bad variable is refused, naming the variable. */
static void
test_env_fail_fast(void **state)
{
	static const struct {
		const char *var, *value, *what;
	} cases[] = {
		{ "SNOM_DISABLE", "yes", "expected one of" },
		{ "YMCS_DISABLE", "on", "expected one of" },
		{ "SRAPS_DISABLE", "TRue", "expected one of" },
		{ "GIGASET_DISABLE_CRC", "2", "expected one of" },
		{ "FALCONIERI_TIMEOUT_MS", "abc", "expected an integer" },
		{ "FALCONIERI_TIMEOUT_MS", "0", "expected an integer" },
		{ "FALCONIERI_TIMEOUT_MS", "-5", "expected an integer" },
		{ "FALCONIERI_TIMEOUT_MS", "+5", "expected an integer" },
		{ "FALCONIERI_TIMEOUT_MS", " 5", "expected an integer" },
		{ "FALCONIERI_TIMEOUT_MS", "3600001", "expected an integer" },
		{ "FALCONIERI_TIMEOUT_MS", "99999999999999999999",
		  "expected an integer" },
		{ "FALCONIERI_CONNECT_TIMEOUT_MS", "5s", "expected an integer" },
		{ "FALCONIERI_LOG_FORMAT", "xml", "expected \"text\" or \"json\"" },
		{ "FALCONIERI_LOG_FORMAT", "JSON", "expected \"text\" or \"json\"" },
	};
	size_t i;

	(void)state;
	/* A valid file under the bad variable: its strings must be freed. */
	write_conf("{\"api_tokens\":[\"a\"],"
		   "\"providers\":{\"snom\":{\"user\":\"u\"}}}");
	for (i = 0; i < NELEM(cases); i++) {
		setenv(cases[i].var, cases[i].value, 1);
		load_fails(path, cases[i].var, cases[i].what);
		unsetenv(cases[i].var);
	}
}

static void
test_bool_spellings(void **state)
{
	static const struct {
		const char *s;
		bool v;
	} ok[] = {
		{ "1", true }, { "t", true }, { "T", true }, { "TRUE", true },
		{ "true", true }, { "True", true },
		{ "0", false }, { "f", false }, { "F", false },
		{ "FALSE", false }, { "false", false }, { "False", false },
	};
	static const char *const bad[] = { "yes", "no", "on", "tRUE",
					    "truE", "2", "00", " 1", "1 " };
	struct fal_config cfg;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(ok); i++) {
		/* The file says the opposite, so only the variable can win. */
		write_conf(ok[i].v ?
			   "{\"providers\":{\"grape\":{\"disable\":false}}}" :
			   "{\"providers\":{\"grape\":{\"disable\":true}}}");
		setenv("GRAPE_DISABLE", ok[i].s, 1);
		load_ok(&cfg, path);
		if (cfg.providers[FAL_GRAPE].disable != ok[i].v)
			fail_msg("GRAPE_DISABLE=%s read as %d", ok[i].s,
				 cfg.providers[FAL_GRAPE].disable);
		fal_config_free(&cfg);
	}
	for (i = 0; i < NELEM(bad); i++) {
		setenv("GRAPE_DISABLE", bad[i], 1);
		load_fails(missing, "GRAPE_DISABLE", "expected one of");
	}
}

/* Blanks around items are trimmed; a list of real tokens loads. */
static void
test_env_token_list(void **state)
{
	struct fal_config cfg;

	(void)state;
	setenv("FALCONIERI_API_TOKENS", " a , b,c\t", 1);
	load_ok(&cfg, missing);
	assert_int_equal(cfg.n_api_tokens, 3);
	assert_string_equal(cfg.api_tokens[0], "a");
	assert_string_equal(cfg.api_tokens[1], "b");
	assert_string_equal(cfg.api_tokens[2], "c");
	fal_config_free(&cfg);

	setenv("FALCONIERI_API_TOKENS", "only-one", 1);
	load_ok(&cfg, missing);
	assert_int_equal(cfg.n_api_tokens, 1);
	assert_string_equal(cfg.api_tokens[0], "only-one");
	fal_config_free(&cfg);
}

/*
 * A list that is set but yields no token, or has an empty item, would
 * open the gateway (or hide a typo): the program must refuse to start.
 */
static void
test_env_token_list_empty_items_refused(void **state)
{
	static const char *const bad[] = {
		" ", ",", " , ,", "a,,b", "a,", ",a", "a, ,b", "\t",
	};
	size_t i;

	(void)state;
	write_conf("{\"api_tokens\":[\"f1\"]}");
	for (i = 0; i < NELEM(bad); i++) {
		setenv("FALCONIERI_API_TOKENS", bad[i], 1);
		load_fails(path, "FALCONIERI_API_TOKENS", "an empty token");
		load_fails(missing, "FALCONIERI_API_TOKENS", "an empty token");
	}
}

static void
test_file_token_list(void **state)
{
	static const char *const bad[] = {
		"{\"api_tokens\":[\"\"]}",
		"{\"api_tokens\":[\" \"]}",
		"{\"api_tokens\":[\"\",\"t1\"]}",
		"{\"api_tokens\":[\"t1\",\"\\t\"]}",
	};
	struct fal_config cfg;
	size_t i;

	(void)state;
	write_conf("{\"api_tokens\":[\"t1\",\"t 2\"]}");
	load_ok(&cfg, path);
	assert_int_equal(cfg.n_api_tokens, 2);
	assert_string_equal(cfg.api_tokens[0], "t1");
	assert_string_equal(cfg.api_tokens[1], "t 2");
	fal_config_free(&cfg);

	/* An empty array is "no tokens": the operator's explicit choice. */
	write_conf("{\"api_tokens\":[]}");
	load_ok(&cfg, path);
	assert_int_equal(cfg.n_api_tokens, 0);
	fal_config_free(&cfg);

	for (i = 0; i < NELEM(bad); i++) {
		write_conf(bad[i]);
		load_fails(path, path, "api_tokens: an empty token");
	}
}

static void
test_base_path(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "/", "" },
		{ "//", "" },
		{ "falconieri", "/falconieri" },
		{ "falconieri/", "/falconieri" },
		{ "/falconieri", "/falconieri" },
		{ "/falconieri/", "/falconieri" },
		{ "/a/b//", "/a/b" },
	};
	struct fal_config cfg;
	char text[128];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		setenv("FALCONIERI_BASE_PATH", cases[i].in, 1);
		load_ok(&cfg, missing);
		assert_string_equal(cfg.base_path, cases[i].out);
		fal_config_free(&cfg);
		unsetenv("FALCONIERI_BASE_PATH");

		snprintf(text, sizeof(text), "{\"base_path\":\"%s\"}",
			 cases[i].in);
		write_conf(text);
		load_ok(&cfg, path);
		assert_string_equal(cfg.base_path, cases[i].out);
		fal_config_free(&cfg);
	}
	write_conf("{\"base_path\":\"\"}");
	load_ok(&cfg, path);
	assert_string_equal(cfg.base_path, "");
	fal_config_free(&cfg);
}

static void
test_timeout_bounds_accepted(void **state)
{
	struct fal_config cfg;

	(void)state;
	write_conf("{\"connect_timeout_ms\":1,\"timeout_ms\":3600000}");
	load_ok(&cfg, path);
	assert_int_equal(cfg.connect_timeout_ms, 1);
	assert_int_equal(cfg.timeout_ms, 3600000);
	fal_config_free(&cfg);
	setenv("FALCONIERI_CONNECT_TIMEOUT_MS", "3600000", 1);
	setenv("FALCONIERI_TIMEOUT_MS", "0001", 1);
	load_ok(&cfg, missing);
	assert_int_equal(cfg.connect_timeout_ms, 3600000);
	assert_int_equal(cfg.timeout_ms, 1);
	fal_config_free(&cfg);
}

/* An XML-RPC vendor needs rpc_url only, and not to be disabled. */
static void
test_enabled_xmlrpc(void **state)
{
	struct fal_config cfg;

	(void)state;
	setenv("YEALINK_USER", "u", 1);
	setenv("YEALINK_PASSWORD", "p", 1);
	load_ok(&cfg, missing);
	assert_false(cfg.providers[FAL_YEALINK].enabled);
	fal_config_free(&cfg);

	unsetenv("YEALINK_USER");
	unsetenv("YEALINK_PASSWORD");
	setenv("YEALINK_RPC_URL", "https://rps.yealink.com/xmlrpc", 1);
	load_ok(&cfg, missing);
	assert_true(cfg.providers[FAL_YEALINK].enabled);
	assert_false(cfg.providers[FAL_SNOM].enabled);
	fal_config_free(&cfg);

	setenv("YEALINK_DISABLE", "true", 1);
	load_ok(&cfg, missing);
	assert_false(cfg.providers[FAL_YEALINK].enabled);
	fal_config_free(&cfg);
}

/* A REST vendor needs base_url, client_id and client_secret, all three. */
static void
test_enabled_rest(void **state)
{
	static const char *const vars[] = { "SRAPS_BASE_URL", "SRAPS_CLIENT_ID",
					    "SRAPS_CLIENT_SECRET" };
	struct fal_config cfg;
	size_t i, j;

	(void)state;
	for (i = 0; i < NELEM(vars); i++) {
		for (j = 0; j < NELEM(vars); j++)
			if (j != i)
				setenv(vars[j], "x", 1);
			else
				unsetenv(vars[j]);
		load_ok(&cfg, missing);
		if (cfg.providers[FAL_SRAPS].enabled)
			fail_msg("enabled without %s", vars[i]);
		fal_config_free(&cfg);
	}
	for (j = 0; j < NELEM(vars); j++)
		setenv(vars[j], "x", 1);
	/* An XML-RPC key on a REST vendor does not count. */
	setenv("SNOM_RPC_URL", "x", 1);
	load_ok(&cfg, missing);
	assert_true(cfg.providers[FAL_SRAPS].enabled);
	assert_false(cfg.providers[FAL_GRAPE].enabled);
	fal_config_free(&cfg);

	setenv("SRAPS_DISABLE", "1", 1);
	load_ok(&cfg, missing);
	assert_false(cfg.providers[FAL_SRAPS].enabled);
	fal_config_free(&cfg);
}

/*
 * Every vendor of the list has its name, and the keys of its kind: an
 * rpc_url alone enables an XML-RPC vendor, the three REST keys a REST one.
 */
static void
test_provider_names(void **state)
{
	static const char *const rest[] = { "BASE_URL", "CLIENT_ID",
					    "CLIENT_SECRET" };
	struct fal_config cfg;
	unsigned i;
	size_t k;

	(void)state;
	for (i = 0; i < FAL_PROVIDER__MAX; i++) {
		assert_int_equal(fal_provider_lookup(fal_provider_name(i)), i);
		clear_env();
		setenv(var_name(fal_vendors[i].name, "RPC_URL"), "x", 1);
		load_ok(&cfg, missing);
		assert_int_equal(cfg.providers[i].enabled,
				 fal_vendors[i].kind == FAL_KIND_XMLRPC);
		fal_config_free(&cfg);
		clear_env();
		for (k = 0; k < NELEM(rest); k++)
			setenv(var_name(fal_vendors[i].name, rest[k]), "x", 1);
		load_ok(&cfg, missing);
		assert_int_equal(cfg.providers[i].enabled,
				 fal_vendors[i].kind == FAL_KIND_REST);
		fal_config_free(&cfg);
	}
	assert_null(fal_provider_name(FAL_PROVIDER__MAX));
	assert_int_equal(fal_provider_lookup("SNOM"), FAL_PROVIDER__MAX);
	assert_int_equal(fal_provider_lookup("sno"), FAL_PROVIDER__MAX);
	assert_int_equal(fal_provider_lookup(""), FAL_PROVIDER__MAX);
	assert_int_equal(fal_provider_lookup(NULL), FAL_PROVIDER__MAX);
}

/* The library knows no vendor: any rows given are configured. */
static void
test_rows_of_any_vendor(void **state)
{
	static const struct fal_config_vendor rows[] = {
		{ "acme", FAL_KIND_XMLRPC, true },
	};
	struct fal_config cfg;

	(void)state;
	setenv("ACME_RPC_URL", "https://acme/rpc", 1);
	setenv("ACME_DISABLE_CRC", "true", 1);
	setenv("SNOM_RPC_URL", "https://snom/rpc", 1);
	assert_int_equal(fal_config_load(&cfg, rows, 1, missing, errbuf,
					 sizeof(errbuf)), 0);
	assert_int_equal(cfg.n_providers, 1);
	assert_string_equal(cfg.providers[0].rpc_url, "https://acme/rpc");
	assert_true(cfg.providers[0].disable_crc);
	assert_true(cfg.providers[0].enabled);
	fal_config_free(&cfg);
	setenv("ACME_DISABLE_CRC", "maybe", 1);
	assert_int_equal(fal_config_load(&cfg, rows, 1, missing, errbuf,
					 sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "ACME_DISABLE_CRC"));
}

/* A NULL path means environment only. */
static void
test_null_path(void **state)
{
	struct fal_config cfg;

	(void)state;
	setenv("SNOM_RPC_URL", "x", 1);
	load_ok(&cfg, NULL);
	assert_true(cfg.providers[FAL_SNOM].enabled);
	fal_config_free(&cfg);
	/* Freeing twice is harmless: free zeroes the struct. */
	fal_config_free(&cfg);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

/* SPEC §3's batch keys: defaults, the file, the environment, bounds. */
static void
test_batch_keys(void **state)
{
	struct fal_config cfg;

	(void)state;
	load_ok(&cfg, missing);
	assert_string_equal(cfg.batch_store, "");
	assert_int_equal(cfg.batch_workers, 4);
	assert_int_equal(cfg.batch_per_vendor, 4);
	assert_int_equal(cfg.batch_attempts, 5);
	assert_int_equal(cfg.batch_retry_ms, 1000);
	assert_int_equal(cfg.batch_keep_days, 30);
	fal_config_free(&cfg);

	write_conf("{\"batch_store\": \"sqlite:/x/b.db\", \"batch_workers\": 0,"
		   " \"batch_per_vendor\": 8, \"batch_attempts\": 1,"
		   " \"batch_retry_ms\": 0, \"batch_keep_days\": 7}");
	setenv("FALCONIERI_BATCH_PER_VENDOR", "2", 1);
	load_ok(&cfg, path);
	assert_string_equal(cfg.batch_store, "sqlite:/x/b.db");
	assert_int_equal(cfg.batch_workers, 0);
	assert_int_equal(cfg.batch_per_vendor, 2);
	assert_int_equal(cfg.batch_attempts, 1);
	assert_int_equal(cfg.batch_retry_ms, 0);
	assert_int_equal(cfg.batch_keep_days, 7);
	fal_config_free(&cfg);
	unsetenv("FALCONIERI_BATCH_PER_VENDOR");

	setenv("FALCONIERI_BATCH_WORKERS", "257", 1);
	assert_int_equal(fal_providers_config_load(&cfg, missing, errbuf, sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "FALCONIERI_BATCH_WORKERS"));
	setenv("FALCONIERI_BATCH_WORKERS", "-1", 1);
	assert_int_equal(fal_providers_config_load(&cfg, missing, errbuf, sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "FALCONIERI_BATCH_WORKERS"));
	unsetenv("FALCONIERI_BATCH_WORKERS");
	write_conf("{\"batch_per_vendor\": 0}");
	assert_int_equal(fal_providers_config_load(&cfg, path, errbuf, sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "batch_per_vendor"));
	write_conf("{\"batch_attempts\": 2.5}");
	assert_int_equal(fal_providers_config_load(&cfg, path, errbuf, sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "batch_attempts"));
	write_conf("{\"batch_store\": 1}");
	assert_int_equal(fal_providers_config_load(&cfg, path, errbuf, sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "batch_store"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_batch_keys),
		T(test_missing_file_defaults),
		T(test_file_only),
		T(test_env_only),
		T(test_env_over_file),
		T(test_empty_env_is_unset),
		T(test_unknown_keys_ignored),
		T(test_file_fail_fast),
		T(test_unreadable_file),
		T(test_file_size_limit),
		T(test_env_fail_fast),
		T(test_bool_spellings),
		T(test_env_token_list),
		T(test_env_token_list_empty_items_refused),
		T(test_file_token_list),
		T(test_base_path),
		T(test_timeout_bounds_accepted),
		T(test_enabled_xmlrpc),
		T(test_enabled_rest),
		T(test_provider_names),
		T(test_rows_of_any_vendor),
		T(test_null_path),
	};

	return cmocka_run_group_tests_name("config", tests, group_setup,
					   group_teardown);
}
