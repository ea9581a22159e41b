/* row.c - see row.h. */
#include "row.h"

#include <stdlib.h>
#include <string.h>

#include "../lib/check.h"
#include "../lib/mac.h"
#include "../lib/url.h"
#include "../providers/table.h"

/* The url check of PUT: present, non-empty, then fal_url_check. */
static enum fal_err
check_url(const char *url)
{
	if (url == NULL || url[0] == '\0')
		return FAL_ERR_MISSING_URL;
	return fal_url_check(url);
}

/* The sn check of a ymcs PUT: absent is fine. */
static enum fal_err
check_sn(const struct fal_raw_row *raw)
{
	if (raw->sn_bad)
		return FAL_ERR_MALFORMED_SERIAL;
	return raw->sn != NULL ? fal_sn_check(raw->sn) : FAL_OK;
}

/* Copies the strings out keeps; FAL_OK or FAL_ERR_INTERNAL. */
static enum fal_err
keep(const char *url, const char *sn, struct fal_batch_row *out)
{
	if (url != NULL && (out->url = strdup(url)) == NULL)
		return FAL_ERR_INTERNAL;
	if (sn != NULL && (out->sn = strdup(sn)) == NULL)
		return FAL_ERR_INTERNAL;
	return FAL_OK;
}

enum fal_err
fal_row_check(const struct fal_config *cfg, enum fal_batch_action action,
	      const struct fal_raw_row *raw, struct fal_batch_row *out)
{
	const struct fal_provider *p;
	struct fal_mac mac;
	enum fal_provider_id id;
	bool reg = action == FAL_BATCH_REGISTER;
	enum fal_err rc;

	memset(out, 0, sizeof(*out));
	id = raw->provider != NULL ? fal_provider_lookup(raw->provider)
				   : FAL_PROVIDER__MAX;
	if (id == FAL_PROVIDER__MAX || !fal_provider_enabled(cfg, id))
		return FAL_ERR_PROVIDER_NOT_SUPPORTED;
	p = fal_provider_get(id);
	if (raw->mac_bad)
		return FAL_ERR_MALFORMED_MAC;
	if ((rc = fal_mac_parse(raw->mac, &mac)) != FAL_OK)
		return rc;
	if (reg && (rc = check_url(raw->url)) != FAL_OK)
		return rc;
	if (reg && p->uses_sn && (rc = check_sn(raw)) != FAL_OK)
		return rc;
	if (fal_vendors[id].has_crc && !cfg->providers[id].disable_crc) {
		if (raw->crc_bad)
			return FAL_ERR_INVALID_CRC;
		if ((rc = fal_crc_check(raw->crc, out->crc)) != FAL_OK)
			return rc;
	}
	out->provider = id;
	memcpy(out->mac, mac.hyphen, sizeof(out->mac));
	rc = keep(reg ? raw->url : NULL, reg && p->uses_sn ? raw->sn : NULL, out);
	if (rc != FAL_OK)
		fal_row_free(out);
	return rc;
}

void
fal_row_free(struct fal_batch_row *row)
{
	free(row->url);
	free(row->sn);
	row->url = row->sn = NULL;
}
