
/*
 * The experience of a page view: friction flags (slow, error, not found,
 * reload, backtrack, loop) and a rating, judged at the edge from what the
 * request and the cookie tell.  docs/experience.md states the rules.
 */


#ifndef CX_EXPERIENCE_H
#define CX_EXPERIENCE_H


#include "cx_str.h"


typedef enum {
    CX_EXPERIENCE_NONE = 0,
    CX_EXPERIENCE_POSITIVE,
    CX_EXPERIENCE_NEUTRAL,
    CX_EXPERIENCE_NEGATIVE          /* the worst: the highest value */
} cx_experience_e;


/* friction flags, in the order the record lists them */
#define CX_FRICTION_SLOW        0x01
#define CX_FRICTION_ERROR       0x02
#define CX_FRICTION_NOT_FOUND   0x04
#define CX_FRICTION_RELOAD      0x08
#define CX_FRICTION_BACKTRACK   0x10
#define CX_FRICTION_LOOP        0x20
#define CX_FRICTION_KINDS       6

/* the third page view in a row on one touchpoint, without a goal, loops */
#define CX_EXPERIENCE_LOOP_AT   3


typedef struct {
    int64_t    request_ms;
    int64_t    slow_ms;         /* the threshold: cx_slow or the touchpoint's */
    int64_t    status;
    int        goal;            /* the page is a goal touchpoint */
    int        in_session;      /* an earlier page view of this session is
                                   known, with the paths below */
    uint32_t   path;            /* FNV-1a of this page's path */
    uint32_t   prev_path[2];    /* [0] the previous page's, [1] the one
                                   before */
    unsigned   repeat;          /* page views in a row on this page's
                                   touchpoint, this one included */
} cx_experience_input_t;


unsigned cx_experience_friction(const cx_experience_input_t *in);
cx_experience_e cx_experience_rate(const cx_experience_input_t *in,
    unsigned friction);

const char *cx_experience_name(cx_experience_e e);
const char *cx_friction_name(unsigned kind);      /* kind: 0..5 */

/* the cookie keeps the last three ratings, two bits each, newest lowest */
uint8_t cx_experience_push(uint8_t history, cx_experience_e e);

/* the newest rating replaced: the same page answered again, otherwise */
uint8_t cx_experience_replace(uint8_t history, cx_experience_e e);
cx_experience_e cx_experience_worst(uint8_t history);


#endif /* CX_EXPERIENCE_H */
