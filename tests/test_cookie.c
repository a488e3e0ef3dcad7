
/*
 * Unit tests of the signed cookie (cx_cookie.c): key derivation, the exact
 * wire text, round trips, every reason a cookie is refused, key rotation.
 * Expected keys and texts were computed independently of this code (a
 * Python model of the format over hashlib and the reference vectors).
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "cx_base64.h"
#include "cx_cookie.h"
#include "cx_siphash.h"


#define SECRET_A     "0123456789abcdef0123456789abcdef\n"
#define SECRET_B     "another secret, rotated in 2026\n"

/* the fixed state's last page view, and a moment just after it */
#define LAST_SEEN    1764572000123ULL
#define NOW          (LAST_SEEN + 1000)

/* the fixed state with one forced experiment, signed with SECRET_A */
#define FIXED_TEXT                                                           \
    "ASsQERITFBUWFxgZGhscHR4foKGio6SlpqdpLTnwAZrYr-97AAMABxEiM0RVZneImaq7"   \
    "zAQD3q2-7zkCAQECAwQFBgcIoPJ5vWNRcd8"

/* the same without it */
#define FIXED_TEXT0                                                          \
    "ASsQERITFBUWFxgZGhscHR4foKGio6SlpqdpLTnwAZrYr-97AAMABxEiM0RVZneImaq7"   \
    "zAQD3q2-7zkCANFq9wdX19sP"


static cx_cookie_key_t  key_a, key_b;


static int
setup_keys(void **state)
{
    cx_cookie_key_derive((const unsigned char *) SECRET_A,
                         sizeof(SECRET_A) - 1, &key_a);
    cx_cookie_key_derive((const unsigned char *) SECRET_B,
                         sizeof(SECRET_B) - 1, &key_b);
    return 0;
}


static void
fixed_state(cx_cookie_state_t *st, unsigned nforced)
{
    unsigned  i;

    memset(st, 0, sizeof(cx_cookie_state_t));

    for (i = 0; i < 16; i++) {
        st->visitor[i] = (unsigned char) (0x10 + i);
    }

    for (i = 0; i < 8; i++) {
        st->session[i] = (unsigned char) (0xa0 + i);
    }

    st->session_start = 1764571632;
    st->last_seen_ms = LAST_SEEN;
    st->session_index = 3;
    st->seq = 7;
    st->path_hash[0] = 0x11223344;
    st->path_hash[1] = 0x55667788;
    st->touchpoint = 0x99aabbcc;
    st->channel = 4;
    st->flags = CX_COOKIE_GOAL | CX_COOKIE_LOYAL;
    st->campaign = 0xdeadbeef;
    st->experience = 0x39;
    st->repeat = 2;
    st->nforced = (uint8_t) nforced;

    for (i = 0; i < nforced; i++) {
        st->forced[i].experiment = 0x01020304 + 0x10101010 * i;
        st->forced[i].variant = 0x05060708 + 0x10101010 * i;
    }
}


/* every field different from fixed_state(), each byte of it non-zero */
static void
full_state(cx_cookie_state_t *st, unsigned nforced)
{
    unsigned  i;

    memset(st, 0, sizeof(cx_cookie_state_t));

    for (i = 0; i < 16; i++) {
        st->visitor[i] = (unsigned char) (0xf0 - 7 * i);
    }

    for (i = 0; i < 8; i++) {
        st->session[i] = (unsigned char) (0x81 + 3 * i);
    }

    st->session_start = 0xfedcba98;
    st->last_seen_ms = 0xfedcba987654ULL;
    st->session_index = 0xfffe;
    st->seq = 0xabcd;
    st->path_hash[0] = 0x89abcdef;
    st->path_hash[1] = 0xf1e2d3c4;
    st->touchpoint = 0xcafebabe;
    st->channel = 0xfd;
    st->flags = 0xff;
    st->campaign = 0xc0ffee11;
    st->experience = 0xe4;
    st->repeat = 0xfc;
    st->nforced = (uint8_t) nforced;

    for (i = 0; i < nforced; i++) {
        st->forced[i].experiment = 0x8badf00d ^ i;
        st->forced[i].variant = 0xfeedface ^ (i << 8);
    }
}


static void
assert_state_equal(const cx_cookie_state_t *a, const cx_cookie_state_t *b)
{
    unsigned  i;

    assert_int_equal(a->key_id, b->key_id);
    assert_memory_equal(a->visitor, b->visitor, 16);
    assert_memory_equal(a->session, b->session, 8);
    assert_int_equal(a->session_start, b->session_start);
    assert_true(a->last_seen_ms == b->last_seen_ms);
    assert_int_equal(a->session_index, b->session_index);
    assert_int_equal(a->seq, b->seq);
    assert_int_equal(a->path_hash[0], b->path_hash[0]);
    assert_int_equal(a->path_hash[1], b->path_hash[1]);
    assert_int_equal(a->touchpoint, b->touchpoint);
    assert_int_equal(a->channel, b->channel);
    assert_int_equal(a->flags, b->flags);
    assert_int_equal(a->campaign, b->campaign);
    assert_int_equal(a->experience, b->experience);
    assert_int_equal(a->repeat, b->repeat);
    assert_int_equal(a->nforced, b->nforced);

    for (i = 0; i < a->nforced; i++) {
        assert_int_equal(a->forced[i].experiment, b->forced[i].experiment);
        assert_int_equal(a->forced[i].variant, b->forced[i].variant);
    }
}


static void
assert_zeroed(const cx_cookie_state_t *st)
{
    cx_cookie_state_t  zero;

    memset(&zero, 0, sizeof(cx_cookie_state_t));
    assert_memory_equal(st, &zero, sizeof(cx_cookie_state_t));
}


