
/*
 * base64url without padding (RFC 4648 section 5), the alphabet a cookie
 * value carries without quoting.  Decoding is strict: every byte string has
 * exactly one accepted encoding, so a signed value cannot be respelled.
 */


#ifndef CX_BASE64_H
#define CX_BASE64_H


#include "cx_str.h"


/* the text length of n bytes, and the most bytes n characters decode to */
#define cx_base64url_encoded_length(n)  (((n) / 3) * 4 + ((n) % 3 * 4 + 2) / 3)
#define cx_base64url_decoded_length(n)  (((n) / 4) * 3 + ((n) % 4 * 3) / 4)


/* writes cx_base64url_encoded_length(src.len) bytes and returns that */
size_t cx_base64url_encode(unsigned char *dst, cx_str_t src);

/*
 * Writes at most cx_base64url_decoded_length(src.len) bytes and returns
 * their number, or -1 for a byte outside the alphabet (padding included),
 * a length of 4n+1 characters, or unused trailing bits that are not zero.
 */
ptrdiff_t cx_base64url_decode(unsigned char *dst, cx_str_t src);


#endif /* CX_BASE64_H */
