
/*
 * SipHash-2-4: see cx_siphash.h.  Two compression rounds per 8-byte word,
 * four finalization rounds, as the paper specifies.  It runs twice per page
 * view (verify, sign): the state lives in four locals the compiler keeps in
 * registers, and the rounds are a macro, so nothing goes through memory.
 * A cookie's successor mostly starts with the same bytes: the state after
 * them can be kept from the verification and signing resumed from it.
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

/* the key's initial state */
#define cx_siphash_init(key, v0, v1, v2, v3)                                 \
    do {                                                                     \
        uint64_t  k0_, k1_;                                                  \
                                                                             \
        k0_ = cx_bytes_le64(key);                                            \
        k1_ = cx_bytes_le64((key) + 8);                                      \
        v0 = k0_ ^ 0x736f6d6570736575ULL;                                    \
        v1 = k1_ ^ 0x646f72616e646f6dULL;                                    \
        v2 = k0_ ^ 0x6c7967656e657261ULL;                                    \
        v3 = k1_ ^ 0x7465646279746573ULL;                                    \
    } while (0)

/* the words from p to last, a whole number of them */
#define cx_siphash_words(p, last, v0, v1, v2, v3)                            \
    do {                                                                     \
        uint64_t  m_;                                                        \
                                                                             \
        for ( /* void */ ; p != last; p += 8) {                              \
            m_ = cx_bytes_le64(p);                                           \
            v3 ^= m_;                                                        \
            cx_siphash_round(v0, v1, v2, v3);                                \
            cx_siphash_round(v0, v1, v2, v3);                                \
            v0 ^= m_;                                                        \
        }                                                                    \
    } while (0)


static inline uint64_t cx_siphash24_end(uint64_t v0, uint64_t v1,
    uint64_t v2, uint64_t v3, const unsigned char *data, size_t len,
    size_t from);


uint64_t
cx_siphash24(const unsigned char key[CX_SIPHASH_KEY_LEN],
    const unsigned char *data, size_t len)
{
    uint64_t  v0, v1, v2, v3;

    cx_siphash_init(key, v0, v1, v2, v3);

    return cx_siphash24_end(v0, v1, v2, v3, data, len, 0);
}


uint64_t
cx_siphash24_keep(const unsigned char key[CX_SIPHASH_KEY_LEN],
    const unsigned char *data, size_t len, size_t kept,
    cx_siphash_state_t *state)
{
    uint64_t              v0, v1, v2, v3;
    const unsigned char  *p, *last;

    cx_siphash_init(key, v0, v1, v2, v3);

    p = data;
    last = data + kept;
    cx_siphash_words(p, last, v0, v1, v2, v3);

    state->v0 = v0;
    state->v1 = v1;
    state->v2 = v2;
    state->v3 = v3;

    return cx_siphash24_end(v0, v1, v2, v3, data, len, kept);
}


uint64_t
cx_siphash24_resume(const cx_siphash_state_t *state,
    const unsigned char *data, size_t len, size_t kept)
{
    return cx_siphash24_end(state->v0, state->v1, state->v2, state->v3,
                            data, len, kept);
}


/* the rest of data's words from "from" on, its last word, finalization */
static inline uint64_t
cx_siphash24_end(uint64_t v0, uint64_t v1, uint64_t v2, uint64_t v3,
    const unsigned char *data, size_t len, size_t from)
{
    size_t                tail;
    uint64_t              m;
    const unsigned char  *p, *last;

    tail = len % 8;
    last = data + (len - tail);

    p = data + from;
    cx_siphash_words(p, last, v0, v1, v2, v3);

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
