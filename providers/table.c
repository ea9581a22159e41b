/* table.c - the vendors Falconieri speaks to, by provider id. */
#include "provider.h"

#include <stddef.h>

extern const struct fal_provider fal_provider_snom;
extern const struct fal_provider fal_provider_gigaset;
extern const struct fal_provider fal_provider_fanvil;
extern const struct fal_provider fal_provider_yealink;
extern const struct fal_provider fal_provider_ymcs;
extern const struct fal_provider fal_provider_grape;
extern const struct fal_provider fal_provider_sraps;

static const struct fal_provider *const providers[FAL_PROVIDER__MAX] = {
	&fal_provider_snom,   /* FAL_SNOM */
	&fal_provider_gigaset, /* FAL_GIGASET */
	&fal_provider_fanvil, /* FAL_FANVIL */
	&fal_provider_yealink, /* FAL_YEALINK */
	&fal_provider_ymcs,   /* FAL_YMCS */
	&fal_provider_grape,  /* FAL_GRAPE */
	&fal_provider_sraps,  /* FAL_SRAPS */
};

const struct fal_provider *
fal_provider_get(enum fal_provider_id id)
{
	return (unsigned)id < FAL_PROVIDER__MAX ? providers[id] : NULL;
}

bool
fal_provider_enabled(const struct fal_config *cfg, enum fal_provider_id id)
{
	return fal_provider_get(id) != NULL && cfg->providers[id].enabled;
}

int
fal_providers_prepare(struct fal_config *cfg, char *errbuf, size_t len)
{
	for (int id = 0; id < FAL_PROVIDER__MAX; id++) {
		const struct fal_provider *p = fal_provider_get(id);

		if (p == NULL || p->prepare == NULL || !cfg->providers[id].enabled)
			continue;
		if (p->prepare(&cfg->providers[id], errbuf, len) != 0)
			return -1;
	}
	return 0;
}
