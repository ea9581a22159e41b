/*
 * config.c - loads struct fal_config (SPEC §3): defaults, then the JSON
 * file, then the environment.  Every setting is a row of a table (its JSON
 * key, its variable, where it lives, its type), so the file and the
 * environment go through the same few setters and no key is typed twice.
 */
#include "config.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "url.h"

/* A configuration file is a few hundred bytes; refuse to slurp a huge one. */
#define CONFIG_FILE_MAX (1024 * 1024)

#define TIMEOUT_MS_MIN 1L
#define TIMEOUT_MS_MAX 3600000L
#define COUNT_MAX 1000000000L

#define WHY_MAX 160
#define ENV_NAME_MAX 64

/* How a setting's text or JSON value is checked and stored. */
enum vtype {
	V_STRING, /* char *, any string */
	V_BOOL,   /* bool */
	V_MS,     /* long, TIMEOUT_MS_MIN..TIMEOUT_MS_MAX */
	V_PATH,   /* char *, normalised to "" or "/prefix" */
	V_LOGFMT, /* enum fal_log_format, "text" or "json" */
	V_TOKENS, /* cfg->api_tokens: JSON array, or comma-separated text */
	V_COUNT   /* long, 0..COUNT_MAX; each key's own bounds in counts[] */
};

/*
 * One setting.  For provider keys, env is the suffix after "<PROVIDER>_",
 * off is into struct fal_provider_conf, and kinds/crc say which vendors
 * have the key; for global keys, env is the whole variable name and off is
 * into struct fal_config.
 */
struct key {
	const char *json;
	const char *env;
	size_t off;
	enum vtype type;
	unsigned kinds;            /* bit per enum fal_provider_kind */
	bool crc;                  /* only vendors whose row has_crc */
};

#define KIND(k) (1u << (k))
#define XMLRPC KIND(FAL_KIND_XMLRPC)
#define REST KIND(FAL_KIND_REST)
#define ANY false
#define CRC true
#define PKEY(f) offsetof(struct fal_provider_conf, f)
#define GKEY(f) offsetof(struct fal_config, f)

static const struct key pkeys[] = {
	{ "user", "USER", PKEY(user), V_STRING, XMLRPC, ANY },
	{ "password", "PASSWORD", PKEY(password), V_STRING, XMLRPC, ANY },
	{ "rpc_url", "RPC_URL", PKEY(rpc_url), V_STRING, XMLRPC, ANY },
	{ "base_url", "BASE_URL", PKEY(base_url), V_STRING, REST, ANY },
	{ "client_id", "CLIENT_ID", PKEY(client_id), V_STRING, REST, ANY },
	{ "client_secret", "CLIENT_SECRET", PKEY(client_secret), V_STRING,
	  REST, ANY },
	{ "disable", "DISABLE", PKEY(disable), V_BOOL, XMLRPC | REST, ANY },
	{ "disable_crc", "DISABLE_CRC", PKEY(disable_crc), V_BOOL, XMLRPC,
	  CRC },
};

static const struct key gkeys[] = {
	{ "api_tokens", "FALCONIERI_API_TOKENS", GKEY(api_tokens), V_TOKENS,
	  0, ANY },
	{ "base_path", "FALCONIERI_BASE_PATH", GKEY(base_path), V_PATH,
	  0, ANY },
	{ "connect_timeout_ms", "FALCONIERI_CONNECT_TIMEOUT_MS",
	  GKEY(connect_timeout_ms), V_MS, 0, ANY },
	{ "timeout_ms", "FALCONIERI_TIMEOUT_MS", GKEY(timeout_ms), V_MS,
	  0, ANY },
	{ "ca_file", "FALCONIERI_CA_FILE", GKEY(ca_file), V_STRING, 0, ANY },
	{ "log_format", "FALCONIERI_LOG_FORMAT", GKEY(log_format), V_LOGFMT,
	  0, ANY },
	{ "batch_store", "FALCONIERI_BATCH_STORE", GKEY(batch_store), V_STRING,
	  0, ANY },
	{ "batch_workers", "FALCONIERI_BATCH_WORKERS", GKEY(batch_workers),
	  V_COUNT, 0, ANY },
	{ "batch_per_vendor", "FALCONIERI_BATCH_PER_VENDOR",
	  GKEY(batch_per_vendor), V_COUNT, 0, ANY },
	{ "batch_attempts", "FALCONIERI_BATCH_ATTEMPTS", GKEY(batch_attempts),
	  V_COUNT, 0, ANY },
	{ "batch_retry_ms", "FALCONIERI_BATCH_RETRY_MS", GKEY(batch_retry_ms),
	  V_COUNT, 0, ANY },
	{ "batch_keep_days", "FALCONIERI_BATCH_KEEP_DAYS",
	  GKEY(batch_keep_days), V_COUNT, 0, ANY },
};

