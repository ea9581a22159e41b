/* stats.c - see stats.h. */
#include "stats.h"

#include <stdatomic.h>

#include "../providers/table.h"

static atomic_ulong devices[FAL_PROVIDER__MAX][FAL_BATCH_ACTION__MAX][FAL_ERR__MAX];
static atomic_ulong attempts[FAL_PROVIDER__MAX];

void
fal_batch_stats_device(enum fal_provider_id p, enum fal_batch_action a,
		       enum fal_err e)
{
	if ((unsigned)p < FAL_PROVIDER__MAX && (unsigned)a < FAL_BATCH_ACTION__MAX &&
	    (unsigned)e < FAL_ERR__MAX)
		atomic_fetch_add_explicit(&devices[p][a][e], 1,
					  memory_order_relaxed);
}

void
fal_batch_stats_attempt(enum fal_provider_id p)
{
	if ((unsigned)p < FAL_PROVIDER__MAX)
		atomic_fetch_add_explicit(&attempts[p], 1, memory_order_relaxed);
}

static void
render_devices(FILE *f)
{
	fputs("# HELP falconieri_batch_devices_total Batch devices finished, "
	      "by provider, action and outcome (final code or ok).\n"
	      "# TYPE falconieri_batch_devices_total counter\n", f);
	for (int p = 0; p < FAL_PROVIDER__MAX; p++)
		for (int a = 0; a < FAL_BATCH_ACTION__MAX; a++)
			for (int e = 0; e < FAL_ERR__MAX; e++) {
				unsigned long n = atomic_load_explicit(
				    &devices[p][a][e], memory_order_relaxed);
				if (n == 0)
					continue;
				fprintf(f, "falconieri_batch_devices_total{provider="
					"\"%s\",action=\"%s\",outcome=\"%s\"} %lu\n",
					fal_provider_name(p),
					fal_batch_action_name(a), fal_err_code(e), n);
			}
}

void
fal_batch_stats_render(FILE *f, const long *pending)
{
	render_devices(f);
	fputs("# HELP falconieri_batch_attempts_total Vendor calls made for "
	      "batch devices, retries included.\n"
	      "# TYPE falconieri_batch_attempts_total counter\n", f);
	for (int p = 0; p < FAL_PROVIDER__MAX; p++)
		fprintf(f, "falconieri_batch_attempts_total{provider=\"%s\"} "
			"%lu\n", fal_provider_name(p),
			atomic_load_explicit(&attempts[p], memory_order_relaxed));
	if (pending == NULL)
		return;
	fputs("# HELP falconieri_batch_pending Batch devices not yet sent, "
	      "in the whole store.\n"
	      "# TYPE falconieri_batch_pending gauge\n", f);
	for (int p = 0; p < FAL_PROVIDER__MAX; p++)
		fprintf(f, "falconieri_batch_pending{provider=\"%s\"} %ld\n",
			fal_provider_name(p), pending[p]);
}
