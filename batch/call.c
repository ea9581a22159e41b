/* call.c - see call.h. */
#include "call.h"

#include <string.h>
#include <time.h>

#include "../lib/http.h"
#include "../lib/mac.h"
#include "../lib/metrics.h"
#include "../lib/url.h"
#include "../providers/provider.h"

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

static long
since_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	       (t1.tv_nsec - t0->tv_nsec) / 1000000;
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

static void
attempt(void *ctx, void *worker, const struct fal_batch_job *job,
	struct fal_attempt *out)
{
	const struct fal_config *cfg = ctx;
	const struct fal_provider *p = fal_provider_get(job->provider);
	struct fal_call call = {
		.cfg = cfg,
		.http = worker,
		.err = &out->err,
	};
	struct fal_device dev;
	char url[FAL_URL_MAX + 1];
	struct timespec t0;
	enum fal_err rc;

	fal_error_clear(&out->err);
	if (p == NULL || worker == NULL || job->action == FAL_BATCH_CHECK) {
		fal_error_set(&out->err, FAL_ERR_INTERNAL, NULL);
		return;
	}
	if ((rc = device_of(job, &dev, url)) != FAL_OK) {
		out->err.code = rc;
		return;
	}
	call.conf = &cfg->providers[p->id];
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = job->action == FAL_BATCH_REGISTER ? p->register_device(&call, &dev)
					       : p->deregister_device(&call, &dev);
	fal_metrics_vendor_call(p->id, since_ms(&t0));
	out->err.code = rc;
	/* The vendor's words are stored and answered: fal_error_set has
	 * masked every secret of lib/secret.h in them. */
	out->has_pin = rc == FAL_OK && p->answers_pin && call.has_pin;
	if (out->has_pin)
		memcpy(out->pin, call.pin, sizeof(out->pin));
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
