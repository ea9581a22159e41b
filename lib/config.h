/*
 * config.h - Falconieri's configuration (SPEC §3): one struct, filled in
 * one place (a JSON file, then the environment, which wins), read
 * everywhere else and never written after start.
 */
#ifndef FAL_CONFIG_H
#define FAL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* How a vendor is spoken to, which decides its keys and what "configured" means. */
enum fal_provider_kind {
	FAL_KIND_XMLRPC, /* needs rpc_url */
	FAL_KIND_REST    /* needs base_url, client_id, client_secret */
};

/*
 * One vendor as configuration sees it: its name (the key under
 * "providers", and upper-cased the prefix of its variables), its kind and
 * whether it has the disable_crc key.  The rows come from the vendor list
 * (providers/list.h); this library knows no vendor.
 */
struct fal_config_vendor {
	const char *name;
	enum fal_provider_kind kind;
	bool has_crc;
};

enum fal_log_format {
	FAL_LOG_TEXT,
	FAL_LOG_JSON
};

/* One vendor's settings; strings are never NULL ("" when unset). */
struct fal_provider_conf {
	char *user;
	char *password;
	char *rpc_url;
	char *base_url;
	char *client_id;
	char *client_secret;
	bool disable;
	bool disable_crc;   /* only vendors whose row has_crc */
	bool enabled;       /* computed: not disabled and configured */
};

struct fal_config {
	const struct fal_config_vendor *vendors; /* n_providers rows (the caller's) */
	struct fal_provider_conf *providers;     /* n_providers, as vendors */
	size_t n_providers;
	char **api_tokens;         /* n_api_tokens non-empty tokens */
	size_t n_api_tokens;
	char *base_path;           /* "" or "/prefix" without trailing slash */
	long connect_timeout_ms;   /* default 5000 */
	long timeout_ms;           /* default 30000 */
	char *ca_file;             /* "" = the system's CA directory */
	enum fal_log_format log_format;
	/* Batches (SPEC §6); batch_store "" turns them off. */
	char *batch_store;         /* "sqlite:PATH", "postgresql://...", "" */
	long batch_workers;        /* runner threads per process, 0 = none */
	long batch_per_vendor;     /* calls in flight per provider */
	long batch_attempts;       /* attempts in all per device */
	long batch_retry_ms;       /* first backoff */
	long batch_keep_days;      /* finished batches kept; 0 = for ever */
};

#define FAL_CONFIG_DEFAULT_PATH "/opt/falconieri/conf.json"

/*
 * Loads the settings of the n vendors (which must outlive cfg) from path
 * (a missing file is fine), then the environment (getenv).  Returns 0,
 * or -1 with a message naming the file or variable and the problem in
 * errbuf.  On failure cfg holds nothing to free.
 */
int fal_config_load(struct fal_config *cfg,
		    const struct fal_config_vendor *vendors, size_t n,
		    const char *path, char *errbuf, size_t errlen);

/* Frees what fal_config_load allocated. */
void fal_config_free(struct fal_config *cfg);

#endif