/*
 * Decodes text, and checks *st is all zero unless the tag verified (OK, or
 * FUTURE: a cookie of ours with times ahead)
 */
/* the visitor's and the session's id in hex, a byte at a time */
static void
assert_ids_hex(const cx_cookie_kept_t *kept, const cx_cookie_state_t *st)
{
    size_t         i;
    unsigned char  expected[CX_COOKIE_IDS_HEX_LEN], ids[24];

    memcpy(ids, st->visitor, 16);
    memcpy(ids + 16, st->session, 8);

    for (i = 0; i < sizeof(ids); i++) {
        expected[2 * i] = "0123456789abcdef"[ids[i] >> 4];
        expected[2 * i + 1] = "0123456789abcdef"[ids[i] & 0x0f];
    }

    assert_memory_equal(kept->ids_hex, expected, CX_COOKIE_IDS_HEX_LEN);
}


static cx_cookie_status_e
decode(const char *text, size_t len, const cx_cookie_key_t *keys,
    size_t nkeys, uint64_t now_ms, cx_cookie_state_t *st)
{
    cx_cookie_kept_t    kept;
    cx_cookie_status_e  rc;

    memset(st, 0xa5, sizeof(cx_cookie_state_t));
    memset(&kept, 0xa5, sizeof(cx_cookie_kept_t));
    rc = cx_cookie_decode((const unsigned char *) text, len, keys, nkeys,
                          now_ms, NULL, st, &kept);

    if (rc != CX_COOKIE_OK && rc != CX_COOKIE_FUTURE) {
        assert_zeroed(st);
        assert_null(kept.key);
        return rc;
    }

    /* the key that verified it, its text, and its first bytes */
    assert_true(kept.key >= keys && kept.key < keys + nkeys);
    assert_int_equal(kept.key->id, st->key_id);
    assert_ptr_equal(kept.text, text);
    assert_int_equal(kept.head[0], CX_COOKIE_VERSION);
    assert_int_equal(kept.head[1], st->key_id);
    assert_memory_equal(kept.head + 2, st->visitor, 16);
    assert_memory_equal(kept.head + 18, st->session, 8);
    assert_ids_hex(&kept, st);

    return rc;
}


/*
 * A cookie's bytes with one changed (or, with at == -1, none) and signed
 * again: what only a holder of the key could make.
 */
static size_t
resign(const char *text, int at, unsigned char value,
    const cx_cookie_key_t *key, char *out)
{
    ptrdiff_t      n;
    cx_str_t       s;
    uint64_t       tag;
    unsigned int   i;
    unsigned char  buf[CX_COOKIE_MAX_BINARY];

    s.data = (const unsigned char *) text;
    s.len = strlen(text);
    n = cx_base64url_decode(buf, s);
    assert_true(n > CX_COOKIE_TAG_LEN);

    if (at >= 0) {
        buf[at] = value;
    }

    tag = cx_siphash24(key->key, buf, n - CX_COOKIE_TAG_LEN);

    for (i = 0; i < CX_COOKIE_TAG_LEN; i++) {
        buf[n - CX_COOKIE_TAG_LEN + i] = (unsigned char) (tag >> (8 * i));
    }

    s.data = buf;
    s.len = n;
    n = cx_base64url_encode((unsigned char *) out, s);
    out[n] = '\0';

    return n;
}


static void
test_status_names(void **state)
{
    assert_string_equal(cx_cookie_status_name(CX_COOKIE_OK), "ok");
    assert_string_equal(cx_cookie_status_name(CX_COOKIE_TOO_LONG),
                        "too_long");
    assert_string_equal(cx_cookie_status_name(CX_COOKIE_BAD_BASE64),
                        "bad_base64");
    assert_string_equal(cx_cookie_status_name(CX_COOKIE_BAD_LENGTH),
                        "bad_length");
    assert_string_equal(cx_cookie_status_name(CX_COOKIE_BAD_VERSION),
                        "bad_version");
    assert_string_equal(cx_cookie_status_name(CX_COOKIE_UNKNOWN_KEY),
                        "unknown_key");
    assert_string_equal(cx_cookie_status_name(CX_COOKIE_BAD_TAG), "bad_tag");
    assert_string_equal(cx_cookie_status_name(CX_COOKIE_FUTURE), "future");
    assert_string_equal(cx_cookie_status_name(CX_COOKIE_REASONS), "unknown");
}


static void
test_key_derive(void **state)
{
    static const unsigned char  a[16] = {
        0xc2, 0xc3, 0x18, 0x16, 0x26, 0x8a, 0x8b, 0x0d,
        0x6d, 0x40, 0x84, 0xb9, 0xb7, 0x33, 0x43, 0xc9
    };
    static const unsigned char  b[16] = {
        0x6d, 0xf9, 0x30, 0x16, 0x98, 0xc0, 0x4a, 0xc5,
        0x08, 0x7a, 0xa6, 0xc6, 0x89, 0x0b, 0xe4, 0x93
    };

    assert_memory_equal(key_a.key, a, 16);
    assert_int_equal(key_a.id, 43);
    assert_memory_equal(key_b.key, b, 16);
    assert_int_equal(key_b.id, 162);
}


