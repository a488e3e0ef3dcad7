
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


#endif /* CX_URL_H */
