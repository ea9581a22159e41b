/*
 * call.h - one batch attempt as the single-device call would make it:
 * the vendor's dialogue for the job's action, with a reused HTTP client
 * per runner thread.  This is the struct fal_runner_calls of a real
 * runner.
 */
#ifndef FAL_CALL_H
#define FAL_CALL_H

#include "../lib/config.h"
#include "runner.h"

/* The calls for a runner serving cfg (which must outlive the runner). */
struct fal_runner_calls fal_batch_calls(const struct fal_config *cfg);

#endif
