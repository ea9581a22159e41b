/* batch.c - see batch.h: the wire names of the batch enums. */
#include "batch.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const action_names[FAL_BATCH_ACTION__MAX] = {
	"register",     /* FAL_BATCH_REGISTER */
	"deregister",   /* FAL_BATCH_DEREGISTER */
	"check",        /* FAL_BATCH_CHECK */
};

static const char *const state_names[FAL_BATCH_STATE__MAX] = {
	"queued",       /* FAL_BATCH_QUEUED */
	"running",      /* FAL_BATCH_RUNNING */
	"done",         /* FAL_BATCH_DONE */
	"cancelled",    /* FAL_BATCH_CANCELLED */
};

static const char *const dev_state_names[FAL_DEV_STATE__MAX] = {
	"pending",      /* FAL_DEV_PENDING */
	"succeeded",    /* FAL_DEV_SUCCEEDED */
	"failed",       /* FAL_DEV_FAILED */
};

/* Index of name in names[n], or n. */
static int
find(const char *const *names, int n, const char *name)
{
	int i;

	for (i = 0; name != NULL && i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return n;
}

const char *
fal_batch_action_name(enum fal_batch_action a)
{
	return (unsigned)a < FAL_BATCH_ACTION__MAX ? action_names[a] : NULL;
}

const char *
fal_batch_state_name(enum fal_batch_state s)
{
	return (unsigned)s < FAL_BATCH_STATE__MAX ? state_names[s] : NULL;
}

const char *
fal_dev_state_name(enum fal_dev_state s)
{
	return (unsigned)s < FAL_DEV_STATE__MAX ? dev_state_names[s] : NULL;
}

enum fal_batch_action
fal_batch_action_parse(const char *name)
{
	return find(action_names, FAL_BATCH_ACTION__MAX, name);
}

enum fal_batch_state
fal_batch_state_parse(const char *name)
{
	return find(state_names, FAL_BATCH_STATE__MAX, name);
}

enum fal_dev_state
fal_dev_state_parse(const char *name)
{
	return find(dev_state_names, FAL_DEV_STATE__MAX, name);
}

void
fal_batch_time(long long ms, char out[21])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 21, "1970-01-01T00:00:00Z");
}
