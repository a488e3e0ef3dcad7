
/*
 * The journey's state machine: from the cookie a visitor sent (if any) and
 * this page view, the state its Set-Cookie will carry.  A session ends after
 * a timeout without page views, when a new campaign brings the visitor
 * back, or when the cookie's times are ahead of this node's clock; the
 * visitor stays.  The session that follows a cookie's is a keyed hash of
 * the cookie's visitor, session and the new session's index: every request
 * sent with the same cookie (API calls, assets, the page view) names the
 * same next session, whichever node computes it and in whatever order.
 */


#ifndef CX_SESSION_H
#define CX_SESSION_H


#include "cx_cookie.h"


/* a new visitor's id and first session id */
#define CX_SESSION_RANDOM_LEN  24


typedef struct {
    uint64_t              now_ms;
    uint64_t              timeout_ms;
    uint32_t              path_hash;      /* FNV-1a of this page's path */
    uint32_t              campaign;       /* FNV-1a of utm_campaign, 0 none */
    const unsigned char  *random;         /* CX_SESSION_RANDOM_LEN bytes,
                                             read without a cookie only */
    const unsigned char  *key;            /* 16 bytes, of
                                             cx_cookie_key_session() */
} cx_session_input_t;


typedef struct {
    unsigned              new_visitor:1;
    unsigned              new_session:1;
    int64_t               since_prev_ms;  /* CX_NONE on a session's landing */
} cx_session_result_t;


/* prev is NULL for a visitor without a valid cookie */
void cx_session_advance(const cx_cookie_state_t *prev,
    const cx_session_input_t *in, cx_cookie_state_t *next,
    cx_session_result_t *res);

/* the id of the session that follows prev's, whose index is index */
void cx_session_next_id(const cx_cookie_state_t *prev, uint16_t index,
    const unsigned char *key, unsigned char id[8]);

/* lowercase hex of n bytes into 2n bytes */
void cx_session_hex(unsigned char *dst, const unsigned char *src, size_t n);


#endif /* CX_SESSION_H */
