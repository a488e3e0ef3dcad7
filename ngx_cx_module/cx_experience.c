
/*
 * Friction and the experience rating: see cx_experience.h.
 */


#include "cx_experience.h"


static const char  *cx_experience_names[] = {
    NULL, "positive", "neutral", "negative"
};

static const char  *cx_friction_names[CX_FRICTION_KINDS] = {
    "slow", "error", "not_found", "reload", "backtrack", "loop"
};


unsigned
cx_experience_friction(const cx_experience_input_t *in)
{
    unsigned  friction;

    friction = 0;

    if (in->request_ms > in->slow_ms) {
        friction |= CX_FRICTION_SLOW;
    }

    if (in->status >= 500) {
        friction |= CX_FRICTION_ERROR;
    }

    if (in->status == 404 || in->status == 410) {
        friction |= CX_FRICTION_NOT_FOUND;
    }

    if (in->in_session) {

        /* A, A: the same page again; A, B, A: back where one was */

        if (in->path == in->prev_path[0]) {
            friction |= CX_FRICTION_RELOAD;

        } else if (in->prev_path[1] != 0 && in->path == in->prev_path[1]) {
            friction |= CX_FRICTION_BACKTRACK;
        }
    }

    if (in->repeat >= CX_EXPERIENCE_LOOP_AT && !in->goal) {
        friction |= CX_FRICTION_LOOP;
    }

    return friction;
}


/*
 * negative: an error, a missing page or slowness, or two flags or more;
 * positive: a goal reached without friction, or a page served in under a
 * quarter of the slow threshold without friction; neutral: the rest.
 */
cx_experience_e
cx_experience_rate(const cx_experience_input_t *in, unsigned friction)
{
    unsigned  flags;

    if (friction
        & (CX_FRICTION_SLOW | CX_FRICTION_ERROR | CX_FRICTION_NOT_FOUND))
    {
        return CX_EXPERIENCE_NEGATIVE;
    }

    for (flags = 0; friction; friction &= friction - 1) {
        flags++;
    }

    if (flags >= 2) {
        return CX_EXPERIENCE_NEGATIVE;
    }

    if (flags == 0 && (in->goal || in->request_ms * 4 < in->slow_ms)) {
        return CX_EXPERIENCE_POSITIVE;
    }

    return CX_EXPERIENCE_NEUTRAL;
}


const char *
cx_experience_name(cx_experience_e e)
{
    return (unsigned) e < 4 ? cx_experience_names[e] : NULL;
}


const char *
cx_friction_name(unsigned kind)
{
    return kind < CX_FRICTION_KINDS ? cx_friction_names[kind] : NULL;
}


uint8_t
cx_experience_push(uint8_t history, cx_experience_e e)
{
    return (uint8_t) (((history << 2) | (e & 3)) & 0x3f);
}


uint8_t
cx_experience_replace(uint8_t history, cx_experience_e e)
{
    return (uint8_t) ((history & 0x3c) | (e & 3));
}


cx_experience_e
cx_experience_worst(uint8_t history)
{
    unsigned  i, e, worst;

    worst = CX_EXPERIENCE_NONE;

    for (i = 0; i < 3; i++) {
        e = (history >> (2 * i)) & 3;

        if (e > worst) {
            worst = e;
        }
    }

    return (cx_experience_e) worst;
}
