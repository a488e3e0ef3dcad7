
/*
 * The JSON scanning under cx-report's line reader: white space, strings
 * (decoded or only checked), numbers, literals, and any value skipped;
 * strict RFC 8259 and UTF-8.  Each function starts at sc->p, on the
 * value's first byte, and leaves sc->p after it, or returns -1 with
 * sc->error set.
 */


#ifndef CX_REPORT_SCAN_H
#define CX_REPORT_SCAN_H


#include <stdint.h>

#include "cx_str.h"


/* the deepest nesting of a line, the line's own object being level 1 */
#define CX_SCAN_MAX_DEPTH  256


typedef struct {
    const unsigned char  *p;
    const unsigned char  *end;
    unsigned char        *out;          /* next free byte of the scratch */
    const char           *error;
} cx_scan_t;


/* a decoded string: "lone" when it holds a lone UTF-16 surrogate escape,
 * which no UTF-8 string can carry */
typedef struct {
    cx_str_t  s;
    unsigned  lone:1;
} cx_scan_str_t;


int cx_scan_ws(cx_scan_t *sc);
int cx_scan_string(cx_scan_t *sc, cx_scan_str_t *str, int decode);
int cx_scan_number(cx_scan_t *sc, int64_t *n, int *integer);
int cx_scan_literal(cx_scan_t *sc, const char *word, size_t len);

/* true, false or null; "truth" (when given) is 1 for true only */
int cx_scan_keyword(cx_scan_t *sc, unsigned *truth);

/* an object's or array's "open" and the space after it: 1 when "close"
 * follows at once (passed), 0 when items follow, -1 with "error" when
 * sc->p is not at "open" */
int cx_scan_open(cx_scan_t *sc, unsigned char open, unsigned char close,
    const char *error);

/* a member's name and its ":", with the space around; "error" unless the
 * string itself said what is wrong */
int cx_scan_name(cx_scan_t *sc, cx_scan_str_t *name, int decode,
    const char *error);

/* after an item and its space: 1 past a "," (another item follows), 0 past
 * "close", -1 with "error" otherwise */
int cx_scan_next(cx_scan_t *sc, unsigned char close, const char *error);
int cx_scan_skip(cx_scan_t *sc, unsigned depth);


#endif /* CX_REPORT_SCAN_H */
