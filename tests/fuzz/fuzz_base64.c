
/*
 * Fuzz target of base64url: the input as bytes must round-trip through
 * encode and decode; the input as text must decode exactly when a slow,
 * obvious check calls it canonical, and then re-encode to itself, so each
 * byte string has one accepted spelling.
 */


#include <stdlib.h>
#include <string.h>

#include "cx_base64.h"


static int
canonical(const unsigned char *text, size_t len)
{
    size_t       i;
    const char  *alphabet, *at;
    unsigned     last;

    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
               "0123456789-_";

    if (len % 4 == 1) {
        return 0;
    }

    last = 0;

    for (i = 0; i < len; i++) {
        at = text[i] != '\0' ? strchr(alphabet, text[i]) : NULL;

        if (at == NULL) {
            return 0;
        }

        last = (unsigned) (at - alphabet);
    }

    /* 2 characters carry 8 bits of 12, 3 carry 16 of 18 */
    if (len % 4 == 2) {
        return (last & 0x0f) == 0;
    }

    if (len % 4 == 3) {
        return (last & 0x03) == 0;
    }

    return 1;
}


int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    size_t          n;
    cx_str_t        in;
    ptrdiff_t       d;
    unsigned char  *text, *back;

    /* exact sizes, so that ASan sees a single byte written past them */
    text = malloc(cx_base64url_encoded_length(size) + (size == 0));
    back = malloc(size + (size == 0));

    in.data = data;
    in.len = size;
    n = cx_base64url_encode(text, in);

    if (n != cx_base64url_encoded_length(size) || !canonical(text, n)) {
        abort();
    }

    in.data = text;
    in.len = n;
    d = cx_base64url_decode(back, in);

    if (d < 0 || (size_t) d != size || memcmp(back, data, size) != 0) {
        abort();
    }

    in.data = data;
    in.len = size;
    d = cx_base64url_decode(back, in);

    if ((d >= 0) != canonical(data, size)) {
        abort();
    }

    if (d >= 0) {
        if ((size_t) d != cx_base64url_decoded_length(size)) {
            abort();
        }

        in.data = back;
        in.len = d;

        /* size characters again: "text" holds more than that */
        n = cx_base64url_encode(text, in);

        if (n != size || memcmp(text, data, size) != 0) {
            abort();
        }
    }

    free(back);
    free(text);

    return 0;
}
