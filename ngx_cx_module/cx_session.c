
/*
 * The journey's state machine: see cx_session.h.
 */


#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "cx_bytes.h"
#include "cx_session.h"
#include "cx_siphash.h"


static void cx_session_start(const cx_session_input_t *in,
    cx_cookie_state_t *next);


/* the two hex digits of every byte: one lookup and one copy per byte */
static const char  cx_session_hex_pairs[] =
    "000102030405060708090a0b0c0d0e0f"
    "101112131415161718191a1b1c1d1e1f"
    "202122232425262728292a2b2c2d2e2f"
    "303132333435363738393a3b3c3d3e3f"
    "404142434445464748494a4b4c4d4e4f"
    "505152535455565758595a5b5c5d5e5f"
    "606162636465666768696a6b6c6d6e6f"
    "707172737475767778797a7b7c7d7e7f"
    "808182838485868788898a8b8c8d8e8f"
    "909192939495969798999a9b9c9d9e9f"
    "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
    "b0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
    "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
    "d0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
    "e0e1e2e3e4e5e6e7e8e9eaebecedeeef"
    "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";


void
cx_session_advance(const cx_cookie_state_t *prev, const cx_session_input_t *in,
    cx_cookie_state_t *next, cx_session_result_t *res)
{
    uint64_t  elapsed;

    res->new_visitor = 0;
    res->new_session = 0;
    res->since_prev_ms = CX_NONE;

    if (prev == NULL) {
        memset(next, 0, sizeof(cx_cookie_state_t));
        memcpy(next->visitor, in->random, sizeof(next->visitor));
        memcpy(next->session, in->random + sizeof(next->visitor),
               sizeof(next->session));
        next->session_index = 0;
        cx_session_start(in, next);

        res->new_visitor = 1;
        res->new_session = 1;
        return;
    }

    *next = *prev;

    /* another node's clock may be slightly ahead of ours */

    elapsed = in->now_ms >= prev->last_seen_ms
              ? in->now_ms - prev->last_seen_ms : 0;

    /*
     * A node whose clock runs ahead signed it: its times tell nothing here,
     * and the session starts again from now.
     */

    if (elapsed > in->timeout_ms
        || (in->campaign != 0 && in->campaign != prev->campaign)
        || cx_cookie_ahead(prev, in->now_ms))
    {
        /* a goal reached in the session that ends makes the visitor loyal */

        if (prev->flags & CX_COOKIE_GOAL) {
            next->flags |= CX_COOKIE_LOYAL;
        }

        next->flags &= ~CX_COOKIE_GOAL;
        next->touchpoint = 0;
        next->experience = 0;
        next->repeat = 0;

        cx_session_start(in, next);
        cx_session_next_id(prev, next->session_index, in->key, next->session);

        res->new_session = 1;
        return;
    }

    res->since_prev_ms = (int64_t) elapsed;

    if (next->seq < UINT16_MAX) {
        next->seq++;
    }

    next->last_seen_ms = in->now_ms;
    next->path_hash[1] = prev->path_hash[0];
    next->path_hash[0] = in->path_hash;
}


/*
 * A new session of the same visitor: its channel is classified anew.  Its
 * id is the caller's.
 */
static void
cx_session_start(const cx_session_input_t *in, cx_cookie_state_t *next)
{
    if (next->session_index < UINT16_MAX) {
        next->session_index++;
    }

    next->seq = 1;
    next->session_start = (uint32_t) (in->now_ms / 1000);
    next->last_seen_ms = in->now_ms;
    next->path_hash[0] = in->path_hash;
    next->path_hash[1] = 0;
    next->campaign = in->campaign;
    next->channel = 0;
}


void
cx_session_next_id(const cx_cookie_state_t *prev, uint16_t index,
    const unsigned char *key, unsigned char id[8])
{
    unsigned char  text[sizeof(prev->visitor) + sizeof(prev->session) + 2];

    memcpy(text, prev->visitor, sizeof(prev->visitor));
    memcpy(text + sizeof(prev->visitor), prev->session, sizeof(prev->session));
    cx_bytes_put_be16(text + sizeof(prev->visitor) + sizeof(prev->session),
                      index);

    cx_bytes_put_le64(id, cx_siphash24(key, text, sizeof(text)));
}


/*
 * Every page view writes 24 bytes of ids in hex.  With SSE2 (every x86-64)
 * 8 bytes a step: their 16 nibbles interleaved high and low, '0' added,
 * and 'a' - '0' - 10 more where a nibble is over 9.  Elsewhere, and for
 * what is left, two bytes a step from the table.
 */
void
cx_session_hex(unsigned char *dst, const unsigned char *src, size_t n)
{
#if defined(__SSE2__)
    __m128i  low, nine, zero, gap, bytes, nibbles, letters;

    low = _mm_set1_epi8(0x0f);
    nine = _mm_set1_epi8(9);
    zero = _mm_set1_epi8('0');
    gap = _mm_set1_epi8('a' - '0' - 10);

    for ( /* void */ ; n >= 8; n -= 8) {
        bytes = _mm_loadl_epi64((const __m128i *) src);
        nibbles = _mm_unpacklo_epi8(
                      _mm_and_si128(_mm_srli_epi16(bytes, 4), low),
                      _mm_and_si128(bytes, low));
        letters = _mm_and_si128(_mm_cmpgt_epi8(nibbles, nine), gap);
        _mm_storeu_si128((__m128i *) dst,
                         _mm_add_epi8(_mm_add_epi8(nibbles, zero), letters));
        src += 8;
        dst += 16;
    }
#endif

    for ( /* void */ ; n >= 2; n -= 2) {
        memcpy(dst, cx_session_hex_pairs + (size_t) src[0] * 2, 2);
        memcpy(dst + 2, cx_session_hex_pairs + (size_t) src[1] * 2, 2);
        src += 2;
        dst += 4;
    }

    if (n) {
        memcpy(dst, cx_session_hex_pairs + (size_t) src[0] * 2, 2);
    }
}