static void
test_key_daily(void **state)
{
    unsigned char               out[16];
    static const unsigned char  day0[16] = {
        0x78, 0xb3, 0x9d, 0x33, 0x05, 0xc0, 0xaf, 0xc8,
        0xcc, 0xf0, 0xbc, 0x2e, 0xdf, 0x73, 0x76, 0x2d
    };
    static const unsigned char  day20423[16] = {
        0x5c, 0xfd, 0x1c, 0x5c, 0xc5, 0x5a, 0x3d, 0x37,
        0x01, 0x0a, 0xf4, 0x93, 0x87, 0x6a, 0x2b, 0xd8
    };
    static const unsigned char  day_minus1[16] = {
        0x56, 0x23, 0xea, 0xc3, 0x3b, 0x41, 0x54, 0xb0,
        0xbc, 0xed, 0xae, 0xc0, 0x71, 0xc4, 0x37, 0xb2
    };
    static const unsigned char  day_min[16] = {
        0xc5, 0x28, 0x99, 0xdc, 0x29, 0x2d, 0x00, 0xa5,
        0xc4, 0x3e, 0xb2, 0xa3, 0xa9, 0x7e, 0x21, 0x5c
    };

    cx_cookie_key_daily(&key_a, 0, out);
    assert_memory_equal(out, day0, 16);
    cx_cookie_key_daily(&key_a, 20423, out);
    assert_memory_equal(out, day20423, 16);
    cx_cookie_key_daily(&key_a, -1, out);
    assert_memory_equal(out, day_minus1, 16);
    /* the longest decimal: "-9223372036854775808" */
    cx_cookie_key_daily(&key_a, INT64_MIN, out);
    assert_memory_equal(out, day_min, 16);
}


static void
test_exact_text(void **state)
{
    size_t             n;
    unsigned char      out[CX_COOKIE_MAX_TEXT];
    cx_cookie_state_t  st;

    fixed_state(&st, 1);
    n = cx_cookie_encode(&st, &key_a, NULL, NULL, out);
    assert_int_equal(n, sizeof(FIXED_TEXT) - 1);
    assert_memory_equal(out, FIXED_TEXT, n);

    /* 69 bytes before base64: 61 of fields, 8 of tag */
    fixed_state(&st, 0);
    n = cx_cookie_encode(&st, &key_a, NULL, NULL, out);
    assert_int_equal(n, 92);
    assert_int_equal(sizeof(FIXED_TEXT0) - 1, 92);
    assert_memory_equal(out, FIXED_TEXT0, n);

    /* the key id on the wire is the signing key's, whatever st says */
    fixed_state(&st, 1);
    st.key_id = 99;
    n = cx_cookie_encode(&st, &key_a, NULL, NULL, out);
    assert_memory_equal(out, FIXED_TEXT, n);
}


static void
test_round_trip(void **state)
{
    size_t             n;
    unsigned           nforced;
    unsigned char      out[CX_COOKIE_MAX_TEXT];
    cx_cookie_state_t  st, got;

    for (nforced = 0; nforced <= CX_COOKIE_MAX_FORCED; nforced++) {
        full_state(&st, nforced);
        st.key_id = key_b.id;
        n = cx_cookie_encode(&st, &key_b, NULL, NULL, out);
        assert_int_equal(n, cx_base64url_encoded_length(69 + 8 * nforced));
        assert_int_equal(decode((char *) out, n, &key_b, 1, UINT64_MAX, &got),
                         CX_COOKIE_OK);
        assert_state_equal(&got, &st);
    }

    fixed_state(&st, 1);
    st.key_id = key_a.id;
    assert_int_equal(decode(FIXED_TEXT, sizeof(FIXED_TEXT) - 1, &key_a, 1,
                            NOW, &got),
                     CX_COOKIE_OK);
    assert_state_equal(&got, &st);
}


/* more than 4 forced entries and more than 48 bits of time are cut */
static void
test_encode_limits(void **state)
{
    size_t             n;
    unsigned char      out[CX_COOKIE_MAX_TEXT];
    cx_cookie_state_t  st, got;

    full_state(&st, CX_COOKIE_MAX_FORCED);
    st.nforced = 255;
    st.session_start = 0;
    st.last_seen_ms = 0xabcd000000000001ULL;
    n = cx_cookie_encode(&st, &key_a, NULL, NULL, out);
    assert_int_equal(n, 135);
    assert_int_equal(decode((char *) out, n, &key_a, 1, UINT64_MAX, &got),
                     CX_COOKIE_OK);
    assert_int_equal(got.nforced, CX_COOKIE_MAX_FORCED);
    assert_true(got.last_seen_ms == 1);
    assert_int_equal(got.forced[3].experiment, 0x8badf00d ^ 3);
}


static void
test_too_long(void **state)
{
    char               text[CX_COOKIE_MAX_TEXT + 2];
    cx_cookie_state_t  st;

    /* 256 valid characters get past the limit, to fail on their length */
    memset(text, 'A', sizeof(text));
    assert_int_equal(decode(text, CX_COOKIE_MAX_TEXT, &key_a, 1, NOW, &st),
                     CX_COOKIE_BAD_LENGTH);
    assert_int_equal(decode(text, CX_COOKIE_MAX_TEXT + 1, &key_a, 1, NOW,
                            &st),
                     CX_COOKIE_TOO_LONG);

    /* the limit comes first: a valid cookie with bytes after it */
    memcpy(text, FIXED_TEXT, sizeof(FIXED_TEXT) - 1);
    memset(text + sizeof(FIXED_TEXT) - 1, '.',
           sizeof(text) - sizeof(FIXED_TEXT) + 1);
    assert_int_equal(decode(text, CX_COOKIE_MAX_TEXT + 2, &key_a, 1, NOW,
                            &st),
                     CX_COOKIE_TOO_LONG);
}


