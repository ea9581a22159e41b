/* table.c - the vendors of list.h by provider id: see table.h. */
#include "table.h"

#include <string.h>

#include "../lib/metrics.h"

_Static_assert(FAL_PROVIDER__MAX <= FAL_METRICS_VENDORS,
	       "lib/metrics.c counts FAL_METRICS_VENDORS vendors at most");

#define FAL_VENDOR_EXTERN(name, ID, KIND, CRC) \
	extern const struct fal_provider fal_provider_##name;
FAL_VENDORS(FAL_VENDOR_EXTERN)

#define FAL_VENDOR_ROW(name, ID, KIND, CRC) \
	[FAL_##ID] = { #name, FAL_KIND_##KIND, CRC },
const struct fal_config_vendor fal_vendors[FAL_PROVIDER__MAX] = {
	FAL_VENDORS(FAL_VENDOR_ROW)
};

#define FAL_VENDOR_IMPL(name, ID, KIND, CRC) [FAL_##ID] = &fal_provider_##name,
static const struct fal_provider *const providers[FAL_PROVIDER__MAX] = {
	FAL_VENDORS(FAL_VENDOR_IMPL)
};

const struct fal_provider *
fal_provider_get(enum fal_provider_id id)
{
	return (unsigned)id < FAL_PROVIDER__MAX ? providers[id] : NULL;
}

const char *
fal_provider_name(enum fal_provider_id id)
{
	return (unsigned)id < FAL_PROVIDER__MAX ? fal_vendors[id].name : NULL;
}

enum fal_provider_id
fal_provider_lookup(const char *name)
{
	unsigned i;

	for (i = 0; name != NULL && i < FAL_PROVIDER__MAX; i++)
		if (strcmp(fal_vendors[i].name, name) == 0)
			return (enum fal_provider_id)i;
	return FAL_PROVIDER__MAX;
}

int
fal_providers_config_load(struct fal_config *cfg, const char *path,
			  char *errbuf, size_t errlen)
{
	return fal_config_load(cfg, fal_vendors, FAL_PROVIDER__MAX, path,
			       errbuf, errlen);
}

bool
fal_provider_enabled(const struct fal_config *cfg, enum fal_provider_id id)
{
	return (unsigned)id < FAL_PROVIDER__MAX && id < cfg->n_providers &&
	       cfg->providers[id].enabled;
}

int
fal_providers_prepare(struct fal_config *cfg, char *errbuf, size_t len)
{
	for (int id = 0; id < FAL_PROVIDER__MAX; id++) {
		const struct fal_provider *p = providers[id];

		if (p->prepare == NULL || !fal_provider_enabled(cfg, id))
			continue;
		if (p->prepare(&cfg->providers[id], errbuf, len) != 0)
			return -1;
	}
	return 0;
}
