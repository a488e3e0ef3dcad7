
/*
 * The journey's state machine: from the cookie a visitor sent (if any) and
 * this page view, the state its Set-Cookie will carry.  A session ends after
 * a timeout without page views, or when a new campaign brings the visitor
 * back; the visitor stays.
 */


#ifndef CX_SESSION_H
#define CX_SESSION_H


#include "cx_cookie.h"


/* a visitor id and a session id, drawn whether or not they are needed */
#define CX_SESSION_RANDOM_LEN  24


typedef struct {
    uint64_t              now_ms;
    uint64_t              timeout_ms;
    uint32_t              path_hash;      /* FNV-1a of this page's path */
    uint32_t              campaign;       /* FNV-1a of utm_campaign, 0 none */
    const unsigned char  *random;         /* CX_SESSION_RANDOM_LEN bytes */
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

/* lowercase hex of n bytes into 2n bytes */
void cx_session_hex(unsigned char *dst, const unsigned char *src, size_t n);


#endif /* CX_SESSION_H */