static void
test_bad_base64(void **state)
{
    size_t             len;
    char               text[sizeof(FIXED_TEXT) + 1];
    cx_cookie_state_t  st;

    len = sizeof(FIXED_TEXT) - 1;

    memcpy(text, FIXED_TEXT, len + 1);
    text[10] = '+';
    assert_int_equal(decode(text, len, &key_a, 1, NOW, &st),
                     CX_COOKIE_BAD_BASE64);

    memcpy(text, FIXED_TEXT, len + 1);
    text[len - 1] = '=';
    assert_int_equal(decode(text, len, &key_a, 1, NOW, &st),
                     CX_COOKIE_BAD_BASE64);

    /* "...d8" ends 77 bytes: the last character's 2 low bits are unused */
    memcpy(text, FIXED_TEXT, len + 1);
    assert_int_equal(len % 4, 3);
    text[len - 1] = '9';
    assert_int_equal(decode(text, len, &key_a, 1, NOW, &st),
                     CX_COOKIE_BAD_BASE64);

    memcpy(text, FIXED_TEXT0, sizeof(FIXED_TEXT0));
    text[92] = 'A';
    assert_int_equal(decode(text, 93, &key_a, 1, NOW, &st),
                     CX_COOKIE_BAD_BASE64);

    assert_int_equal(decode("cx=" FIXED_TEXT, len + 3, &key_a, 1, NOW, &st),
                     CX_COOKIE_BAD_BASE64);
}


static void
test_bad_length(void **state)
{
    char               text[CX_COOKIE_MAX_TEXT + 1];
    cx_str_t           bytes;
    unsigned char      buf[192];
    cx_cookie_state_t  st;

    assert_int_equal(decode("", 0, &key_a, 1, NOW, &st),
                     CX_COOKIE_BAD_LENGTH);
    assert_int_equal(decode(NULL, 0, &key_a, 1, NOW, &st),
                     CX_COOKIE_BAD_LENGTH);

    /* the valid cookie less its last 2 bytes, or with 3 more */
    assert_int_equal(decode(FIXED_TEXT, sizeof(FIXED_TEXT) - 4, &key_a, 1,
                            NOW, &st),
                     CX_COOKIE_BAD_LENGTH);
    memcpy(text, FIXED_TEXT0, 92);
    memcpy(text + 92, "AAAA", 4);
    assert_int_equal(decode(text, 96, &key_a, 1, NOW, &st),
                     CX_COOKIE_BAD_LENGTH);

    /* too short to hold nforced */
    memset(buf, 0, sizeof(buf));
    buf[0] = CX_COOKIE_VERSION;
    buf[1] = key_a.id;
    bytes.data = buf;
    bytes.len = CX_COOKIE_HEAD_LEN - 1;
    cx_base64url_encode((unsigned char *) text, bytes);
    assert_int_equal(decode(text, cx_base64url_encoded_length(bytes.len),
                            &key_a, 1, NOW, &st),
                     CX_COOKIE_BAD_LENGTH);

    /* nforced 5, with the length 5 entries would take */
    buf[CX_COOKIE_HEAD_LEN - 1] = 5;
    bytes.len = CX_COOKIE_HEAD_LEN + 5 * 8 + CX_COOKIE_TAG_LEN;
    cx_base64url_encode((unsigned char *) text, bytes);
    assert_int_equal(decode(text, cx_base64url_encoded_length(bytes.len),
                            &key_a, 1, NOW, &st),
                     CX_COOKIE_BAD_LENGTH);

    /* nforced 2 in a cookie long enough for 1, signed as it is */
    resign(FIXED_TEXT, CX_COOKIE_HEAD_LEN - 1, 2, &key_a, text);
    assert_int_equal(decode(text, strlen(text), &key_a, 1, NOW, &st),
                     CX_COOKIE_BAD_LENGTH);
}


static void
test_bad_version(void **state)
{
    char               text[CX_COOKIE_MAX_TEXT + 1];
    cx_cookie_state_t  st;

    resign(FIXED_TEXT, 0, 2, &key_a, text);
    assert_int_equal(decode(text, strlen(text), &key_a, 1, NOW, &st),
                     CX_COOKIE_BAD_VERSION);
    resign(FIXED_TEXT, 0, 0, &key_a, text);
    assert_int_equal(decode(text, strlen(text), &key_a, 1, NOW, &st),
                     CX_COOKIE_BAD_VERSION);

    /* resigning alone changes nothing: the helper is sound */
    resign(FIXED_TEXT, -1, 0, &key_a, text);
    assert_string_equal(text, FIXED_TEXT);
}


static void
test_unknown_key(void **state)
{
    char               text[CX_COOKIE_MAX_TEXT + 1];
    cx_cookie_state_t  st;

    assert_int_equal(decode(FIXED_TEXT, sizeof(FIXED_TEXT) - 1, &key_b, 1,
                            NOW, &st),
                     CX_COOKIE_UNKNOWN_KEY);
    assert_int_equal(decode(FIXED_TEXT, sizeof(FIXED_TEXT) - 1, NULL, 0,
                            NOW, &st),
                     CX_COOKIE_UNKNOWN_KEY);

    /* signed by key a under key b's id: tried with b, which refuses it */
    resign(FIXED_TEXT, 1, key_b.id, &key_a, text);
    assert_int_equal(decode(text, strlen(text), &key_b, 1, NOW, &st),
                     CX_COOKIE_BAD_TAG);
    assert_int_equal(decode(text, strlen(text), &key_a, 1, NOW, &st),
                     CX_COOKIE_UNKNOWN_KEY);
}


