
/*
 * The signed visitor/session cookie: see cx_cookie.h for the wire format.
 */


#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cx_base64.h"
#include "cx_cookie.h"
#include "cx_sha256.h"
#include "cx_siphash.h"


#define CX_COOKIE_KEY_LABEL    "ngx_cx_module cookie key v1\n"
#define CX_COOKIE_KEY_ID_TEXT  "cx key id"
#define CX_COOKIE_DAILY_TEXT   "cx daily 0 "

/* offsets of the bytes decode looks at before it trusts any */
#define CX_COOKIE_AT_VERSION   0
#define CX_COOKIE_AT_KEY_ID    1
#define CX_COOKIE_AT_NFORCED   (CX_COOKIE_HEAD_LEN - 1)


static unsigned char *cx_cookie_put(unsigned char *p, uint64_t value,
    size_t len);
static uint64_t cx_cookie_get(const unsigned char **p, size_t len);
static void cx_cookie_put_tag(unsigned char *p, uint64_t tag);
static int cx_cookie_tag_equal(const unsigned char *a, const unsigned char *b);
static void cx_cookie_read(const unsigned char *buf, cx_cookie_state_t *st);


static const char  *cx_cookie_status_names[] = {
    "ok",
    "too_long",
    "bad_base64",
    "bad_length",
    "bad_version",
    "unknown_key",
    "bad_tag",
    "future"
};


const char *
cx_cookie_status_name(cx_cookie_status_e s)
{
    if ((unsigned) s >= CX_COOKIE_REASONS) {
        return "unknown";
    }

    return cx_cookie_status_names[s];
}


void
cx_cookie_key_derive(const unsigned char *secret, size_t len,
    cx_cookie_key_t *key)
{
    cx_sha256_t    ctx;
    unsigned char  digest[CX_SHA256_DIGEST_LEN];

    cx_sha256_init(&ctx);
    cx_sha256_update(&ctx, (const unsigned char *) CX_COOKIE_KEY_LABEL,
                     sizeof(CX_COOKIE_KEY_LABEL) - 1);
    cx_sha256_update(&ctx, secret, len);
    cx_sha256_final(&ctx, digest);

    memcpy(key->key, digest, sizeof(key->key));

    /* the id depends on the key alone, never on its place in the list */
    key->id = (uint8_t) cx_siphash24(key->key,
                                     (const unsigned char *)
                                         CX_COOKIE_KEY_ID_TEXT,
                                     sizeof(CX_COOKIE_KEY_ID_TEXT) - 1);
}


void
cx_cookie_key_daily(const cx_cookie_key_t *key, int64_t day,
    unsigned char out[16])
{
    int            n;
    unsigned char  text[sizeof(CX_COOKIE_DAILY_TEXT) + 20];

    memcpy(text, CX_COOKIE_DAILY_TEXT, sizeof(CX_COOKIE_DAILY_TEXT) - 1);
    n = snprintf((char *) text + sizeof(CX_COOKIE_DAILY_TEXT) - 1, 21,
                 "%" PRId64, day);
    n += sizeof(CX_COOKIE_DAILY_TEXT) - 1;

    cx_cookie_put_tag(out, cx_siphash24(key->key, text, n));

    /* "cx daily 0 " becomes "cx daily 1 ": the second half */
    text[9] = '1';
    cx_cookie_put_tag(out + 8, cx_siphash24(key->key, text, n));
}


size_t
cx_cookie_encode(const cx_cookie_state_t *st, const cx_cookie_key_t *key,
    unsigned char *out)
{
    size_t          i, nforced;
    cx_str_t        binary;
    unsigned char  *p, buf[CX_COOKIE_MAX_BINARY];

    nforced = st->nforced;

    if (nforced > CX_COOKIE_MAX_FORCED) {
        nforced = CX_COOKIE_MAX_FORCED;
    }

    p = buf;
    *p++ = CX_COOKIE_VERSION;
    *p++ = key->id;
    memcpy(p, st->visitor, sizeof(st->visitor));
    p += sizeof(st->visitor);
    memcpy(p, st->session, sizeof(st->session));
    p += sizeof(st->session);
    p = cx_cookie_put(p, st->session_start, 4);
    p = cx_cookie_put(p, st->last_seen_ms, 6);
    p = cx_cookie_put(p, st->session_index, 2);
    p = cx_cookie_put(p, st->seq, 2);
    p = cx_cookie_put(p, st->path_hash[0], 4);
    p = cx_cookie_put(p, st->path_hash[1], 4);
    p = cx_cookie_put(p, st->touchpoint, 4);
    *p++ = st->channel;
    *p++ = st->flags;
    p = cx_cookie_put(p, st->campaign, 4);
    *p++ = st->experience;
    *p++ = st->repeat;
    *p++ = (unsigned char) nforced;

    for (i = 0; i < nforced; i++) {
        p = cx_cookie_put(p, st->forced[i].experiment, 4);
        p = cx_cookie_put(p, st->forced[i].variant, 4);
    }

    cx_cookie_put_tag(p, cx_siphash24(key->key, buf, p - buf));
    p += CX_COOKIE_TAG_LEN;

    binary.data = buf;
    binary.len = p - buf;

    return cx_base64url_encode(out, binary);
}


