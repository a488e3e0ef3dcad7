
/*
 * The journey's state machine: see cx_session.h.
 */


#include <string.h>

#include "cx_session.h"


static void cx_session_start(const cx_session_input_t *in,
    cx_cookie_state_t *next);


void
cx_session_advance(const cx_cookie_state_t *prev, const cx_session_input_t *in,
    cx_cookie_state_t *next, cx_session_result_t *res)
{
    uint64_t  elapsed;

    res->new_visitor = 0;
    res->new_session = 0;
    res->since_prev_ms = CX_NONE;

    if (prev == NULL) {
        memset(next, 0, sizeof(cx_cookie_state_t));
        memcpy(next->visitor, in->random, sizeof(next->visitor));
        next->session_index = 0;
        cx_session_start(in, next);

        res->new_visitor = 1;
        res->new_session = 1;
        return;
    }

    *next = *prev;

    /* another node's clock may be slightly ahead of ours */

    elapsed = in->now_ms >= prev->last_seen_ms
              ? in->now_ms - prev->last_seen_ms : 0;

    if (elapsed > in->timeout_ms
        || (in->campaign != 0 && in->campaign != prev->campaign))
    {
        /* a goal reached in the session that ends makes the visitor loyal */

        if (prev->flags & CX_COOKIE_GOAL) {
            next->flags |= CX_COOKIE_LOYAL;
        }

        next->flags &= ~CX_COOKIE_GOAL;
        next->touchpoint = 0;
        next->experience = 0;
        next->repeat = 0;

        cx_session_start(in, next);

        res->new_session = 1;
        return;
    }

    res->since_prev_ms = (int64_t) elapsed;

    if (next->seq < UINT16_MAX) {
        next->seq++;
    }

    next->last_seen_ms = in->now_ms;
    next->path_hash[1] = prev->path_hash[0];
    next->path_hash[0] = in->path_hash;
}


/* a new session of the same visitor: its channel is classified anew */
static void
cx_session_start(const cx_session_input_t *in, cx_cookie_state_t *next)
{
    memcpy(next->session, in->random + sizeof(next->visitor),
           sizeof(next->session));

    if (next->session_index < UINT16_MAX) {
        next->session_index++;
    }

    next->seq = 1;
    next->session_start = (uint32_t) (in->now_ms / 1000);
    next->last_seen_ms = in->now_ms;
    next->path_hash[0] = in->path_hash;
    next->path_hash[1] = 0;
    next->campaign = in->campaign;
    next->channel = 0;
}


void
cx_session_hex(unsigned char *dst, const unsigned char *src, size_t n)
{
    static const char  hex[] = "0123456789abcdef";

    while (n--) {
        *dst++ = hex[*src >> 4];
        *dst++ = hex[*src++ & 0xf];
    }
}
