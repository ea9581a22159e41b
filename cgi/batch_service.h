/*
 * batch_service.h - batches in this process (SPEC §6.5, §6.6): the store
 * the requests use, and the runner with its own store handle, started
 * and stopped with the program.  Also `falconieri --batch-runner`.
 */
#ifndef FAL_BATCH_SERVICE_H
#define FAL_BATCH_SERVICE_H

#include <stdbool.h>

#include "../api/batches.h"
#include "../api/api.h"
#include "../lib/config.h"

struct fal_batch_service {
	struct fal_store *api_store;     /* NULL: no batch routes */
	struct fal_store *runner_store;
	struct fal_runner *runner;       /* NULL: no runner here */
	struct fal_batches batches;
	struct fal_batch_routes routes;
};

/*
 * Opens the store for requests (routes) and, when runner and
 * batch_workers > 0, starts a runner.  Nothing when batch_store is "".
 * Returns 0, or -1 with the reason printed (the store is unreachable).
 */
int fal_batch_service_start(struct fal_batch_service *s,
			    const struct fal_config *cfg, bool routes,
			    bool runner);

/* The §6 routes for fal_serve, or NULL when batches are off. */
const struct fal_batch_routes *fal_batch_service_routes(
	const struct fal_batch_service *s);

/* Lets the runner's calls in flight finish, then closes everything. */
void fal_batch_service_stop(struct fal_batch_service *s);

/*
 * --batch-runner: runs only a runner until SIGTERM or SIGINT (which must
 * be blocked already).  Returns the process's exit status.
 */
int fal_batch_runner_main(const struct fal_config *cfg);

#endif
