/* batch_service.c - see batch_service.h. */
#include "batch_service.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "../batch/call.h"
#include "../lib/log.h"

/* How long a runner's claim on a device lasts past one vendor call. */
#define CLAIM_MARGIN_MS 30000

/* Opens the store; NULL with the reason printed. */
static struct fal_store *
open_store(const struct fal_config *cfg)
{
	char err[512];
	struct fal_store *st = fal_store_open(cfg->batch_store, err, sizeof(err));

	if (st == NULL)
		fprintf(stderr, "falconieri: %s\n", err);
	return st;
}

static int
start_runner(struct fal_batch_service *s, const struct fal_config *cfg)
{
	struct fal_runner_conf conf = {
		.workers = (int)cfg->batch_workers,
		.per_vendor = (int)cfg->batch_per_vendor,
		.attempts = (int)cfg->batch_attempts,
		.retry_ms = cfg->batch_retry_ms,
		.claim_ms = cfg->timeout_ms + CLAIM_MARGIN_MS,
		.call_ms = cfg->timeout_ms,
		.keep_days = cfg->batch_keep_days,
		.idle_ms = 250,
		.log_format = cfg->log_format,
	};
	struct fal_runner_calls calls = fal_batch_calls(cfg);

	if ((s->runner_store = open_store(cfg)) == NULL)
		return -1;
	if ((s->runner = fal_runner_start(s->runner_store, &conf, &calls)) == NULL) {
		fprintf(stderr, "falconieri: cannot start the batch runner\n");
		return -1;
	}
	fal_log_msg(cfg->log_format, "info", "batch runner: %d threads, at "
		    "most %d calls in flight per provider", conf.workers,
		    conf.per_vendor);
	return 0;
}

int
fal_batch_service_start(struct fal_batch_service *s,
			const struct fal_config *cfg, bool routes, bool runner)
{
	memset(s, 0, sizeof(*s));
	if (cfg->batch_store[0] == '\0')
		return 0;
	if (routes && (s->api_store = open_store(cfg)) == NULL)
		return -1;
	if (runner && cfg->batch_workers > 0 && start_runner(s, cfg) != 0) {
		fal_batch_service_stop(s);
		return -1;
	}
	s->batches = (struct fal_batches){ cfg, s->api_store, s->runner };
	s->routes = fal_batches_routes(&s->batches);
	return 0;
}

const struct fal_batch_routes *
fal_batch_service_routes(const struct fal_batch_service *s)
{
	return s->api_store != NULL ? &s->routes : NULL;
}

void
fal_batch_service_stop(struct fal_batch_service *s)
{
	fal_runner_stop(s->runner);
	fal_store_close(s->runner_store);
	fal_store_close(s->api_store);
	memset(s, 0, sizeof(*s));
}

int
fal_batch_runner_main(const struct fal_config *cfg)
{
	struct fal_batch_service s;
	sigset_t stop;
	int sig;

	if (cfg->batch_store[0] == '\0' || cfg->batch_workers == 0) {
		fprintf(stderr, "falconieri: --batch-runner needs batch_store "
			"set and batch_workers above 0\n");
		return 1;
	}
	if (fal_batch_service_start(&s, cfg, false, true) != 0)
		return 1;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigwait(&stop, &sig);
	fal_log_msg(cfg->log_format, "info", "signal %d: finishing batch calls "
		    "in flight", sig);
	fal_batch_service_stop(&s);
	return 0;
}