static void
test_bad_tag(void **state)
{
    int                at, bit;
    char               text[CX_COOKIE_MAX_TEXT + 1];
    ptrdiff_t          n;
    cx_str_t           s;
    unsigned char      buf[CX_COOKIE_MAX_BINARY];
    cx_cookie_key_t    other;
    cx_cookie_state_t  st;

    /* every bit of every byte after the key id, tag included */
    s.data = (const unsigned char *) FIXED_TEXT;
    s.len = sizeof(FIXED_TEXT) - 1;
    n = cx_base64url_decode(buf, s);
    assert_int_equal(n, 77);

    for (at = 2; at < n; at++) {
        if (at == CX_COOKIE_HEAD_LEN - 1) {
            continue;
        }

        for (bit = 0; bit < 8; bit++) {
            buf[at] ^= 1u << bit;
            s.data = buf;
            s.len = n;
            cx_base64url_encode((unsigned char *) text, s);
            assert_int_equal(decode(text, sizeof(FIXED_TEXT) - 1, &key_a, 1,
                                    UINT64_MAX, &st),
                             CX_COOKIE_BAD_TAG);
            buf[at] ^= 1u << bit;
        }
    }

    /* a key that shares the id but not the bytes */
    other = key_a;
    other.key[15] ^= 0x80;
    assert_int_equal(decode(FIXED_TEXT, sizeof(FIXED_TEXT) - 1, &other, 1,
                            NOW, &st),
                     CX_COOKIE_BAD_TAG);
}


static void
test_rotation(void **state)
{
    size_t             n;
    unsigned char      out[CX_COOKIE_MAX_TEXT];
    cx_cookie_key_t    keys[2], clash[2];
    cx_cookie_state_t  st, got;

    keys[0] = key_a;
    keys[1] = key_b;
    clash[0] = key_a;
    clash[0].key[0] ^= 1;
    clash[1] = key_a;

    assert_int_equal(decode(FIXED_TEXT, sizeof(FIXED_TEXT) - 1, keys, 2, NOW,
                            &got),
                     CX_COOKIE_OK);
    assert_int_equal(got.key_id, key_a.id);
    assert_int_equal(decode(FIXED_TEXT, sizeof(FIXED_TEXT) - 1, keys + 1, 1,
                            NOW, &got),
                     CX_COOKIE_UNKNOWN_KEY);

    fixed_state(&st, 1);
    n = cx_cookie_encode(&st, &key_b, NULL, NULL, out);
    assert_int_equal(decode((char *) out, n, keys, 2, NOW, &got),
                     CX_COOKIE_OK);
    assert_int_equal(got.key_id, key_b.id);
    assert_int_equal(decode((char *) out, n, keys, 1, NOW, &got),
                     CX_COOKIE_UNKNOWN_KEY);

    /* the same id twice: the second verifies what the first cannot */
    assert_int_equal(decode(FIXED_TEXT, sizeof(FIXED_TEXT) - 1, clash, 2, NOW,
                            &got),
                     CX_COOKIE_OK);
    assert_int_equal(got.key_id, key_a.id);
    assert_int_equal(decode(FIXED_TEXT, sizeof(FIXED_TEXT) - 1, clash, 1, NOW,
                            &got),
                     CX_COOKIE_BAD_TAG);

    /* and the first verifies though the second cannot */
    clash[1] = clash[0];
    clash[0] = key_a;
    assert_int_equal(decode(FIXED_TEXT, sizeof(FIXED_TEXT) - 1, clash, 2, NOW,
                            &got),
                     CX_COOKIE_OK);
}


static cx_cookie_status_e
decode_times(uint32_t session_start, uint64_t last_seen_ms, uint64_t now_ms)
{
    size_t             n;
    unsigned char      out[CX_COOKIE_MAX_TEXT];
    cx_cookie_state_t  st;

    fixed_state(&st, 0);
    st.session_start = session_start;
    st.last_seen_ms = last_seen_ms;
    n = cx_cookie_encode(&st, &key_a, NULL, NULL, out);

    return decode((char *) out, n, &key_a, 1, now_ms, &st);
}


/* the key of next session ids: two halves, neither the cookie key's */
static void
test_key_session(void **state)
{
    unsigned char  out[16], daily[16];

    cx_cookie_key_session(&key_a, out);
    assert_memory_not_equal(out, key_a.key, 16);
    assert_memory_not_equal(out, out + 8, 8);

    cx_cookie_key_daily(&key_a, 0, daily);
    assert_memory_not_equal(out, daily, 16);

    cx_cookie_key_session(&key_b, daily);
    assert_memory_not_equal(out, daily, 16);
}


/* a cookie from a node ahead is still ours: its state is read whole */
static void
test_future_is_read(void **state)
{
    size_t             n;
    unsigned char      out[CX_COOKIE_MAX_TEXT];
    cx_cookie_state_t  st, got;
    uint64_t           now;

    now = 1764572000000ULL;

    fixed_state(&st, 1);
    st.session_start = (uint32_t) (now / 1000) + 300;
    st.last_seen_ms = now + 300000;
    n = cx_cookie_encode(&st, &key_a, NULL, NULL, out);

    assert_int_equal(decode((char *) out, n, &key_a, 1, now, &got),
                     CX_COOKIE_FUTURE);
    st.key_id = key_a.id;
    assert_memory_equal(&got, &st, sizeof(st));
    assert_true(cx_cookie_ahead(&got, now));
    assert_false(cx_cookie_ahead(&got, now + 300000));

    /* and a forged one is nothing */
    out[n / 2] = out[n / 2] == 'A' ? 'B' : 'A';
    assert_int_equal(decode((char *) out, n, &key_a, 1, now, &got),
                     CX_COOKIE_BAD_TAG);
    memset(&st, 0, sizeof(st));
    assert_memory_equal(&got, &st, sizeof(st));
}


