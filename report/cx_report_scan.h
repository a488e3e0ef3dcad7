
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
int cx_scan_skip(cx_scan_t *sc, unsigned depth);


#endif /* CX_REPORT_SCAN_H */