/* The bounds of each V_COUNT key, checked once everything is loaded. */
static const struct {
	size_t off;
	long min, max;
} counts[] = {
	{ GKEY(batch_workers), 0, 256 },
	{ GKEY(batch_per_vendor), 1, 256 },
	{ GKEY(batch_attempts), 1, 100 },
	{ GKEY(batch_retry_ms), 0, TIMEOUT_MS_MAX },
	{ GKEY(batch_keep_days), 0, 36500 },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Whether vendor v has provider key k (disable_crc: only has_crc rows). */
static bool
key_applies(const struct key *k, const struct fal_config_vendor *v)
{
	return (k->kinds & KIND(v->kind)) != 0 && (!k->crc || v->has_crc);
}

/* The field a key names inside base (a provider conf or the config). */
static void *
key_field(void *base, const struct key *k)
{
	return (char *)base + k->off;
}

/* Replaces *dst by a copy of the n bytes at s; 0, or -1 out of memory. */
static int
set_string(char **dst, const char *s, size_t n)
{
	char *copy;

	if ((copy = strndup(s, n)) == NULL)
		return -1;
	free(*dst);
	*dst = copy;
	return 0;
}

/* Appends a copy of the n bytes at s to the token list; 0 or -1. */
static int
add_token(struct fal_config *cfg, const char *s, size_t n)
{
	char **list;

	list = realloc(cfg->api_tokens,
		       (cfg->n_api_tokens + 1) * sizeof(*list));
	if (list == NULL)
		return -1;
	cfg->api_tokens = list;
	if ((list[cfg->n_api_tokens] = strndup(s, n)) == NULL)
		return -1;
	cfg->n_api_tokens++;
	return 0;
}

static void
free_tokens(struct fal_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->n_api_tokens; i++)
		free(cfg->api_tokens[i]);
	free(cfg->api_tokens);
	cfg->api_tokens = NULL;
	cfg->n_api_tokens = 0;
}

/*
 * Why a token list with an empty item is refused: a list that is set but
 * yields no token would leave the gateway open to every client, and
 * "a,,b" is a typo more likely than a wish.
 */
static const char empty_token[] =
	"an empty token (blank, or two commas in a row): a token list that "
	"is set must hold only tokens";

/* True when the n bytes at s are only blanks (or n is 0). */
static bool
is_blank(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n == 0;
}

/*
 * Replaces the tokens by the comma-separated items of s, blanks around
 * them trimmed; 0, or -1 with why (an empty item, out of memory).
 */
static int
set_token_list(struct fal_config *cfg, const char *s, char *why)
{
	const char *end;
	size_t n;

	free_tokens(cfg);
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		end = s + strcspn(s, ",");
		n = (size_t)(end - s);
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n == 0) {
			snprintf(why, WHY_MAX, "%s", empty_token);
			return -1;
		}
		if (add_token(cfg, s, n) == -1) {
			snprintf(why, WHY_MAX, "out of memory");
			return -1;
		}
		if (*end == '\0')
			return 0;
		s = end + 1;
	}
}

/*
 * Stores base_path as "" or "/prefix": a leading "/" added when missing
 * and trailing ones dropped, so "/", "x/" and "/x" all mean what an
 * operator typing them into a web server's config would mean.
 */
static int
set_path(char **dst, const char *s)
{
	size_t n = fal_url_trim_slashes(s);
	char *path;

	if (n == 0)
		return set_string(dst, "", 0);
	if (s[0] == '/')
		return set_string(dst, s, n);
	if ((path = malloc(n + 2)) == NULL)
		return -1;
	path[0] = '/';
	memcpy(path + 1, s, n);
	path[n + 1] = '\0';
	free(*dst);
	*dst = path;
	return 0;
}

