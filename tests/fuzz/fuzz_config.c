/*
 * fuzz_config.c - the configuration (SPEC §3): fal_config_load() on a file
 * holding the input, then the environment, then the providers' prepare
 * hooks, as main() does at start.
 *
 * Input: the file's bytes, then optionally a NUL and environment lines
 * "NAME=value" (one per line; only Falconieri's variables are set, and
 * every one is unset again afterwards).
 *
 * Checked: a refusal comes with a message, a load leaves no string NULL,
 * timeouts within the SPEC's bounds, base_path "" or "/x" without a
 * trailing slash, no empty API token, and "enabled" as SPEC §3 defines it.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "../../lib/config.h"
#include "../../providers/table.h"
#include "fuzz_common.h"
#include "fuzz_targets.h"

/* Prefixes of the variables fal_config_load reads. */
static const char *const cf_prefixes[] = {
	"SNOM_", "GIGASET_", "FANVIL_", "YEALINK_", "YMCS_", "GRAPE_",
	"SRAPS_", "FALCONIERI_",
};

#define CF_NPREFIX (sizeof(cf_prefixes) / sizeof(cf_prefixes[0]))

static bool
cf_our_var(const char *name)
{
	for (size_t i = 0; i < CF_NPREFIX; i++)
		if (strncmp(name, cf_prefixes[i], strlen(cf_prefixes[i])) == 0)
			return true;
	return false;
}

/* Sets the "NAME=value" lines of env (modified in place); returns how many
 * names it set, recorded in names[] for unsetting. */
static size_t
cf_set_env(char *env, char *names[], size_t max)
{
	size_t n = 0;
	char *line, *save = NULL, *eq;

	for (line = strtok_r(env, "\n", &save); line != NULL && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		if (!cf_our_var(line) || strlen(line) > 40)
			continue;
		if (setenv(line, eq + 1, 1) == 0)
			names[n++] = line;
	}
	return n;
}

/* Whether a loaded configuration has the shape config.h promises. */
static void
cf_check(const struct fal_config *cfg)
{
	size_t n;

	FUZZ_CHECK(cfg->base_path != NULL && cfg->ca_file != NULL);
	n = strlen(cfg->base_path);
	FUZZ_CHECK(n == 0 || (cfg->base_path[0] == '/' &&
			      cfg->base_path[n - 1] != '/'));
	FUZZ_CHECK(cfg->connect_timeout_ms >= 1 &&
		   cfg->connect_timeout_ms <= 3600000);
	FUZZ_CHECK(cfg->timeout_ms >= 1 && cfg->timeout_ms <= 3600000);
	FUZZ_CHECK(cfg->log_format == FAL_LOG_TEXT ||
		   cfg->log_format == FAL_LOG_JSON);
	FUZZ_CHECK((cfg->n_api_tokens == 0) == (cfg->api_tokens == NULL));
	for (n = 0; n < cfg->n_api_tokens; n++)
		FUZZ_CHECK(cfg->api_tokens[n] != NULL &&
			   cfg->api_tokens[n][0] != '\0');
	for (int id = 0; id < FAL_PROVIDER__MAX; id++) {
		const struct fal_provider_conf *p = &cfg->providers[id];
		bool configured;

		FUZZ_CHECK(p->user && p->password && p->rpc_url &&
			   p->base_url && p->client_id && p->client_secret);
		if (fal_vendors[id].kind == FAL_KIND_XMLRPC)
			configured = p->rpc_url[0] != '\0';
		else
			configured = p->base_url[0] != '\0' &&
				     p->client_id[0] != '\0' &&
				     p->client_secret[0] != '\0';
		FUZZ_CHECK(p->enabled == (configured && !p->disable));
	}
}

int
fuzz_config(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t flen = nul != NULL ? (size_t)(nul - data) : size;
	char path[64], err[512], *env = NULL, *names[32];
	struct fal_config cfg;
	size_t nnames = 0;
	int fd, rc;

	/* The file may hold NULs (refused as such) only when no env follows. */
	if (nul != NULL) {
		size_t elen = size - flen - 1;

		if ((env = malloc(elen + 1)) == NULL)
			return 0;
		memcpy(env, nul + 1, elen);
		env[elen] = '\0';
		nnames = cf_set_env(env, names, 32);
	}
	fd = memfd_create("fuzz-config", 0);
	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(write(fd, data, flen) == (ssize_t)flen);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	err[0] = '\0';
	rc = fal_providers_config_load(&cfg, path, err, sizeof(err));
	if (rc != 0) {
		FUZZ_CHECK(err[0] != '\0');
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	} else {
		cf_check(&cfg);
		err[0] = '\0';
		if (fal_providers_prepare(&cfg, err, sizeof(err)) != 0)
			FUZZ_CHECK(err[0] != '\0');
		fal_config_free(&cfg);
	}
	close(fd);
	for (size_t i = 0; i < nnames; i++)
		unsetenv(names[i]);
	free(env);
	return 0;
}

FUZZ_TARGET(fuzz_config)
