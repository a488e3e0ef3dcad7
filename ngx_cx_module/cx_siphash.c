
/*
 * SipHash-2-4: see cx_siphash.h.  Two compression rounds per 8-byte word,
 * four finalization rounds, as the paper specifies.
 */


#include "cx_siphash.h"


#define cx_rotl64(x, b)  (uint64_t) (((x) << (b)) | ((x) >> (64 - (b))))


typedef struct {
    uint64_t  v0;
    uint64_t  v1;
    uint64_t  v2;
    uint64_t  v3;
} cx_siphash_state_t;


static void cx_siphash_round(cx_siphash_state_t *s);
static uint64_t cx_siphash_load64(const unsigned char *p);


uint64_t
cx_siphash24(const unsigned char key[CX_SIPHASH_KEY_LEN],
    const unsigned char *data, size_t len)
{
    size_t              i, tail;
    uint64_t            k0, k1, m;
    cx_siphash_state_t  s;

    k0 = cx_siphash_load64(key);
    k1 = cx_siphash_load64(key + 8);

    s.v0 = k0 ^ 0x736f6d6570736575ULL;
    s.v1 = k1 ^ 0x646f72616e646f6dULL;
    s.v2 = k0 ^ 0x6c7967656e657261ULL;
    s.v3 = k1 ^ 0x7465646279746573ULL;

    tail = len % 8;

    for (i = 0; i + 8 <= len; i += 8) {
        m = cx_siphash_load64(data + i);
        s.v3 ^= m;
        cx_siphash_round(&s);
        cx_siphash_round(&s);
        s.v0 ^= m;
    }

    /* the last word: the remaining bytes, and the length's low byte on top */
    m = (uint64_t) (len & 0xff) << 56;

    while (tail--) {
        m |= (uint64_t) data[i + tail] << (8 * tail);
    }

    s.v3 ^= m;
    cx_siphash_round(&s);
    cx_siphash_round(&s);
    s.v0 ^= m;

    s.v2 ^= 0xff;

    for (i = 0; i < 4; i++) {
        cx_siphash_round(&s);
    }

    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}


static void
cx_siphash_round(cx_siphash_state_t *s)
{
    s->v0 += s->v1;
    s->v1 = cx_rotl64(s->v1, 13);
    s->v1 ^= s->v0;
    s->v0 = cx_rotl64(s->v0, 32);
    s->v2 += s->v3;
    s->v3 = cx_rotl64(s->v3, 16);
    s->v3 ^= s->v2;
    s->v0 += s->v3;
    s->v3 = cx_rotl64(s->v3, 21);
    s->v3 ^= s->v0;
    s->v2 += s->v1;
    s->v1 = cx_rotl64(s->v1, 17);
    s->v1 ^= s->v2;
    s->v2 = cx_rotl64(s->v2, 32);
}


static uint64_t
cx_siphash_load64(const unsigned char *p)
{
    return (uint64_t) p[0]
           | (uint64_t) p[1] << 8
           | (uint64_t) p[2] << 16
           | (uint64_t) p[3] << 24
           | (uint64_t) p[4] << 32
           | (uint64_t) p[5] << 40
           | (uint64_t) p[6] << 48
           | (uint64_t) p[7] << 56;
}
