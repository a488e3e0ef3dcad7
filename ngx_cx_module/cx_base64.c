
/*
 * base64url: see cx_base64.h.  Every page view decodes one cookie and
 * encodes another, so both directions work a group at a time from tables:
 * encoding writes two characters per lookup, decoding ORs four pre-shifted
 * values into the group's 24 bits.
 */


#include <string.h>

#include "cx_base64.h"
#include "cx_bytes.h"


/* the character of a 6-bit value, as a constant for the tables below */
#define cx_base64url_char(v)                                                 \
    ((v) < 26 ? 'A' + (v)                                                    \
     : (v) < 52 ? 'a' + (v) - 26                                             \
     : (v) < 62 ? '0' + (v) - 52                                             \
     : (v) == 62 ? '-' : '_')

/* the 6-bit value of a character, 64 outside the alphabet */
#define cx_base64url_value(c)                                                \
    ((c) >= 'A' && (c) <= 'Z' ? (c) - 'A'                                    \
     : (c) >= 'a' && (c) <= 'z' ? (c) - 'a' + 26                             \
     : (c) >= '0' && (c) <= '9' ? (c) - '0' + 52                             \
     : (c) == '-' ? 62                                                       \
     : (c) == '_' ? 63 : 64)

/*
 * A group's 24 bits are kept at the top of a 32-bit word, in the order they
 * are written.  Outside the alphabet a character sets the low byte, which
 * no valid group reaches: OR-ing all groups together finds any of them.
 */
#define CX_BASE64URL_INVALID  0xffu

/* the group of the first 2, 3 or 4 characters at s */
#define cx_base64url_group2(s)                                               \
    (cx_base64url_group_bits[0][(s)[0]] | cx_base64url_group_bits[1][(s)[1]])
#define cx_base64url_group3(s)                                               \
    (cx_base64url_group2(s) | cx_base64url_group_bits[2][(s)[2]])
#define cx_base64url_group4(s)                                               \
    (cx_base64url_group3(s) | cx_base64url_group_bits[3][(s)[3]])

#define cx_base64url_pair(unused, i)                                         \
    { cx_base64url_char((i) >> 6), cx_base64url_char((i) & 0x3f) }

#define cx_base64url_entry(shift, c)                                         \
    (cx_base64url_value(c) == 64 ? CX_BASE64URL_INVALID                      \
     : (uint32_t) cx_base64url_value(c) << (shift))

/* e(x, i) for i = n .. n + 4^k - 1: the preprocessor writes the tables */
#define cx_base64url_4(e, x, n)                                              \
    e(x, (n)), e(x, (n) + 1), e(x, (n) + 2), e(x, (n) + 3)
#define cx_base64url_16(e, x, n)                                             \
    cx_base64url_4(e, x, (n)), cx_base64url_4(e, x, (n) + 4),                \
    cx_base64url_4(e, x, (n) + 8), cx_base64url_4(e, x, (n) + 12)
#define cx_base64url_64(e, x, n)                                             \
    cx_base64url_16(e, x, (n)), cx_base64url_16(e, x, (n) + 16),             \
    cx_base64url_16(e, x, (n) + 32), cx_base64url_16(e, x, (n) + 48)
#define cx_base64url_256(e, x, n)                                            \
    cx_base64url_64(e, x, (n)), cx_base64url_64(e, x, (n) + 64),             \
    cx_base64url_64(e, x, (n) + 128), cx_base64url_64(e, x, (n) + 192)
#define cx_base64url_1024(e, x, n)                                           \
    cx_base64url_256(e, x, (n)), cx_base64url_256(e, x, (n) + 256),          \
    cx_base64url_256(e, x, (n) + 512), cx_base64url_256(e, x, (n) + 768)


/* the two characters of every 12-bit value: 8 KB */
static const unsigned char  cx_base64url_pairs[4096][2] = {
    cx_base64url_1024(cx_base64url_pair, 0, 0),
    cx_base64url_1024(cx_base64url_pair, 0, 1024),
    cx_base64url_1024(cx_base64url_pair, 0, 2048),
    cx_base64url_1024(cx_base64url_pair, 0, 3072)
};

