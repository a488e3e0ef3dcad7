
/*
 * Request header names and values the module gives a backend: which client
 * headers are ours to drop, and which values may become a header at all.
 */


#ifndef CX_HEADER_H
#define CX_HEADER_H


#include "cx_str.h"


/*
 * 1 if s is a token (RFC 9110, section 5.6.2): one or more of the tchar
 * letters, so that nothing in it can end a header line, start a parameter
 * or a list item, or be read otherwise by a backend.
 */
int cx_header_token_valid(cx_str_t s);

/*
 * 1 if s can be a header's whole value (RFC 9110, section 5.5): visible
 * characters, UTF-8 or other bytes over 0x7f, spaces and tabs between
 * them, no control byte that could end the line or the header block.
 */
int cx_header_value_valid(cx_str_t s);

/*
 * 1 if the header name begins with the prefix, letters in any case and '_'
 * taken for '-' on both sides: nginx's $http_ variables, FastCGI's HTTP_
 * parameters and most frameworks read "X_CX_Visitor" as "X-CX-Visitor".
 */
int cx_header_has_prefix(cx_str_t name, cx_str_t prefix);


#endif /* CX_HEADER_H */
