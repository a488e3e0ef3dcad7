
/*
 * Splitting and percent-decoding what a request line carries.
 */


#ifndef CX_URL_H
#define CX_URL_H


#include "cx_str.h"


/* the request target split at its first '?'; no '?' leaves query NULL */
void cx_url_split(cx_str_t target, cx_str_t *path, cx_str_t *query);

/*
 * Percent-decodes src into dst (at least src.len bytes), returning the
 * decoded length.  A '%' not followed by two hex digits stays as it is;
 * '+' becomes a space only in form and query values (plus_is_space).
 */
size_t cx_url_decode(unsigned char *dst, cx_str_t src, int plus_is_space);

/* what cx_url_normalize() returns for a path whose ".." climbs above "/" */
#define CX_URL_ABOVE_ROOT  ((size_t) -1)

/*
 * A decoded path as nginx resolves $uri, written to dst (at least src.len
 * bytes): "." segments dropped, each ".." taking the segment before it
 * away, and runs of '/' merged into one when merge_slashes is set (as
 * nginx's directive of that name).  Returns the length written, or
 * CX_URL_ABOVE_ROOT where nginx answers 400.
 */
size_t cx_url_normalize(unsigned char *dst, cx_str_t src, int merge_slashes);

/*
 * Whether cx_url_normalize() gives src back unchanged, known without a
 * copy: no "/." in it and, with merge_slashes, no "//".  0 does not mean
 * it changes ("/.well-known" stays as it is): then normalize.
 */
int cx_url_is_normal(cx_str_t src, int merge_slashes);


#endif /* CX_URL_H */