static void
test_future(void **state)
{
    uint64_t  now, skew;

    now = 1764572000000ULL;
    skew = CX_COOKIE_CLOCK_SKEW;

    assert_int_equal(decode_times(1764571000, now, now), CX_COOKIE_OK);
    assert_int_equal(decode_times(1764571000, now + skew, now), CX_COOKIE_OK);
    assert_int_equal(decode_times(1764571000, now + skew + 1, now),
                     CX_COOKIE_FUTURE);

    /* a session may start at its one page view, not after it */
    assert_int_equal(decode_times(1764571000, 1764571000000ULL, now),
                     CX_COOKIE_OK);
    assert_int_equal(decode_times(1764571000, 1764570999999ULL, now),
                     CX_COOKIE_FUTURE);
    assert_int_equal(decode_times(1764572060, 1764572060000ULL, now),
                     CX_COOKIE_OK);
    assert_int_equal(decode_times(1764572061, 1764572061000ULL, now),
                     CX_COOKIE_FUTURE);
    assert_int_equal(decode_times(1764572061, 1764572060000ULL, now),
                     CX_COOKIE_FUTURE);

    /* now plus the skew saturates instead of wrapping */
    assert_int_equal(decode_times(UINT32_MAX, 0xffffffffffffULL, UINT64_MAX),
                     CX_COOKIE_OK);
    assert_int_equal(decode_times(0, 0, 0), CX_COOKIE_OK);
}


/* xorshift64: the same pseudo-random successors on every run */
static uint64_t
next_random(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;

    return *x;
}


/*
 * The successor of a page view: one field changed, or (change >= 16)
 * several at random.  Changes 0-3 change the kept head (14 may).
 */
static void
successor(cx_cookie_state_t *st, unsigned change, uint64_t *x)
{
    uint64_t  r;

    r = next_random(x);

    switch (change) {

    case 0:
        st->visitor[r % 16] ^= (unsigned char) (1 + r % 255);
        break;

    case 1:
        st->session[r % 8] ^= (unsigned char) (1 + r % 255);
        break;

    case 2:
        st->session_start += (uint32_t) (1 + r % 1000);
        break;

    case 3:
        st->last_seen_ms += (uint64_t) 1 << 32;
        break;

    case 4:
        st->nforced = (uint8_t) ((st->nforced + 1) % 5);
        break;

    case 5:
        st->last_seen_ms += 1 + r % 100000;
        break;

    case 6:
        st->session_index++;
        break;

    case 7:
        st->seq++;
        break;

    case 8:
        st->path_hash[1] = st->path_hash[0];
        st->path_hash[0] = (uint32_t) r;
        break;

    case 9:
        st->touchpoint = (uint32_t) r;
        break;

    case 10:
        st->channel = (uint8_t) r;
        st->flags ^= 1;
        break;

    case 11:
        st->campaign = (uint32_t) r;
        break;

    case 12:
        st->experience = (uint8_t) r;
        st->repeat++;
        break;

    case 13:
        st->forced[r % 4].variant = (uint32_t) (r >> 8);
        break;

    case 14:
        st->last_seen_ms = r & 0xffffffffffffULL;
        break;

    case 15:
        break;

    default:
        while (r % 3 != 0) {
            successor(st, (unsigned) (r >> 8) % 16, x);
            r = next_random(x);
        }
    }
}


/*
 * The text signed from what a decode kept is the text signed from nothing,
 * for every successor of a cookie; and the kept state is used exactly when
 * the successor starts with the same 32 bytes under the same key: a kept
 * tag state changed on purpose changes the text then, and only then.
 */
static void
test_kept(void **state)
{
    size_t              n, m, round;
    unsigned            change, nforced, k;
    uint64_t            x;
    cx_cookie_key_t     keys[2];
    cx_cookie_kept_t    kept, broken;
    cx_cookie_state_t   st, next;
    cx_cookie_status_e  rc;
    unsigned char       text[CX_COOKIE_MAX_TEXT], plain[CX_COOKIE_MAX_TEXT];
    unsigned char       resumed[CX_COOKIE_MAX_TEXT];

    keys[0] = key_a;
    keys[1] = key_b;
    x = 0x9e3779b97f4a7c15ULL;

    for (round = 0; round < 4000; round++) {
        nforced = round % (CX_COOKIE_MAX_FORCED + 1);

        if (round % 2) {
            full_state(&st, nforced);

        } else {
            fixed_state(&st, nforced);
        }

        successor(&st, 16, &x);
        k = (round / 5) % 2;
        n = cx_cookie_encode(&st, &keys[k], NULL, NULL, text);

        /* a session that starts after its last page view is FUTURE */
        rc = cx_cookie_decode(text, n, keys, 2, UINT64_MAX, NULL, &st,
                              &kept);
        assert_true(rc == CX_COOKIE_OK || rc == CX_COOKIE_FUTURE);
        assert_ptr_equal(kept.key, &keys[k]);

        next = st;
        change = (unsigned) (round % 17);
        successor(&next, change, &x);

        /* signed with either key: a rotation signs with another one */

        for (k = 0; k < 2; k++) {
            n = cx_cookie_encode(&next, &keys[k], NULL, NULL, plain);
            m = cx_cookie_encode(&next, &keys[k], &kept, NULL, resumed);
            assert_int_equal(m, n);
            assert_memory_equal(resumed, plain, n);

            broken = kept;
            broken.mac.v2 ^= 1;
            m = cx_cookie_encode(&next, &keys[k], &broken, NULL, resumed);
            assert_int_equal(m, n);

            if (kept.key == &keys[k] && next.session_start == st.session_start
                && next.last_seen_ms >> 32 == st.last_seen_ms >> 32
                && memcmp(next.visitor, st.visitor, 16) == 0
                && memcmp(next.session, st.session, 8) == 0)
            {
                assert_memory_not_equal(resumed, plain, n);
                assert_memory_equal(resumed, plain, CX_COOKIE_KEPT_TEXT);

            } else {
                assert_memory_equal(resumed, plain, n);
            }
        }
    }

    /* ids that clash: what is kept is the key that verified */
    keys[1] = key_a;
    keys[0].key[3] ^= 0x10;
    fixed_state(&st, 2);
    n = cx_cookie_encode(&st, &key_a, NULL, NULL, text);
    assert_int_equal(cx_cookie_decode(text, n, keys, 2, NOW, NULL, &st,
                                      &kept),
                     CX_COOKIE_OK);
    assert_ptr_equal(kept.key, &keys[1]);

    keys[0] = key_a;
    keys[1].key[3] ^= 0x10;
    assert_int_equal(cx_cookie_decode(text, n, keys, 2, NOW, NULL, &st,
                                      &kept),
                     CX_COOKIE_OK);
    assert_ptr_equal(kept.key, &keys[0]);

    /* a refused cookie lends nothing, whatever came before */
    text[n - 1] = text[n - 1] == 'A' ? 'B' : 'A';
    assert_int_equal(cx_cookie_decode(text, n, keys, 2, NOW, NULL, &st,
                                      &kept),
                     CX_COOKIE_BAD_TAG);
    assert_null(kept.key);
}


