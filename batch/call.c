/* call.c - see call.h. */
#include "call.h"

#include <stdio.h>
#include <string.h>

#include "../lib/device.h"
#include "../lib/http.h"
#include "../lib/mac.h"
#include "../lib/metrics.h"
#include "../lib/url.h"
#include "../lib/utf8.h"
#include "../providers/table.h"

static void *
worker_new(void *ctx)
{
	return fal_http_new(ctx);
}

static void
worker_free(void *worker)
{
	fal_http_free(worker);
}

/*
 * The device job names, as the provider functions take it: the URL with
 * %25 sent as % (SPEC §1.1) written into url.
 */
static enum fal_err
device_of(const struct fal_batch_job *job, struct fal_device *dev,
	  char url[FAL_URL_MAX + 1])
{
	memset(dev, 0, sizeof(*dev));
	dev->sent_url = job->url;
	dev->url = fal_url_decode_pct25(url, job->url);
	dev->sn = job->sn[0] != '\0' ? job->sn : NULL;
	memcpy(dev->crc, job->crc, sizeof(dev->crc));
	return fal_mac_parse(job->mac, &dev->mac);
}

/* The device action of a job's. */
static enum fal_action
action_of(enum fal_batch_action a)
{
	switch (a) {
	case FAL_BATCH_REGISTER:
		return FAL_ACTION_REGISTER;
	case FAL_BATCH_DEREGISTER:
		return FAL_ACTION_DEREGISTER;
	default:
		return FAL_ACTION_LOOKUP;
	}
}

/* What the runner keeps of an outcome. */
static void
keep_outcome(const struct fal_provider *p, enum fal_action action,
	     const struct fal_outcome *o, struct fal_attempt *out)
{
	const char *url;

	out->err = o->err;
	out->retry_after_ms = o->retry_after_ms;
	out->has_pin = o->err.code == FAL_OK && p->answers_pin && o->has_pin;
	if (out->has_pin)
		memcpy(out->pin, o->pin, sizeof(out->pin));
	if (o->err.code != FAL_OK || action != FAL_ACTION_LOOKUP)
		return;
	out->lookup_state = fal_lookup_state_word(o->lookup_state);
	/* NULL unless registered (SPEC §1.8's rule, in fal_device_do); cut
	 * between characters, so that the stores get valid UTF-8. */
	url = o->lookup_url != NULL ? o->lookup_url : "";
	fal_utf8_copy(out->lookup_url, sizeof(out->lookup_url), url,
		      strlen(url));
}

/*
 * One attempt: the job's action through fal_device_do, as a single
 * request would make it, with the same timeout_ms budget.
 */
static void
attempt(void *ctx, void *worker, const struct fal_batch_job *job,
	struct fal_attempt *out)
{
	const struct fal_config *cfg = ctx;
	const struct fal_provider *p = fal_provider_get(job->provider);
	const struct fal_guard guard = {
		.deadline_ms = fal_http_now_ms(worker) + cfg->timeout_ms,
	};
	enum fal_action action = action_of(job->action);
	struct fal_outcome o;
	struct fal_device dev;
	char url[FAL_URL_MAX + 1];
	enum fal_err rc;

	fal_error_clear(&out->err);
	if (p == NULL || worker == NULL) {
		fal_error_set(&out->err, FAL_ERR_INTERNAL, NULL);
		return;
	}
	if ((rc = device_of(job, &dev, url)) != FAL_OK) {
		out->err.code = rc;
		return;
	}
	fal_device_do(p, &cfg->providers[job->provider], worker, &guard,
		      action, &dev, &o);
	fal_metrics_vendor_call(job->provider, o.vendor_ms);
	keep_outcome(p, action, &o, out);
	fal_outcome_free(&o);
}

struct fal_runner_calls
fal_batch_calls(const struct fal_config *cfg)
{
	return (struct fal_runner_calls){
		.worker_new = worker_new,
		.worker_free = worker_free,
		.attempt = attempt,
		.ctx = (void *)cfg,
	};
}
