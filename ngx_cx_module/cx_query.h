
/*
 * Walking the name=value pairs of a raw query string, without decoding:
 * callers decode what they keep with cx_url_decode(dst, value, 1).
 */


#ifndef CX_QUERY_H
#define CX_QUERY_H


#include "cx_str.h"


/*
 * Takes the next pair off rest, skipping empty ones ("a=1&&b=2"), and
 * returns 1; 0 at the end, leaving name and value untouched.  Pairs are
 * separated by '&' only.  A pair without '=' has an empty value whose data
 * is not NULL, so "flag" and "flag=" both read as present and empty.
 */
int cx_query_next(cx_str_t *rest, cx_str_t *name, cx_str_t *value);

/*
 * The value of the first pair whose raw name is exactly name (compared
 * case-sensitively, before any decoding): 1 if there is one, else 0 with
 * value set to a NULL string.
 */
int cx_query_get(cx_str_t query, const char *name, cx_str_t *value);


#endif /* CX_QUERY_H */