/* the same answer from a decode with the cache as from one without it */
static void
assert_same_decode(const unsigned char *text, size_t len,
    const cx_cookie_key_t *keys, size_t nkeys, uint64_t now_ms,
    const cx_cookie_cache_t *cache)
{
    cx_cookie_kept_t    kept, kept_cached;
    cx_cookie_state_t   st, st_cached;
    cx_cookie_status_e  rc;

    memset(&kept, 0x5a, sizeof(kept));
    memset(&kept_cached, 0xa5, sizeof(kept_cached));
    memset(&st_cached, 0xa5, sizeof(st_cached));

    rc = cx_cookie_decode(text, len, keys, nkeys, now_ms, NULL, &st, &kept);
    assert_int_equal(cx_cookie_decode(text, len, keys, nkeys, now_ms, cache,
                                      &st_cached, &kept_cached),
                     rc);
    assert_memory_equal(&st_cached, &st, sizeof(st));
    assert_ptr_equal(kept_cached.key, kept.key);

    if (kept.key != NULL) {
        assert_ptr_equal(kept_cached.text, kept.text);
        assert_memory_equal(kept_cached.head, kept.head, CX_COOKIE_KEPT_LEN);
        assert_memory_equal(&kept_cached.mac, &kept.mac, sizeof(kept.mac));
        assert_memory_equal(kept_cached.ids_hex, kept.ids_hex,
                            CX_COOKIE_IDS_HEX_LEN);
        assert_ids_hex(&kept_cached, &st_cached);
    }
}


/* the entry of a text signed with the cache, NULL if none holds it */
static cx_cookie_cached_t *
find_cached(cx_cookie_cache_t *cache, const unsigned char *text, size_t len)
{
    size_t  i;

    for (i = 0; i < CX_COOKIE_CACHE_SIZE; i++) {
        if (cache->entries[i].len == len
            && memcmp(cache->entries[i].text, text, len) == 0)
        {
            return &cache->entries[i];
        }
    }

    return NULL;
}


/*
 * A cache of signed cookies: signing with it writes the same text; every
 * text signed, and every text one character or one cut away from it,
 * decodes with it exactly as without it (status, state, what is kept),
 * at times that make some of them FUTURE; and a signed text is answered
 * from its entry, not decoded: an entry changed on purpose shows.
 */
