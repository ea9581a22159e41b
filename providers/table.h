/*
 * table.h - the vendors of the list (list.h) as the rest of the program
 * sees them: names, configuration rows, implementations.  Adding a vendor
 * is one providers/<vendor>.c that exports a const struct fal_provider
 * and one line in list.h.
 */
#ifndef FAL_TABLE_H
#define FAL_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/config.h"
#include "../lib/device.h"
#include "list.h"

/* The configuration rows of the vendors, by provider id. */
extern const struct fal_config_vendor fal_vendors[FAL_PROVIDER__MAX];

/* The implementation of a provider, or NULL when id is out of range. */
const struct fal_provider *fal_provider_get(enum fal_provider_id id);

/* Lower-case name of a provider ("snom"), or NULL when out of range. */
const char *fal_provider_name(enum fal_provider_id id);

/* Provider id of a lower-case name; FAL_PROVIDER__MAX when unknown. */
enum fal_provider_id fal_provider_lookup(const char *name);

/* fal_config_load for the vendors of the list. */
int fal_providers_config_load(struct fal_config *cfg, const char *path,
			      char *errbuf, size_t errlen);

/*
 * Runs every enabled provider's prepare hook once, at start.  Returns 0,
 * or -1 with the reason in errbuf.
 */
int fal_providers_prepare(struct fal_config *cfg, char *errbuf, size_t len);

/* Whether id is a provider enabled by cfg. */
bool fal_provider_enabled(const struct fal_config *cfg, enum fal_provider_id id);

#endif
