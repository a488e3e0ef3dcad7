
/*
 * base64url: see cx_base64.h.
 */


#include "cx_base64.h"


static const unsigned char  cx_base64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/*
 * A character's 6-bit value, or 77 outside the alphabet: above 63, so one
 * test of a group's values OR-ed together finds any invalid character.
 */
static const unsigned char  cx_base64url_value[256] = {
    77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77,
    77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77,
    77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 62, 77, 77,
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 77, 77, 77, 77, 77, 77,
    77,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 77, 77, 77, 77, 63,
    77, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 77, 77, 77, 77, 77,
    77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77,
    77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77,
    77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77,
    77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77,
    77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77,
    77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77,
    77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77,
    77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77
};


size_t
cx_base64url_encode(unsigned char *dst, cx_str_t src)
{
    size_t                i;
    uint32_t              group;
    unsigned char        *p;
    const unsigned char  *s;

    p = dst;
    s = src.data;

    for (i = 0; i + 3 <= src.len; i += 3) {
        group = (uint32_t) s[i] << 16 | (uint32_t) s[i + 1] << 8 | s[i + 2];
        *p++ = cx_base64url_alphabet[group >> 18];
        *p++ = cx_base64url_alphabet[(group >> 12) & 0x3f];
        *p++ = cx_base64url_alphabet[(group >> 6) & 0x3f];
        *p++ = cx_base64url_alphabet[group & 0x3f];
    }

    switch (src.len - i) {

    case 2:
        group = (uint32_t) s[i] << 16 | (uint32_t) s[i + 1] << 8;
        *p++ = cx_base64url_alphabet[group >> 18];
        *p++ = cx_base64url_alphabet[(group >> 12) & 0x3f];
        *p++ = cx_base64url_alphabet[(group >> 6) & 0x3f];
        break;

    case 1:
        group = (uint32_t) s[i] << 16;
        *p++ = cx_base64url_alphabet[group >> 18];
        *p++ = cx_base64url_alphabet[(group >> 12) & 0x3f];
        break;

    default:
        break;
    }

    return p - dst;
}


ptrdiff_t
cx_base64url_decode(unsigned char *dst, cx_str_t src)
{
    size_t                i, tail;
    uint32_t              group;
    unsigned char         v[4];
    unsigned char        *p;
    const unsigned char  *s;

    tail = src.len % 4;

    if (tail == 1) {
        return -1;
    }

    p = dst;
    s = src.data;

    for (i = 0; i + 4 <= src.len; i += 4) {
        v[0] = cx_base64url_value[s[i]];
        v[1] = cx_base64url_value[s[i + 1]];
        v[2] = cx_base64url_value[s[i + 2]];
        v[3] = cx_base64url_value[s[i + 3]];

        if ((v[0] | v[1] | v[2] | v[3]) > 63) {
            return -1;
        }

        group = (uint32_t) v[0] << 18 | (uint32_t) v[1] << 12
                | (uint32_t) v[2] << 6 | v[3];
        *p++ = (unsigned char) (group >> 16);
        *p++ = (unsigned char) (group >> 8);
        *p++ = (unsigned char) group;
    }

    if (tail == 0) {
        return p - dst;
    }

    v[0] = cx_base64url_value[s[i]];
    v[1] = cx_base64url_value[s[i + 1]];
    v[2] = tail == 3 ? cx_base64url_value[s[i + 2]] : 0;

    if ((v[0] | v[1] | v[2]) > 63) {
        return -1;
    }

    group = (uint32_t) v[0] << 18 | (uint32_t) v[1] << 12
            | (uint32_t) v[2] << 6;

    /* bits past the last whole byte must be zero: one spelling per value */
    if (tail == 2 ? (group & 0xffff) != 0 : (group & 0xff) != 0) {
        return -1;
    }

    *p++ = (unsigned char) (group >> 16);

    if (tail == 3) {
        *p++ = (unsigned char) (group >> 8);
    }

    return p - dst;
}