/* a character's value already in its place of a group, by place: 4 KB */
static const uint32_t  cx_base64url_group_bits[4][256] = {
    { cx_base64url_256(cx_base64url_entry, 26, 0) },
    { cx_base64url_256(cx_base64url_entry, 20, 0) },
    { cx_base64url_256(cx_base64url_entry, 14, 0) },
    { cx_base64url_256(cx_base64url_entry, 8, 0) }
};


size_t
cx_base64url_encode(unsigned char *dst, cx_str_t src)
{
    size_t                n;
    uint32_t              group;
    uint64_t              groups;
    unsigned char        *p;
    const unsigned char  *s;

    p = dst;
    s = src.data;

    /*
     * Two groups at a time while two more bytes follow them, so one load
     * reads them; then one, while a fourth byte follows.
     */

    for (n = src.len; n > 7; n -= 6) {
        groups = cx_bytes_be64(s);
        memcpy(p, cx_base64url_pairs[groups >> 52], 2);
        memcpy(p + 2, cx_base64url_pairs[(groups >> 40) & 0xfff], 2);
        memcpy(p + 4, cx_base64url_pairs[(groups >> 28) & 0xfff], 2);
        memcpy(p + 6, cx_base64url_pairs[(groups >> 16) & 0xfff], 2);
        s += 6;
        p += 8;
    }

    for ( /* void */ ; n > 3; n -= 3) {
        group = cx_bytes_be32(s);
        memcpy(p, cx_base64url_pairs[group >> 20], 2);
        memcpy(p + 2, cx_base64url_pairs[(group >> 8) & 0xfff], 2);
        s += 3;
        p += 4;
    }

    switch (n) {

    case 3:
        group = (uint32_t) s[0] << 16 | (uint32_t) s[1] << 8 | s[2];
        memcpy(p, cx_base64url_pairs[group >> 12], 2);
        memcpy(p + 2, cx_base64url_pairs[group & 0xfff], 2);
        p += 4;
        break;

    case 2:
        group = (uint32_t) s[0] << 16 | (uint32_t) s[1] << 8;
        memcpy(p, cx_base64url_pairs[group >> 12], 2);
        p[2] = cx_base64url_pairs[group & 0xfff][0];
        p += 3;
        break;

    case 1:
        memcpy(p, cx_base64url_pairs[(uint32_t) s[0] << 4], 2);
        p += 2;
        break;

    default:
        break;
    }

    return p - dst;
}


ptrdiff_t
cx_base64url_decode(unsigned char *dst, cx_str_t src)
{
    size_t                n;
    uint32_t              group, seen;
    unsigned char        *p;
    const unsigned char  *s;

    if (src.len % 4 == 1) {
        return -1;
    }

    p = dst;
    s = src.data;
    seen = 0;

    /*
     * While characters follow a group, at least one more byte is written
     * after it: the group is stored as four bytes, one store, and the
     * fourth is written over by the next group.  Two groups a step halve
     * the loop's own work.  An invalid character stops nothing here; it is
     * found in "seen" at the end.
     */

    for (n = src.len; n > 8; n -= 8) {
        group = cx_base64url_group4(s);
        seen |= group;
        cx_bytes_put_be32(p, group);

        group = cx_base64url_group4(s + 4);
        seen |= group;
        cx_bytes_put_be32(p + 3, group);

        s += 8;
        p += 6;
    }

    if (n > 4) {
        group = cx_base64url_group4(s);
        seen |= group;
        cx_bytes_put_be32(p, group);
        s += 4;
        p += 3;
        n -= 4;
    }

    switch (n) {

    case 4:
        group = cx_base64url_group4(s);
        seen |= group;
        p[0] = (unsigned char) (group >> 24);
        p[1] = (unsigned char) (group >> 16);
        p[2] = (unsigned char) (group >> 8);
        p += 3;
        break;

    case 3:
        group = cx_base64url_group3(s);

        /* bits past the last whole byte must be zero: one spelling */
        if ((group & 0xff00) != 0) {
            return -1;
        }

        seen |= group;
        p[0] = (unsigned char) (group >> 24);
        p[1] = (unsigned char) (group >> 16);
        p += 2;
        break;

    case 2:
        group = cx_base64url_group2(s);

        if ((group & 0xffff00) != 0) {
            return -1;
        }

        seen |= group;
        p[0] = (unsigned char) (group >> 24);
        p += 1;
        break;

    default:
        break;
    }

    if (seen & CX_BASE64URL_INVALID) {
        return -1;
    }

    return p - dst;
}
