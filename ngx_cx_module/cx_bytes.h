
/*
 * Integers of a fixed byte order in byte strings, at any alignment: the
 * cookie's big-endian fields, SipHash's little-endian words, base64's
 * groups.  On a little-endian machine (gcc and clang say so) a memcpy of
 * the word, one load or store, and a byte swap for big-endian values;
 * elsewhere byte by byte, which is right on any machine.  Byte-by-byte code
 * alone is not enough: compilers merge loads written that way into one, but
 * not always stores.  Both forms are tested: the unit tests pass built with
 * -U__BYTE_ORDER__ too.
 */


#ifndef CX_BYTES_H
#define CX_BYTES_H


#include <string.h>

#include "cx_str.h"


#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__)           \
    && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define CX_BYTES_LITTLE_ENDIAN  1
#endif


static inline uint64_t
cx_bytes_le64(const unsigned char *p)
{
#if (CX_BYTES_LITTLE_ENDIAN)
    uint64_t  v;

    memcpy(&v, p, sizeof(v));

    return v;

#else
    return (uint64_t) p[0] | (uint64_t) p[1] << 8 | (uint64_t) p[2] << 16
           | (uint64_t) p[3] << 24 | (uint64_t) p[4] << 32
           | (uint64_t) p[5] << 40 | (uint64_t) p[6] << 48
           | (uint64_t) p[7] << 56;
#endif
}


static inline void
cx_bytes_put_le64(unsigned char *p, uint64_t v)
{
#if (CX_BYTES_LITTLE_ENDIAN)
    memcpy(p, &v, sizeof(v));

#else
    size_t  i;

    for (i = 0; i < 8; i++) {
        p[i] = (unsigned char) (v >> (8 * i));
    }
#endif
}


static inline uint64_t
cx_bytes_be64(const unsigned char *p)
{
#if (CX_BYTES_LITTLE_ENDIAN)
    uint64_t  v;

    memcpy(&v, p, sizeof(v));

    return __builtin_bswap64(v);

#else
    return (uint64_t) p[0] << 56 | (uint64_t) p[1] << 48
           | (uint64_t) p[2] << 40 | (uint64_t) p[3] << 32
           | (uint64_t) p[4] << 24 | (uint64_t) p[5] << 16
           | (uint64_t) p[6] << 8 | p[7];
#endif
}


static inline uint32_t
cx_bytes_be32(const unsigned char *p)
{
#if (CX_BYTES_LITTLE_ENDIAN)
    uint32_t  v;

    memcpy(&v, p, sizeof(v));

    return __builtin_bswap32(v);

#else
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16
           | (uint32_t) p[2] << 8 | p[3];
#endif
}


static inline void
cx_bytes_put_be32(unsigned char *p, uint32_t v)
{
#if (CX_BYTES_LITTLE_ENDIAN)
    v = __builtin_bswap32(v);
    memcpy(p, &v, sizeof(v));

#else
    p[0] = (unsigned char) (v >> 24);
    p[1] = (unsigned char) (v >> 16);
    p[2] = (unsigned char) (v >> 8);
    p[3] = (unsigned char) v;
#endif
}


static inline uint16_t
cx_bytes_be16(const unsigned char *p)
{
    return (uint16_t) (p[0] << 8 | p[1]);
}


static inline void
cx_bytes_put_be16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char) (v >> 8);
    p[1] = (unsigned char) v;
}


#endif /* CX_BYTES_H */
