/*
 * fuzz_batch.c - the body of POST /batches (SPEC §6.1): JSON or CSV,
 * through fal_batch_input_parse() as the route calls it.
 *
 * Input: a format byte (even: JSON, odd: CSV), an action byte (0: none,
 * 1 register, 2 deregister, 3 check, else an unknown name), then the body.
 *
 * Checked: every outcome is one the route answers; an accepted batch has
 * 1 to 100,000 rows in increasing order, each with a provider and a
 * MAC-HYPHEN; a refusal lists at most 100 rows in increasing order, with
 * codes of §1.1 or duplicate_device, or else says why.
 */
#include "../../batch/input.h"
#include "../../providers/table.h"
#include "fuzz_common.h"
#include "fuzz_targets.h"

static const char *const fb_actions[] = { NULL, "register", "deregister",
					  "check" };

/* Every provider enabled, Gigaset with its check code. */
static void
fb_config(struct fal_config *cfg)
{
	static struct fal_provider_conf confs[FAL_PROVIDER__MAX];

	memset(cfg, 0, sizeof(*cfg));
	memset(confs, 0, sizeof(confs));
	cfg->vendors = fal_vendors;
	cfg->providers = confs;
	cfg->n_providers = FAL_PROVIDER__MAX;
	for (int p = 0; p < FAL_PROVIDER__MAX; p++)
		cfg->providers[p].enabled = true;
}

static void
fb_check_ok(const struct fal_batch_input *in)
{
	FUZZ_CHECK(in->n > 0 && in->n <= FAL_BATCH_MAX_DEVICES);
	for (size_t i = 0; i < in->n; i++) {
		FUZZ_CHECK(in->rows[i].provider < FAL_PROVIDER__MAX);
		FUZZ_CHECK(strlen(in->rows[i].mac) == 17);
		FUZZ_CHECK(i == 0 || in->rows[i].row > in->rows[i - 1].row);
	}
}

static void
fb_check_invalid(const struct fal_batch_input *in)
{
	FUZZ_CHECK(in->n_bad <= FAL_BATCH_BAD_MAX);
	FUZZ_CHECK(in->n_bad > 0 || in->message[0] != '\0');
	for (size_t i = 0; i < in->n_bad; i++) {
		enum fal_err c = in->bad[i].code;
		FUZZ_CHECK(c == FAL_ERR_DUPLICATE_DEVICE ||
			   fal_err_status(c) == 400 ||
			   c == FAL_ERR_PROVIDER_NOT_SUPPORTED);
		FUZZ_CHECK(i == 0 || in->bad[i].row > in->bad[i - 1].row);
	}
}

int
fuzz_batch(const uint8_t *data, size_t size)
{
	struct fal_batch_input in;
	struct fal_config cfg;
	enum fal_batch_format f;
	const char *action;
	enum fal_err rc;

	if (size < 2)
		return 0;
	fb_config(&cfg);
	f = data[0] % 2 ? FAL_BATCH_CSV : FAL_BATCH_JSON;
	action = data[1] < 4 ? fb_actions[data[1]] : "x";
	rc = fal_batch_input_parse(&cfg, f, action, (const char *)data + 2,
				   size - 2, &in);
	FUZZ_CHECK(rc == FAL_OK || rc == FAL_ERR_INVALID_BATCH ||
		   rc == FAL_ERR_REQUEST_TOO_LARGE || rc == FAL_ERR_INTERNAL);
	if (rc == FAL_OK)
		fb_check_ok(&in);
	else if (rc == FAL_ERR_INVALID_BATCH)
		fb_check_invalid(&in);
	fal_batch_input_free(&in);
	return 0;
}

FUZZ_TARGET(fuzz_batch)