static void
test_cache(void **state)
{
    size_t              n, m, at, round;
    uint64_t            x, now;
    unsigned            k;
    cx_cookie_key_t     keys[2];
    cx_cookie_kept_t    kept;
    cx_cookie_cache_t  *cache;
    cx_cookie_state_t   st, got;
    cx_cookie_cached_t *cached;
    unsigned char       text[CX_COOKIE_MAX_TEXT], plain[CX_COOKIE_MAX_TEXT];
    unsigned char       changed[CX_COOKIE_MAX_TEXT];
    unsigned char       raw[3 * sizeof(cx_cookie_key_t)];

    assert_int_equal(cx_base64url_encoded_length(CX_COOKIE_MAX_BINARY),
                     CX_COOKIE_LONGEST);

    cache = test_calloc(1, sizeof(cx_cookie_cache_t));
    keys[0] = key_a;
    keys[1] = key_b;
    x = 0x5851f42d4c957f2dULL;
    memset(&kept, 0, sizeof(kept));

    for (round = 0; round < 3000; round++) {
        if (round % 2) {
            full_state(&st, (unsigned) (round % 5));

        } else {
            fixed_state(&st, (unsigned) (round % 5));
        }

        successor(&st, 16, &x);
        k = (unsigned) (round / 3) % 2;

        /* sometimes a successor of the last text, signed from it */
        n = cx_cookie_encode(&st, &keys[k], round % 4 ? NULL : &kept, cache,
                             text);
        m = cx_cookie_encode(&st, &keys[k], NULL, NULL, plain);
        assert_int_equal(n, m);
        assert_memory_equal(text, plain, n);

        now = (round % 7) ? UINT64_MAX : st.last_seen_ms - (round % 3) * 61000;

        assert_same_decode(text, n, keys, 2, now, cache);
        assert_same_decode(text, n, keys + 1, 1, now, cache);

        at = (size_t) (next_random(&x) % n);
        memcpy(changed, text, n);
        changed[at] = changed[at] == 'A' ? 'B' : 'A';
        assert_same_decode(changed, n, keys, 2, now, cache);
        assert_same_decode(text, at, keys, 2, now, cache);
        assert_same_decode(text, n - 1, keys, 2, now, cache);

        assert_int_equal(cx_cookie_decode(text, n, keys, 2, NOW, cache, &got,
                                          &kept),
                         cx_cookie_decode(text, n, keys, 2, NOW, NULL, &got,
                                          &kept));
    }

    /* a text signed with the cache is answered from its entry */
    fixed_state(&st, 1);
    n = cx_cookie_encode(&st, &key_a, NULL, cache, text);
    cached = find_cached(cache, text, n);
    assert_non_null(cached);
    cached->st.seq = 4242;
    assert_int_equal(cx_cookie_decode(text, n, &key_a, 1, NOW, cache, &got,
                                      NULL),
                     CX_COOKIE_OK);
    assert_int_equal(got.seq, 4242);

    /* and any other text goes the long way, its entry or not */
    for (at = 0; at < n; at++) {
        memcpy(changed, text, n);
        changed[at] = changed[at] == 'A' ? 'B' : 'A';
        assert_int_not_equal(cx_cookie_decode(changed, n, &key_a, 1, NOW,
                                              cache, &got, NULL),
                             CX_COOKIE_OK);
    }

    /* a shorter text that ends the same, so in the same entry */
    memcpy(changed, text, n - 16);
    memcpy(changed + n - 16, text + n - 8, 8);
    assert_int_not_equal(cx_cookie_decode(changed, n - 8, &key_a, 1, NOW,
                                          cache, &got, NULL),
                         CX_COOKIE_OK);

    /*
     * Its key is one of the keys by address: one inside the list's bytes
     * that is not one of its elements (keys laid over an older list, one
     * byte off) is not, and the text goes the long way, whose keys know
     * it not.
     */
    memset(raw, 0x33, sizeof(raw));
    memcpy(raw + sizeof(cx_cookie_key_t), &key_a, sizeof(cx_cookie_key_t));
    n = cx_cookie_encode(&st, (cx_cookie_key_t *) raw + 1, NULL, cache,
                         text);
    assert_int_equal(cx_cookie_decode(text, n, (cx_cookie_key_t *) raw, 2,
                                      NOW, cache, &got, NULL),
                     CX_COOKIE_OK);
    assert_int_not_equal(cx_cookie_decode(text, n,
                                          (cx_cookie_key_t *) (raw + 1), 2,
                                          NOW, cache, &got, NULL),
                         CX_COOKIE_OK);

    test_free(cache);
}


/*
 * The ids' hex kept with a cookie: made by a decode, kept by the cache,
 * taken over by a successor signed from what its cookie kept (the same
 * visitor and session), made anew for one whose head changed.
 */
static void
test_ids_hex(void **state)
{
    size_t              n, round;
    uint64_t            x;
    cx_cookie_key_t     keys[2];
    cx_cookie_kept_t    kept, plain_kept;
    cx_cookie_cache_t  *cache;
    cx_cookie_state_t   st, got;
    unsigned char       text[CX_COOKIE_MAX_TEXT];

    cache = test_calloc(1, sizeof(cx_cookie_cache_t));
    keys[0] = key_a;
    keys[1] = key_b;
    x = 0x2545f4914f6cdd1dULL;

    for (round = 0; round < 2000; round++) {
        if (round % 2) {
            full_state(&st, (unsigned) (round % 5));

        } else {
            fixed_state(&st, (unsigned) (round % 5));
        }

        n = cx_cookie_encode(&st, &keys[round % 2], NULL, cache, text);
        assert_int_equal(cx_cookie_decode(text, n, keys, 2, UINT64_MAX,
                                          cache, &got, &kept),
                         CX_COOKIE_OK);
        assert_ids_hex(&kept, &got);

        /* every kind of change, the ids' too, then the way back */
        successor(&st, (unsigned) (round % 17), &x);
        n = cx_cookie_encode(&st, &keys[round % 2], &kept, cache, text);

        memset(&kept, 0xa5, sizeof(kept));
        assert_int_equal(cx_cookie_decode(text, n, keys, 2, UINT64_MAX,
                                          cache, &got, &kept)
                         == CX_COOKIE_OK,
                         cx_cookie_decode(text, n, keys, 2, UINT64_MAX,
                                          NULL, &st, &plain_kept)
                         == CX_COOKIE_OK);

        if (kept.key != NULL) {
            assert_ids_hex(&kept, &got);
            assert_ids_hex(&plain_kept, &st);
        }
    }

    test_free(cache);
    (void) state;
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_status_names),
        cmocka_unit_test(test_key_derive),
        cmocka_unit_test(test_key_daily),
        cmocka_unit_test(test_exact_text),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_encode_limits),
        cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_bad_base64),
        cmocka_unit_test(test_bad_length),
        cmocka_unit_test(test_bad_version),
        cmocka_unit_test(test_unknown_key),
        cmocka_unit_test(test_bad_tag),
        cmocka_unit_test(test_rotation),
        cmocka_unit_test(test_future),
        cmocka_unit_test(test_future_is_read),
        cmocka_unit_test(test_key_session),
        cmocka_unit_test(test_kept),
        cmocka_unit_test(test_cache),
        cmocka_unit_test(test_ids_hex),
    };

    return cmocka_run_group_tests(tests, setup_keys, NULL);
}
