
/*
 * The feedback beacon's body: what a page sends right after an interaction,
 * as an HTML form POST (application/x-www-form-urlencoded), a GET query
 * string, or navigator.sendBeacon() with a text/plain body holding the same
 * urlencoded form.  Either a feedback (score) or an event (event), each
 * checked strictly; anything else is refused with a reason.
 *
 * The form's rules:
 * - fields are split at '&', a name from its value at the first '='; names
 *   and values are percent-decoded, '+' is a space; names are
 *   case-sensitive;
 * - every '%' of the whole form, unknown fields included, is followed by two
 *   hex digits, else bad_encoding;
 * - unknown fields are ignored (a submit button has a name), and may repeat;
 *   a known field sent twice is refused, even when empty;
 * - an empty value ("comment=", or a bare "comment") is an absent field;
 * - score: decimal digits without sign or leading zero, within the scale;
 * - scale: "csat" (1-5, when absent), "nps" (0-10), "thumbs" (0-1),
 *   "ces" (1-7, customer effort);
 * - comment: valid UTF-8 of at most 1,000 code points once decoded;
 * - touchpoint: [A-Za-z0-9_.:-]{1,64}; the caller checks it is configured;
 * - event: [a-z0-9_.-]{1,64};
 * - value: -?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?, at most 64 bytes, whose
 *   number is within +-1,000,000,000 with at most 6 decimals (trailing
 *   zeros and the exponent counted in: "2.50", "25e-1" and "1.5e3" are
 *   fine, "1e-7" and "12345678901" are not), as the journey writes it
 *   exactly (".5", "5.", "+5", "inf", "nan", "1e999" are refused too);
 * - redirect: a path on this host: '/' then not '/' nor '\', printable ASCII
 *   without space or '\' once decoded, at most 2,048 bytes.
 * Every known field is checked wherever it appears, and reported as sent:
 * "kind" says whether score or event came, the caller logs what applies.
 */


#ifndef CX_BEACON_H
#define CX_BEACON_H


#include "cx_str.h"


#define CX_BEACON_NAME_MAX      64      /* event and touchpoint names */
#define CX_BEACON_VALUE_MAX     64      /* bytes of an event's value */
#define CX_BEACON_COMMENT_MAX   1000    /* code points of a comment */
#define CX_BEACON_REDIRECT_MAX  2048    /* bytes of a redirect path */
#define CX_BEACON_SCALE_MAX     6       /* bytes of a scale: "thumbs" */
#define CX_BEACON_VALUE_LIMIT   1000000000  /* |value| at most */
#define CX_BEACON_VALUE_DECIMALS  6     /* decimals of a value at most */

/* bytes the fields the beacon ignores may take (a submit button's name) */
#define CX_BEACON_OTHER_MAX     1024

/*
 * The largest valid form, every byte of names and values percent-encoded
 * ("%XX", three bytes a byte): "name=value&" for each field an event may
 * carry (score is shorter than event and value, and excludes them), a
 * comment of 1,000 four-byte characters, plus the fields ignored.
 */
#define CX_BEACON_ENCODED(name, bytes)                                       \
    (3 * (sizeof(name) - 1) + 1 + 3 * (bytes) + 1)

#define CX_BEACON_FORM_MAX                                                   \
    (CX_BEACON_ENCODED("scale", CX_BEACON_SCALE_MAX)                         \
     + CX_BEACON_ENCODED("comment", 4 * CX_BEACON_COMMENT_MAX)               \
     + CX_BEACON_ENCODED("touchpoint", CX_BEACON_NAME_MAX)                   \
     + CX_BEACON_ENCODED("event", CX_BEACON_NAME_MAX)                        \
     + CX_BEACON_ENCODED("value", CX_BEACON_VALUE_MAX)                       \
     + CX_BEACON_ENCODED("redirect", CX_BEACON_REDIRECT_MAX)                 \
     + CX_BEACON_OTHER_MAX)


typedef enum {
    CX_SCALE_CSAT = 0,
    CX_SCALE_NPS,
    CX_SCALE_THUMBS,
    CX_SCALE_CES,
    CX_SCALE_COUNT
} cx_scale_e;


typedef enum {
    CX_BEACON_FEEDBACK = 0,
    CX_BEACON_EVENT
} cx_beacon_kind_e;


typedef enum {
    CX_BEACON_OK = 0,
    CX_BEACON_BAD_ENCODING,
    CX_BEACON_DUPLICATE_FIELD,
    CX_BEACON_MISSING_SCORE,        /* neither score nor event */
    CX_BEACON_BAD_SCORE,
    CX_BEACON_BAD_SCALE,
    CX_BEACON_BAD_COMMENT,
    CX_BEACON_BAD_TOUCHPOINT,
    CX_BEACON_BAD_EVENT,
    CX_BEACON_BAD_VALUE,
    CX_BEACON_BAD_REDIRECT,
    CX_BEACON_AMBIGUOUS,            /* both score and event */
    CX_BEACON_REASONS
} cx_beacon_status_e;


typedef struct {
    cx_beacon_kind_e  kind;
    int64_t           score;        /* CX_NONE for an event */
    cx_scale_e        scale;
    cx_str_t          comment;      /* decoded, data NULL when absent */
    cx_str_t          touchpoint;   /* decoded, data NULL when absent */
    cx_str_t          event;        /* decoded, data NULL for feedback */
    cx_str_t          value_text;   /* decoded, data NULL when absent */
    double            value;
    unsigned          has_value:1;
    cx_str_t          redirect;     /* decoded, data NULL when absent */
} cx_beacon_t;


/* the metric label and the 400 body's reason: "bad_score", ...; "ok" */
const char *cx_beacon_reason(cx_beacon_status_e s);

/* one line for people: "score must be an integer within the scale" */
const char *cx_beacon_message(cx_beacon_status_e s);

/* "csat", "nps", "thumbs", "ces" */
const char *cx_scale_name(cx_scale_e s);

/*
 * Parses the raw urlencoded bytes of form.  Decoded values are kept in
 * scratch, which needs at least form.len bytes: a smaller one refuses the
 * form as bad_encoding without reading it.  When several things are wrong,
 * a bad escape or a field twice is told first (in the form's order), then
 * ambiguous, missing_score, bad_scale, bad_score, bad_comment,
 * bad_touchpoint, bad_event, bad_value, bad_redirect.  "out" is meaningful
 * only on CX_BEACON_OK; its strings point into scratch.
 */
cx_beacon_status_e cx_beacon_parse(cx_str_t form, unsigned char *scratch,
    size_t scratch_size, cx_beacon_t *out);


#endif /* CX_BEACON_H */
