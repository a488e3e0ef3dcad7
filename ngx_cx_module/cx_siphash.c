
/*
 * SipHash-2-4: see cx_siphash.h.  Two compression rounds per 8-byte word,
 * four finalization rounds, as the paper specifies.  It runs twice per page
 * view (verify, sign): the state lives in four locals the compiler keeps in
 * registers, and the rounds are a macro, so nothing goes through memory.
 */


#include "cx_bytes.h"
#include "cx_siphash.h"


#define cx_rotl64(x, b)  (uint64_t) (((x) << (b)) | ((x) >> (64 - (b))))

#define cx_siphash_round(v0, v1, v2, v3)                                     \
    do {                                                                     \
        v0 += v1;                                                            \
        v1 = cx_rotl64(v1, 13);                                              \
        v1 ^= v0;                                                            \
        v0 = cx_rotl64(v0, 32);                                              \
        v2 += v3;                                                            \
        v3 = cx_rotl64(v3, 16);                                              \
        v3 ^= v2;                                                            \
        v0 += v3;                                                            \
        v3 = cx_rotl64(v3, 21);                                              \
        v3 ^= v0;                                                            \
        v2 += v1;                                                            \
        v1 = cx_rotl64(v1, 17);                                              \
        v1 ^= v2;                                                            \
        v2 = cx_rotl64(v2, 32);                                              \
    } while (0)



uint64_t
cx_siphash24(const unsigned char key[CX_SIPHASH_KEY_LEN],
    const unsigned char *data, size_t len)
{
    size_t                tail;
    uint64_t              k0, k1, m, v0, v1, v2, v3;
    const unsigned char  *p, *last;

    k0 = cx_bytes_le64(key);
    k1 = cx_bytes_le64(key + 8);

    v0 = k0 ^ 0x736f6d6570736575ULL;
    v1 = k1 ^ 0x646f72616e646f6dULL;
    v2 = k0 ^ 0x6c7967656e657261ULL;
    v3 = k1 ^ 0x7465646279746573ULL;

    tail = len % 8;
    last = data + (len - tail);

    for (p = data; p != last; p += 8) {
        m = cx_bytes_le64(p);
        v3 ^= m;
        cx_siphash_round(v0, v1, v2, v3);
        cx_siphash_round(v0, v1, v2, v3);
        v0 ^= m;
    }

    /*
     * The last word: the remaining bytes, and the length's low byte on top.
     * Past one word, the remaining bytes are the top of the message's last
     * eight, so one load and a shift take them.
     */

    m = 0;

    if (tail != 0) {
        if (len >= 8) {
            m = cx_bytes_le64(data + len - 8) >> (64 - 8 * tail);

        } else {
            while (tail--) {
                m |= (uint64_t) last[tail] << (8 * tail);
            }
        }
    }

    m |= (uint64_t) (len & 0xff) << 56;

    v3 ^= m;
    cx_siphash_round(v0, v1, v2, v3);
    cx_siphash_round(v0, v1, v2, v3);
    v0 ^= m;

    v2 ^= 0xff;

    cx_siphash_round(v0, v1, v2, v3);
    cx_siphash_round(v0, v1, v2, v3);
    cx_siphash_round(v0, v1, v2, v3);
    cx_siphash_round(v0, v1, v2, v3);

    return v0 ^ v1 ^ v2 ^ v3;
}

