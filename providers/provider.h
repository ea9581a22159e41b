/*
 * provider.h - the one small interface every vendor implements, and the
 * table naming them.  Adding a vendor is one providers/<vendor>.c that
 * exports a const struct fal_provider, plus one entry in table.c.
 */
#ifndef FAL_PROVIDER_H
#define FAL_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/config.h"
#include "../lib/err.h"
#include "../lib/http.h"
#include "../lib/mac.h"

/* The device a request names, already validated. */
struct fal_device {
	struct fal_mac mac;
	const char *url;   /* PUT: the URL as vendors get it, %25 sent as % */
	const char *sent_url; /* PUT: the URL exactly as the client sent it */
	const char *sn;    /* ymcs: serial number, or NULL */
	char crc[5];       /* gigaset: upper-case check code, "" when unused */
};

/* What a lookup found (SPEC §1.8 `state`). */
enum fal_lookup_state {
	FAL_LOOKUP_REGISTERED,       /* this account redirects the device */
	FAL_LOOKUP_NOT_REGISTERED,   /* it does not */
	FAL_LOOKUP_ELSEWHERE         /* another account does */
};

/* One vendor call in progress: what it may use and where it answers. */
struct fal_call {
	const struct fal_config *cfg;
	const struct fal_provider_conf *conf;  /* this vendor's settings */
	struct fal_http *http;                 /* the worker's client */
	struct fal_error *err;                 /* set on failure */
	bool has_pin;                          /* ymcs: device_pin found */
	char pin[64];
	enum fal_lookup_state lookup_state;    /* lookup: what it found */
	char *lookup_url;                      /* lookup: malloc'd, or NULL */
};

struct fal_provider {
	enum fal_provider_id id;
	bool uses_crc;      /* validates `crc` unless disable_crc */
	bool uses_sn;       /* validates body `sn` */
	bool answers_pin;   /* PUT success answers {"device_pin":...} */
	/* Optional: derives values from conf once at start; 0 or -1 (errbuf). */
	int (*prepare)(struct fal_provider_conf *conf, char *errbuf, size_t len);
	/* Registers dev->url for dev; FAL_OK or the error set in call->err. */
	enum fal_err (*register_device)(struct fal_call *call,
					const struct fal_device *dev);
	/* Removes dev's redirection; unknown devices are a success. */
	enum fal_err (*deregister_device)(struct fal_call *call,
					  const struct fal_device *dev);
	/*
	 * Asks where dev points without changing anything (SPEC §2.4): sets
	 * call->lookup_state and, when the vendor says, call->lookup_url.
	 */
	enum fal_err (*lookup_device)(struct fal_call *call,
				      const struct fal_device *dev);
};

/* The implementation of a provider, or NULL when there is none yet. */
const struct fal_provider *fal_provider_get(enum fal_provider_id id);

/*
 * Runs every enabled provider's prepare hook once, at start.  Returns 0,
 * or -1 with the reason in errbuf.
 */
int fal_providers_prepare(struct fal_config *cfg, char *errbuf, size_t len);

/* Whether id is implemented and enabled by cfg. */
bool fal_provider_enabled(const struct fal_config *cfg, enum fal_provider_id id);

#endif