cx_cookie_status_e
cx_cookie_decode(const unsigned char *text, size_t len,
    const cx_cookie_key_t *keys, size_t nkeys, uint64_t now_ms,
    cx_cookie_state_t *st)
{
    size_t         i, nforced, signed_len;
    uint64_t       limit, start_ms;
    cx_str_t       value;
    ptrdiff_t      n;
    unsigned int   known, verified;
    unsigned char  buf[cx_base64url_decoded_length(CX_COOKIE_MAX_TEXT)];
    unsigned char  tag[CX_COOKIE_TAG_LEN];

    memset(st, 0, sizeof(cx_cookie_state_t));

    if (len > CX_COOKIE_MAX_TEXT) {
        return CX_COOKIE_TOO_LONG;
    }

    value.data = text;
    value.len = len;

    n = cx_base64url_decode(buf, value);

    if (n < 0) {
        return CX_COOKIE_BAD_BASE64;
    }

    if (n < CX_COOKIE_HEAD_LEN) {
        return CX_COOKIE_BAD_LENGTH;
    }

    nforced = buf[CX_COOKIE_AT_NFORCED];

    if (nforced > CX_COOKIE_MAX_FORCED
        || (size_t) n != CX_COOKIE_HEAD_LEN + nforced * CX_COOKIE_FORCED_LEN
                         + CX_COOKIE_TAG_LEN)
    {
        return CX_COOKIE_BAD_LENGTH;
    }

    if (buf[CX_COOKIE_AT_VERSION] != CX_COOKIE_VERSION) {
        return CX_COOKIE_BAD_VERSION;
    }

    signed_len = n - CX_COOKIE_TAG_LEN;
    known = 0;
    verified = 0;

    /* ids are 8 bits of a hash and may collide: every key with it is tried */
    for (i = 0; i < nkeys; i++) {
        if (keys[i].id != buf[CX_COOKIE_AT_KEY_ID]) {
            continue;
        }

        known = 1;
        cx_cookie_put_tag(tag, cx_siphash24(keys[i].key, buf, signed_len));
        verified |= cx_cookie_tag_equal(tag, buf + signed_len);
    }

    if (!known) {
        return CX_COOKIE_UNKNOWN_KEY;
    }

    if (!verified) {
        return CX_COOKIE_BAD_TAG;
    }

    cx_cookie_read(buf, st);

    limit = now_ms + CX_COOKIE_CLOCK_SKEW;

    if (limit < now_ms) {
        limit = UINT64_MAX;
    }

    start_ms = (uint64_t) st->session_start * 1000;

    if (st->last_seen_ms > limit || start_ms > limit
        || start_ms > st->last_seen_ms)
    {
        memset(st, 0, sizeof(cx_cookie_state_t));
        return CX_COOKIE_FUTURE;
    }

    return CX_COOKIE_OK;
}


/* the fields of a cookie whose length and tag were checked */
static void
cx_cookie_read(const unsigned char *buf, cx_cookie_state_t *st)
{
    size_t                i;
    const unsigned char  *p;

    st->key_id = buf[CX_COOKIE_AT_KEY_ID];
    p = buf + 2;
    memcpy(st->visitor, p, sizeof(st->visitor));
    p += sizeof(st->visitor);
    memcpy(st->session, p, sizeof(st->session));
    p += sizeof(st->session);
    st->session_start = (uint32_t) cx_cookie_get(&p, 4);
    st->last_seen_ms = cx_cookie_get(&p, 6);
    st->session_index = (uint16_t) cx_cookie_get(&p, 2);
    st->seq = (uint16_t) cx_cookie_get(&p, 2);
    st->path_hash[0] = (uint32_t) cx_cookie_get(&p, 4);
    st->path_hash[1] = (uint32_t) cx_cookie_get(&p, 4);
    st->touchpoint = (uint32_t) cx_cookie_get(&p, 4);
    st->channel = *p++;
    st->flags = *p++;
    st->campaign = (uint32_t) cx_cookie_get(&p, 4);
    st->experience = *p++;
    st->repeat = *p++;
    st->nforced = *p++;

    for (i = 0; i < st->nforced; i++) {
        st->forced[i].experiment = (uint32_t) cx_cookie_get(&p, 4);
        st->forced[i].variant = (uint32_t) cx_cookie_get(&p, 4);
    }
}


static unsigned char *
cx_cookie_put(unsigned char *p, uint64_t value, size_t len)
{
    size_t  i;

    for (i = len; i > 0; i--) {
        p[i - 1] = (unsigned char) value;
        value >>= 8;
    }

    return p + len;
}


static uint64_t
cx_cookie_get(const unsigned char **p, size_t len)
{
    size_t    i;
    uint64_t  value;

    value = 0;

    for (i = 0; i < len; i++) {
        value = value << 8 | (*p)[i];
    }

    *p += len;

    return value;
}


/* the reference implementation's byte order: little-endian */
static void
cx_cookie_put_tag(unsigned char *p, uint64_t tag)
{
    size_t  i;

    for (i = 0; i < CX_COOKIE_TAG_LEN; i++) {
        p[i] = (unsigned char) (tag >> (8 * i));
    }
}


/* no early exit: the time taken does not tell where the tags differ */
static int
cx_cookie_tag_equal(const unsigned char *a, const unsigned char *b)
{
    size_t         i;
    unsigned char  diff;

    diff = 0;

    for (i = 0; i < CX_COOKIE_TAG_LEN; i++) {
        diff |= a[i] ^ b[i];
    }

    return diff == 0;
}