/* Parses one of the SPEC's boolean spellings; 0, or -1 for anything else. */
static int
parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "t", "T", "TRUE", "true",
					   "True" };
	static const char *const no[] = { "0", "f", "F", "FALSE", "false",
					  "False" };
	size_t i;

	for (i = 0; i < NELEM(yes); i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/* Parses a timeout: decimal digits only, in bounds; 0 or -1. */
static int
parse_ms(const char *s, long *out)
{
	char *end;
	long v;

	if (s[strspn(s, "0123456789")] != '\0' || *s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || v < TIMEOUT_MS_MIN || v > TIMEOUT_MS_MAX)
		return -1;
	*out = v;
	return 0;
}

/* Parses a count: decimal digits only, at most COUNT_MAX; 0 or -1. */
static int
parse_count(const char *s, long *out)
{
	char *end;
	long v;

	if (s[strspn(s, "0123456789")] != '\0' || *s == '\0' ||
	    strlen(s) > 10)
		return -1;
	v = strtol(s, &end, 10);
	if (v > COUNT_MAX)
		return -1;
	*out = v;
	return 0;
}

/*
 * Stores the text s (from the environment, or a JSON string) into key k
 * of base.  Returns 0, or -1 with the problem in why.
 */
static int
set_text(void *base, const struct key *k, const char *s, char *why)
{
	void *field = key_field(base, k);
	int rc = 0;

	switch (k->type) {
	case V_STRING:
		rc = set_string(field, s, strlen(s));
		break;
	case V_PATH:
		rc = set_path(field, s);
		break;
	case V_TOKENS:
		return set_token_list(base, s, why);
	case V_BOOL:
		if (parse_bool(s, field) == -1) {
			snprintf(why, WHY_MAX, "expected one of 1 t T TRUE "
				 "true True 0 f F FALSE false False, got "
				 "\"%.32s\"", s);
			return -1;
		}
		return 0;
	case V_MS:
		if (parse_ms(s, field) == -1) {
			snprintf(why, WHY_MAX, "expected an integer from %ld "
				 "to %ld, got \"%.32s\"", TIMEOUT_MS_MIN,
				 TIMEOUT_MS_MAX, s);
			return -1;
		}
		return 0;
	case V_COUNT:
		if (parse_count(s, field) == -1) {
			snprintf(why, WHY_MAX, "expected a whole number, got "
				 "\"%.32s\"", s);
			return -1;
		}
		return 0;
	case V_LOGFMT:
		if (strcmp(s, "text") == 0)
			*(enum fal_log_format *)field = FAL_LOG_TEXT;
		else if (strcmp(s, "json") == 0)
			*(enum fal_log_format *)field = FAL_LOG_JSON;
		else {
			snprintf(why, WHY_MAX, "expected \"text\" or \"json\", "
				 "got \"%.32s\"", s);
			return -1;
		}
		return 0;
	}
	if (rc == -1)
		snprintf(why, WHY_MAX, "out of memory");
	return rc;
}

/* Replaces the tokens by the JSON array v of strings; 0, or -1 with why. */
static int
set_json_tokens(struct fal_config *cfg, const cJSON *v, char *why)
{
	const cJSON *item;

	if (!cJSON_IsArray(v)) {
		snprintf(why, WHY_MAX, "expected an array of strings");
		return -1;
	}
	cJSON_ArrayForEach(item, v) {
		if (!cJSON_IsString(item) || item->valuestring == NULL) {
			snprintf(why, WHY_MAX, "expected an array of strings");
			return -1;
		}
		if (is_blank(item->valuestring, strlen(item->valuestring))) {
			snprintf(why, WHY_MAX, "%s", empty_token);
			return -1;
		}
	}
	free_tokens(cfg);
	cJSON_ArrayForEach(item, v) {
		if (add_token(cfg, item->valuestring,
			      strlen(item->valuestring)) == -1) {
			snprintf(why, WHY_MAX, "out of memory");
			return -1;
		}
	}
	return 0;
}

/*
 * Stores the JSON value v into key k of base, refusing a value of the
 * wrong type (null included: a key the operator wants unset is left out).
 * Returns 0, or -1 with the problem in why.
 */
static int
set_json(void *base, const struct key *k, const cJSON *v, char *why)
{
	double d;

	switch (k->type) {
	case V_BOOL:
		if (!cJSON_IsBool(v)) {
			snprintf(why, WHY_MAX, "expected a boolean");
			return -1;
		}
		*(bool *)key_field(base, k) = cJSON_IsTrue(v);
		return 0;
	case V_MS:
		d = cJSON_IsNumber(v) ? v->valuedouble : 0;
		/* Written so that a NaN fails too, before the cast. */
		if (!(d >= TIMEOUT_MS_MIN && d <= TIMEOUT_MS_MAX) ||
		    d != (double)(long)d) {
			snprintf(why, WHY_MAX, "expected an integer from %ld "
				 "to %ld", TIMEOUT_MS_MIN, TIMEOUT_MS_MAX);
			return -1;
		}
		*(long *)key_field(base, k) = (long)d;
		return 0;
	case V_COUNT:
		d = cJSON_IsNumber(v) ? v->valuedouble : -1;
		if (!(d >= 0 && d <= COUNT_MAX) || d != (double)(long)d) {
			snprintf(why, WHY_MAX, "expected a whole number");
			return -1;
		}
		*(long *)key_field(base, k) = (long)d;
		return 0;
	case V_TOKENS:
		return set_json_tokens(base, v, why);
	case V_STRING:
	case V_PATH:
	case V_LOGFMT:
		break;
	}
	if (!cJSON_IsString(v) || v->valuestring == NULL) {
		snprintf(why, WHY_MAX, "expected a string");
		return -1;
	}
	return set_text(base, k, v->valuestring, why);
}

/*
 * Reads path whole, NUL-terminated, refusing more than CONFIG_FILE_MAX
 * bytes.  Returns 1 with *out (to free), 0 when the file does not exist,
 * -1 with a message in errbuf.
 */
static int
read_file(const char *path, char **out, size_t *outlen, char *errbuf,
	  size_t errlen)
{
	char *buf;
	size_t len = 0;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* One byte more than allowed tells "exactly the limit" from "over". */
	if ((buf = malloc(CONFIG_FILE_MAX + 2)) == NULL) {
		snprintf(errbuf, errlen, "%s: out of memory", path);
		goto fail;
	}
	while (len < CONFIG_FILE_MAX + 1) {
		r = read(fd, buf + len, CONFIG_FILE_MAX + 1 - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(errbuf, errlen, "%s: %s", path,
				 strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > CONFIG_FILE_MAX) {
		snprintf(errbuf, errlen, "%s: larger than %d bytes", path,
			 CONFIG_FILE_MAX);
		goto fail;
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 1;
fail:
	free(buf);
	close(fd);
	return -1;
}

/* Parses the file's text, or says where it stops being JSON. */
static cJSON *
parse_json(const char *path, const char *buf, size_t len, char *errbuf,
	   size_t errlen)
{
	const char *end = NULL, *p;
	unsigned line = 1;
	cJSON *root;

	/* cJSON would stop quietly at a NUL; the file would be cut short. */
	if (memchr(buf, '\0', len) != NULL) {
		snprintf(errbuf, errlen, "%s: invalid JSON (NUL byte)", path);
		return NULL;
	}
	/* With require_null_terminated, cJSON wants the NUL inside length. */
	root = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1);
	if (root != NULL)
		return root;
	if (end == NULL || end < buf || end > buf + len)
		end = buf;
	for (p = buf; p < end; p++)
		if (*p == '\n')
			line++;
	snprintf(errbuf, errlen, "%s: invalid JSON at line %u", path, line);
	return NULL;
}

/*
 * Applies the keys of one vendor's object.  Keys a vendor does not have,
 * like any unknown key, are ignored so that a newer file (or a comment key
 * such as "_note") still loads.  Returns 0, or -1 with errbuf set.
 */
static int
load_provider(struct fal_config *cfg, size_t id, const cJSON *obj, const char *path, char *errbuf, size_t errlen)
{
	const struct key *k;
	const cJSON *v;
	char why[WHY_MAX];

	if (!cJSON_IsObject(obj)) {
		snprintf(errbuf, errlen, "%s: providers.%s: expected an object",
			 path, cfg->vendors[id].name);
		return -1;
	}
	for (k = pkeys; k < pkeys + NELEM(pkeys); k++) {
		if (!key_applies(k, &cfg->vendors[id]))
			continue;
		v = cJSON_GetObjectItemCaseSensitive(obj, k->json);
		if (v == NULL)
			continue;
		if (set_json(&cfg->providers[id], k, v, why) == -1) {
			snprintf(errbuf, errlen, "%s: providers.%s.%s: %s",
				 path, cfg->vendors[id].name, k->json, why);
			return -1;
		}
	}
	return 0;
}

/* Applies a parsed file; unknown keys are ignored.  0, or -1 with errbuf. */
static int
load_tree(struct fal_config *cfg, const cJSON *root, const char *path,
	  char *errbuf, size_t errlen)
{
	const struct key *k;
	const cJSON *v, *provs;
	char why[WHY_MAX];
	size_t i;

	if (!cJSON_IsObject(root)) {
		snprintf(errbuf, errlen, "%s: expected a JSON object", path);
		return -1;
	}
	provs = cJSON_GetObjectItemCaseSensitive(root, "providers");
	if (provs != NULL && !cJSON_IsObject(provs)) {
		snprintf(errbuf, errlen, "%s: providers: expected an object",
			 path);
		return -1;
	}
	for (i = 0; provs != NULL && i < cfg->n_providers; i++) {
		v = cJSON_GetObjectItemCaseSensitive(provs, cfg->vendors[i].name);
		if (v != NULL && load_provider(cfg, i, v, path, errbuf,
					       errlen) == -1)
			return -1;
	}
	for (k = gkeys; k < gkeys + NELEM(gkeys); k++) {
		v = cJSON_GetObjectItemCaseSensitive(root, k->json);
		if (v != NULL && set_json(cfg, k, v, why) == -1) {
			snprintf(errbuf, errlen, "%s: %s: %s", path, k->json,
				 why);
			return -1;
		}
	}
	return 0;
}

/* Loads path when it exists; 0, or -1 with errbuf set. */
static int
load_file(struct fal_config *cfg, const char *path, char *errbuf,
	  size_t errlen)
{
	cJSON *root;
	char *buf;
	size_t len;
	int rc;

	if ((rc = read_file(path, &buf, &len, errbuf, errlen)) <= 0)
		return rc;
	root = parse_json(path, buf, len, errbuf, errlen);
	free(buf);
	if (root == NULL)
		return -1;
	rc = load_tree(cfg, root, path, errbuf, errlen);
	cJSON_Delete(root);
	return rc;
}

/*
 * The value of variable name, or NULL when it is unset or empty: an
 * empty variable (as "VAR=" in a unit file or compose file leaves) means
 * "not given", so it never wipes the file's tokens or secrets.
 */
static const char *
env_value(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

/* Applies one variable to key k of base; 0, or -1 naming it in errbuf. */
static int
load_var(void *base, const struct key *k, const char *name, char *errbuf,
	 size_t errlen)
{
	const char *v;
	char why[WHY_MAX];

	if ((v = env_value(name)) == NULL)
		return 0;
	if (set_text(base, k, v, why) == -1) {
		snprintf(errbuf, errlen, "%s: %s", name, why);
		return -1;
	}
	return 0;
}

/* Applies the environment over the file; 0, or -1 with errbuf set. */
static int
load_env(struct fal_config *cfg, char *errbuf, size_t errlen)
{
	const struct key *k;
	char name[ENV_NAME_MAX];
	size_t i, n;

	for (i = 0; i < cfg->n_providers; i++) {
		for (k = pkeys; k < pkeys + NELEM(pkeys); k++) {
			if (!key_applies(k, &cfg->vendors[i]))
				continue;
			snprintf(name, sizeof(name), "%s_%s",
				 cfg->vendors[i].name, k->env);
			for (n = 0; name[n] != '_'; n++)
				name[n] = (char)toupper((unsigned char)name[n]);
			if (load_var(&cfg->providers[i], k, name, errbuf,
				     errlen) == -1)
				return -1;
		}
	}
	for (k = gkeys; k < gkeys + NELEM(gkeys); k++)
		if (load_var(cfg, k, k->env, errbuf, errlen) == -1)
			return -1;
	return 0;
}

/*
 * Sets the defaults for the n vendors: every string "" (never NULL),
 * SPEC §3 timeouts.
 */
static int
set_defaults(struct fal_config *cfg, const struct fal_config_vendor *vendors,
	     size_t n)
{
	const struct key *k;
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->connect_timeout_ms = 5000;
	cfg->timeout_ms = 30000;
	cfg->log_format = FAL_LOG_TEXT;
	cfg->batch_workers = 4;
	cfg->batch_per_vendor = 4;
	cfg->batch_attempts = 5;
	cfg->batch_retry_ms = 1000;
	cfg->batch_keep_days = 30;
	cfg->vendors = vendors;
	if ((cfg->providers = calloc(n, sizeof(*cfg->providers))) == NULL)
		return -1;
	cfg->n_providers = n;
	for (i = 0; i < n; i++)
		for (k = pkeys; k < pkeys + NELEM(pkeys); k++)
			if (k->type == V_STRING &&
			    set_string(key_field(&cfg->providers[i], k), "",
				       0) == -1)
				return -1;
	if (set_string(&cfg->base_path, "", 0) == -1 ||
	    set_string(&cfg->ca_file, "", 0) == -1 ||
	    set_string(&cfg->batch_store, "", 0) == -1)
		return -1;
	return 0;
}

/*
 * Checks each V_COUNT key against its bounds, naming the key and its
 * variable (the value may come from either).  0, or -1 with errbuf.
 */
static int
check_counts(const struct fal_config *cfg, char *errbuf, size_t errlen)
{
	const struct key *k;
	long v;

	for (size_t i = 0; i < NELEM(counts); i++) {
		v = *(const long *)((const char *)cfg + counts[i].off);
		if (v >= counts[i].min && v <= counts[i].max)
			continue;
		for (k = gkeys; k->off != counts[i].off; k++)
			;
		snprintf(errbuf, errlen, "%s (%s): expected %ld to %ld, got %ld",
			 k->json, k->env, counts[i].min, counts[i].max, v);
		return -1;
	}
	return 0;
}

/* Marks the vendors that are not disabled and have what they need. */
static void
set_enabled(struct fal_config *cfg)
{
	struct fal_provider_conf *p;
	size_t i;

	for (i = 0; i < cfg->n_providers; i++) {
		p = &cfg->providers[i];
		if (cfg->vendors[i].kind == FAL_KIND_XMLRPC)
			p->enabled = p->rpc_url[0] != '\0';
		else
			p->enabled = p->base_url[0] != '\0' &&
				     p->client_id[0] != '\0' &&
				     p->client_secret[0] != '\0';
		p->enabled = p->enabled && !p->disable;
	}
}

int
fal_config_load(struct fal_config *cfg, const struct fal_config_vendor *vendors,
		size_t n, const char *path, char *errbuf, size_t errlen)
{
	if (set_defaults(cfg, vendors, n) == -1) {
		snprintf(errbuf, errlen, "out of memory");
		goto fail;
	}
	if (path != NULL && load_file(cfg, path, errbuf, errlen) == -1)
		goto fail;
	if (load_env(cfg, errbuf, errlen) == -1)
		goto fail;
	if (check_counts(cfg, errbuf, errlen) == -1)
		goto fail;
	set_enabled(cfg);
	return 0;
fail:
	fal_config_free(cfg);
	return -1;
}

void
fal_config_free(struct fal_config *cfg)
{
	const struct key *k;
	size_t i;

	for (i = 0; cfg->providers != NULL && i < cfg->n_providers; i++)
		for (k = pkeys; k < pkeys + NELEM(pkeys); k++)
			if (k->type == V_STRING)
				free(*(char **)key_field(&cfg->providers[i],
							 k));
	free(cfg->providers);
	free_tokens(cfg);
	free(cfg->base_path);
	free(cfg->ca_file);
	free(cfg->batch_store);
	memset(cfg, 0, sizeof(*cfg));
}
