/* retry.c - see retry.h. */
#include "retry.h"

bool
fal_retry_retryable(enum fal_err code)
{
	return code == FAL_ERR_CONNECTION_FAILED ||
	       code == FAL_ERR_READ_RESPONSE_FAILED ||
	       code == FAL_ERR_REMOTE_CALL_FAILED;
}

long
fal_retry_delay_ms(long retry_ms, long attempt, double rnd,
		   long retry_after_ms)
{
	double d = retry_ms > 0 ? (double)retry_ms : 0;

	/* Doubling stops once past the cap: no overflow however many. */
	for (long i = 1; i < attempt && d < FAL_RETRY_CAP_MS; i++)
		d *= 2;
	d *= 0.8 + 0.4 * (rnd < 0 ? 0 : rnd >= 1 ? 1 : rnd);
	if (d > FAL_RETRY_CAP_MS)
		d = FAL_RETRY_CAP_MS;
	if (retry_after_ms > FAL_RETRY_AFTER_MAX_MS)
		retry_after_ms = FAL_RETRY_AFTER_MAX_MS;
	return retry_after_ms > (long)d ? retry_after_ms : (long)d;
}
