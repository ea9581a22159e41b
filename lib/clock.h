/*
 * clock.h - milliseconds on a clock that never jumps (CLOCK_MONOTONIC),
 * the time base of every deadline and duration the gateway measures.
 */
#ifndef FAL_CLOCK_H
#define FAL_CLOCK_H

/* Monotonic milliseconds since an arbitrary origin. */
long long fal_clock_ms(void);

#endif
