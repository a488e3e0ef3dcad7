
/*
 * The signed visitor/session cookie: see cx_cookie.h for the wire format.
 */


#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cx_base64.h"
#include "cx_bytes.h"
#include "cx_cookie.h"
#include "cx_session.h"
#include "cx_sha256.h"
#include "cx_siphash.h"


#define CX_COOKIE_KEY_LABEL    "ngx_cx_module cookie key v1\n"
#define CX_COOKIE_KEY_ID_TEXT  "cx key id"
#define CX_COOKIE_DAILY_TEXT   "cx daily 0 "
#define CX_COOKIE_SESSION_TEXT "cx session 0"

/* where each field is: the head's layout is fixed (cx_cookie.h) */
#define CX_COOKIE_AT_VERSION     0
#define CX_COOKIE_AT_KEY_ID      1
#define CX_COOKIE_AT_VISITOR     2
#define CX_COOKIE_AT_SESSION     18
#define CX_COOKIE_AT_START       26
#define CX_COOKIE_AT_LAST_SEEN   30
#define CX_COOKIE_AT_INDEX       36
#define CX_COOKIE_AT_SEQ         38
#define CX_COOKIE_AT_PATH_HASH   40
#define CX_COOKIE_AT_TOUCHPOINT  48
#define CX_COOKIE_AT_CHANNEL     52
#define CX_COOKIE_AT_FLAGS       53
#define CX_COOKIE_AT_CAMPAIGN    54
#define CX_COOKIE_AT_EXPERIENCE  58
#define CX_COOKIE_AT_REPEAT      59
#define CX_COOKIE_AT_NFORCED     60
#define CX_COOKIE_AT_FORCED      CX_COOKIE_HEAD_LEN

#define cx_cookie_is_space(c)    ((c) == ' ' || (c) == '\t')

/* the long way of a decode keeps its frame out of the cached way's */
#if defined(__GNUC__)
#define CX_COOKIE_NOINLINE       __attribute__((noinline))
#else
#define CX_COOKIE_NOINLINE
#endif


static CX_COOKIE_NOINLINE cx_cookie_status_e cx_cookie_decode_text(
    const unsigned char *text, size_t len, const cx_cookie_key_t *keys,
    size_t nkeys, uint64_t now_ms, cx_cookie_state_t *st,
    cx_cookie_kept_t *kept);
static inline int cx_cookie_later(const cx_cookie_state_t *st,
    uint64_t now_ms);
static void cx_cookie_read(const unsigned char *buf, cx_cookie_state_t *st);
static void cx_cookie_remember(cx_cookie_cache_t *cache,
    const unsigned char *text, size_t len, const unsigned char *buf,
    const cx_cookie_key_t *key, const cx_siphash_state_t *mac,
    const unsigned char *ids_hex);
static void cx_cookie_ids_hex(const unsigned char *buf,
    unsigned char *ids_hex);
static size_t cx_cookie_cache_slot(const unsigned char *text, size_t len);
static int cx_cookie_same_text(const cx_cookie_cached_t *cached,
    const unsigned char *text, size_t len);
static int cx_cookie_scan(const unsigned char *p, const unsigned char *end,
    cx_str_t name, cx_str_t *value);
static inline void cx_cookie_value(const unsigned char *v,
    const unsigned char *stop, cx_str_t *value);


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

    cx_bytes_put_le64(out, cx_siphash24(key->key, text, n));

    /* "cx daily 0 " becomes "cx daily 1 ": the second half */
    text[9] = '1';
    cx_bytes_put_le64(out + 8, cx_siphash24(key->key, text, n));
}


void
cx_cookie_key_session(const cx_cookie_key_t *key, unsigned char out[16])
{
    unsigned char  text[sizeof(CX_COOKIE_SESSION_TEXT) - 1];

    memcpy(text, CX_COOKIE_SESSION_TEXT, sizeof(text));
    cx_bytes_put_le64(out, cx_siphash24(key->key, text, sizeof(text)));

    /* "cx session 0" becomes "cx session 1": the second half */
    text[sizeof(text) - 1] = '1';
    cx_bytes_put_le64(out + 8, cx_siphash24(key->key, text, sizeof(text)));
}


size_t
cx_cookie_encode(const cx_cookie_state_t *st, const cx_cookie_key_t *key,
    const cx_cookie_kept_t *kept, cx_cookie_cache_t *cache, unsigned char *out)
{
    size_t                i, n, nforced, signed_len;
    cx_str_t              binary;
    cx_siphash_state_t    mac;
    const unsigned char  *ids_hex;
    unsigned char        *p, buf[CX_COOKIE_MAX_BINARY];

    nforced = st->nforced;

    if (nforced > CX_COOKIE_MAX_FORCED) {
        nforced = CX_COOKIE_MAX_FORCED;
    }

    buf[CX_COOKIE_AT_VERSION] = CX_COOKIE_VERSION;
    buf[CX_COOKIE_AT_KEY_ID] = key->id;
    memcpy(buf + CX_COOKIE_AT_VISITOR, st->visitor, sizeof(st->visitor));
    memcpy(buf + CX_COOKIE_AT_SESSION, st->session, sizeof(st->session));
    cx_bytes_put_be32(buf + CX_COOKIE_AT_START, st->session_start);
    cx_bytes_put_be16(buf + CX_COOKIE_AT_LAST_SEEN,
                      (uint16_t) (st->last_seen_ms >> 32));
    cx_bytes_put_be32(buf + CX_COOKIE_AT_LAST_SEEN + 2,
                      (uint32_t) st->last_seen_ms);
    cx_bytes_put_be16(buf + CX_COOKIE_AT_INDEX, st->session_index);
    cx_bytes_put_be16(buf + CX_COOKIE_AT_SEQ, st->seq);
    cx_bytes_put_be32(buf + CX_COOKIE_AT_PATH_HASH, st->path_hash[0]);
    cx_bytes_put_be32(buf + CX_COOKIE_AT_PATH_HASH + 4, st->path_hash[1]);
    cx_bytes_put_be32(buf + CX_COOKIE_AT_TOUCHPOINT, st->touchpoint);
    buf[CX_COOKIE_AT_CHANNEL] = st->channel;
    buf[CX_COOKIE_AT_FLAGS] = st->flags;
    cx_bytes_put_be32(buf + CX_COOKIE_AT_CAMPAIGN, st->campaign);
    buf[CX_COOKIE_AT_EXPERIENCE] = st->experience;
    buf[CX_COOKIE_AT_REPEAT] = st->repeat;
    buf[CX_COOKIE_AT_NFORCED] = (unsigned char) nforced;

    p = buf + CX_COOKIE_AT_FORCED;

    for (i = 0; i < nforced; i++) {
        cx_bytes_put_be32(p, st->forced[i].experiment);
        cx_bytes_put_be32(p + 4, st->forced[i].variant);
        p += CX_COOKIE_FORCED_LEN;
    }

    signed_len = p - buf;

    /*
     * A session that goes on starts as the cookie that came: that much is
     * hashed and written already.
     */

    if (kept != NULL && kept->key == key
        && memcmp(buf, kept->head, CX_COOKIE_KEPT_LEN) == 0)
    {
        mac = kept->mac;
        cx_bytes_put_le64(p, cx_siphash24_resume(&mac, buf, signed_len,
                                                 CX_COOKIE_KEPT_LEN));

        memcpy(out, kept->text, CX_COOKIE_KEPT_TEXT);

        binary.data = buf + CX_COOKIE_KEPT_BYTES;
        binary.len = signed_len + CX_COOKIE_TAG_LEN - CX_COOKIE_KEPT_BYTES;

        n = CX_COOKIE_KEPT_TEXT
            + cx_base64url_encode(out + CX_COOKIE_KEPT_TEXT, binary);

        /* the same visitor and session */
        ids_hex = kept->ids_hex;

    } else {
        cx_bytes_put_le64(p, cx_siphash24_keep(key->key, buf, signed_len,
                                               CX_COOKIE_KEPT_LEN, &mac));

        binary.data = buf;
        binary.len = signed_len + CX_COOKIE_TAG_LEN;

        n = cx_base64url_encode(out, binary);

        ids_hex = NULL;
    }

    if (cache != NULL) {
        cx_cookie_remember(cache, out, n, buf, key, &mac, ids_hex);
    }

    return n;
}


cx_cookie_status_e
cx_cookie_decode(const unsigned char *text, size_t len,
    const cx_cookie_key_t *keys, size_t nkeys, uint64_t now_ms,
    const cx_cookie_cache_t *cache, cx_cookie_state_t *st,
    cx_cookie_kept_t *kept)
{
    uintptr_t                  at;
    const cx_cookie_cached_t  *cached;

    /*
     * Signed here, with one of these keys: the text is compared whole, in
     * the same time wherever it differs, so that no one learns a cached
     * cookie a byte at a time.  The entry's key is one of these if it
     * is the address of one of their elements.
     */

    if (cache != NULL && len >= 8 && len <= CX_COOKIE_LONGEST) {
        cached = &cache->entries[cx_cookie_cache_slot(text, len)];
        at = (uintptr_t) cached->kept.key - (uintptr_t) keys;

        if (at < nkeys * sizeof(cx_cookie_key_t)
            && at % sizeof(cx_cookie_key_t) == 0
            && cx_cookie_same_text(cached, text, len))
        {
            *st = cached->st;

            if (kept != NULL) {
                *kept = cached->kept;
                kept->text = text;
            }

            return cx_cookie_later(st, now_ms) ? CX_COOKIE_FUTURE
                                               : CX_COOKIE_OK;
        }
    }

    return cx_cookie_decode_text(text, len, keys, nkeys, now_ms, st, kept);
}


/* a decode without the cache */
static cx_cookie_status_e
cx_cookie_decode_text(const unsigned char *text, size_t len,
    const cx_cookie_key_t *keys, size_t nkeys, uint64_t now_ms,
    cx_cookie_state_t *st, cx_cookie_kept_t *kept)
{
    size_t              i, nforced, signed_len;
    cx_str_t            value;
    ptrdiff_t           n;
    uint64_t            tag;
    unsigned int        known, verified, match;
    cx_siphash_state_t  mac;
    unsigned char       buf[cx_base64url_decoded_length(
                                CX_COOKIE_MAX_TEXT)];

    memset(st, 0, sizeof(cx_cookie_state_t));

    if (kept != NULL) {
        kept->key = NULL;
    }

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
    tag = cx_bytes_le64(buf + signed_len);
    known = 0;
    verified = 0;

    /*
     * Ids are 8 bits of a hash and may collide: every key with it is tried.
     * The tags are compared as one word, which takes the same time wherever
     * they differ.  The state after the kept bytes costs a few stores.
     */

    for (i = 0; i < nkeys; i++) {
        if (keys[i].id != buf[CX_COOKIE_AT_KEY_ID]) {
            continue;
        }

        known = 1;
        match = cx_siphash24_keep(keys[i].key, buf, signed_len,
                                  CX_COOKIE_KEPT_LEN, &mac)
                == tag;

        if (match && kept != NULL) {
            kept->key = &keys[i];
            kept->mac = mac;
        }

        verified |= match;
    }

    if (!known) {
        return CX_COOKIE_UNKNOWN_KEY;
    }

    if (!verified) {
        return CX_COOKIE_BAD_TAG;
    }

    if (kept != NULL) {
        kept->text = text;
        memcpy(kept->head, buf, CX_COOKIE_KEPT_LEN);
        cx_cookie_ids_hex(buf, kept->ids_hex);
    }

    cx_cookie_read(buf, st);

    /* ours, as the tag proves: the caller decides what its times mean */

    if (cx_cookie_later(st, now_ms)) {
        return CX_COOKIE_FUTURE;
    }

    return CX_COOKIE_OK;
}


int
cx_cookie_ahead(const cx_cookie_state_t *st, uint64_t now_ms)
{
    return cx_cookie_later(st, now_ms);
}


/* cx_cookie_ahead(), inlined into a decode */
static inline int
cx_cookie_later(const cx_cookie_state_t *st, uint64_t now_ms)
{
    uint64_t  limit, start_ms;

    limit = now_ms + CX_COOKIE_CLOCK_SKEW;

    if (limit < now_ms) {
        limit = UINT64_MAX;
    }

    start_ms = (uint64_t) st->session_start * 1000;

    return st->last_seen_ms > limit || start_ms > limit
           || start_ms > st->last_seen_ms;
}


/*
 * Most often the header is the module's own cookie, first, its '=' right
 * after the name: the value is read at once, without the scan's setup.
 */
int
cx_cookie_find(cx_str_t header, cx_str_t name, cx_str_t *value)
{
    size_t                i;
    const unsigned char  *end, *stop;

    if (name.len != 0 && header.len > name.len
        && header.data[name.len] == '=')
    {
        for (i = 0; i < name.len && header.data[i] == name.data[i]; i++) {
            /* void */
        }

        if (i == name.len) {
            end = header.data + header.len;
            stop = memchr(header.data + i, ';', end - (header.data + i));

            cx_cookie_value(header.data + i + 1, stop ? stop : end, value);

            return 1;
        }
    }

    return cx_cookie_scan(header.data, header.data + header.len, name, value);
}


/* the pairs after the one *value is in: a value holds no ';' */
int
cx_cookie_find_next(cx_str_t header, cx_str_t name, cx_str_t *value)
{
    const unsigned char  *end, *stop;

    end = header.data + header.len;
    stop = memchr(value->data + value->len, ';',
                  end - (value->data + value->len));

    if (stop == NULL) {
        return 0;
    }

    return cx_cookie_scan(stop + 1, end, name, value);
}


/*
 * Pairs are cut at each ';' with memchr, which reads many bytes a step: a
 * cookie value is mostly one long run without ';'.  Names are short, and
 * compared in place.
 */
static int
cx_cookie_scan(const unsigned char *p, const unsigned char *end,
    cx_str_t name, cx_str_t *value)
{
    size_t                i;
    const unsigned char  *stop, *v;

    if (name.len == 0 || (size_t) (end - p) <= name.len) {
        return 0;
    }

    for ( ;; ) {
        while (p < end && cx_cookie_is_space(*p)) {
            p++;
        }

        stop = memchr(p, ';', end - p);

        if (stop == NULL) {
            stop = end;
        }

        i = 0;

        /* the pair holds the name and '=' at least */

        if ((size_t) (stop - p) > name.len) {
            while (i < name.len && p[i] == name.data[i]) {
                i++;
            }
        }

        if (i == name.len) {
            v = p + i;

            while (v < stop && cx_cookie_is_space(*v)) {
                v++;
            }

            if (v < stop && *v == '=') {
                cx_cookie_value(v + 1, stop, value);
                return 1;
            }
        }

        if (stop == end) {
            return 0;
        }

        p = stop + 1;
    }
}


/* the value of a pair from after its '=' to its end, trimmed, unquoted */
static inline void
cx_cookie_value(const unsigned char *v, const unsigned char *stop,
    cx_str_t *value)
{
    const unsigned char  *last;

    while (v < stop && cx_cookie_is_space(*v)) {
        v++;
    }

    last = stop;

    while (last > v && cx_cookie_is_space(last[-1])) {
        last--;
    }

    /* a proxy or framework may quote it, as RFC 6265 allows */

    if (last - v >= 2 && *v == '"' && last[-1] == '"') {
        v++;
        last--;
    }

    value->data = v;
    value->len = last - v;
}


/* the fields of a cookie whose length and tag were checked */
static void
cx_cookie_read(const unsigned char *buf, cx_cookie_state_t *st)
{
    size_t                i;
    const unsigned char  *p;

    st->key_id = buf[CX_COOKIE_AT_KEY_ID];
    memcpy(st->visitor, buf + CX_COOKIE_AT_VISITOR, sizeof(st->visitor));
    memcpy(st->session, buf + CX_COOKIE_AT_SESSION, sizeof(st->session));
    st->session_start = cx_bytes_be32(buf + CX_COOKIE_AT_START);
    st->last_seen_ms = (uint64_t) cx_bytes_be16(buf + CX_COOKIE_AT_LAST_SEEN)
                       << 32
                       | cx_bytes_be32(buf + CX_COOKIE_AT_LAST_SEEN + 2);
    st->session_index = cx_bytes_be16(buf + CX_COOKIE_AT_INDEX);
    st->seq = cx_bytes_be16(buf + CX_COOKIE_AT_SEQ);
    st->path_hash[0] = cx_bytes_be32(buf + CX_COOKIE_AT_PATH_HASH);
    st->path_hash[1] = cx_bytes_be32(buf + CX_COOKIE_AT_PATH_HASH + 4);
    st->touchpoint = cx_bytes_be32(buf + CX_COOKIE_AT_TOUCHPOINT);
    st->channel = buf[CX_COOKIE_AT_CHANNEL];
    st->flags = buf[CX_COOKIE_AT_FLAGS];
    st->campaign = cx_bytes_be32(buf + CX_COOKIE_AT_CAMPAIGN);
    st->experience = buf[CX_COOKIE_AT_EXPERIENCE];
    st->repeat = buf[CX_COOKIE_AT_REPEAT];
    st->nforced = buf[CX_COOKIE_AT_NFORCED];

    p = buf + CX_COOKIE_AT_FORCED;

    for (i = 0; i < st->nforced; i++) {
        st->forced[i].experiment = cx_bytes_be32(p);
        st->forced[i].variant = cx_bytes_be32(p + 4);
        p += CX_COOKIE_FORCED_LEN;
    }
}


/* a text signed here, and what a decode of it would read and keep */
static void
cx_cookie_remember(cx_cookie_cache_t *cache, const unsigned char *text,
    size_t len, const unsigned char *buf, const cx_cookie_key_t *key,
    const cx_siphash_state_t *mac, const unsigned char *ids_hex)
{
    cx_cookie_cached_t  *cached;

    cached = &cache->entries[cx_cookie_cache_slot(text, len)];

    cached->len = len;
    memcpy(cached->text, text, len);

    memset(&cached->st, 0, sizeof(cx_cookie_state_t));
    cx_cookie_read(buf, &cached->st);

    cached->kept.key = key;
    cached->kept.text = NULL;
    memcpy(cached->kept.head, buf, CX_COOKIE_KEPT_LEN);
    cached->kept.mac = *mac;

    if (ids_hex != NULL) {
        memcpy(cached->kept.ids_hex, ids_hex, CX_COOKIE_IDS_HEX_LEN);

    } else {
        cx_cookie_ids_hex(buf, cached->kept.ids_hex);
    }
}


/* the visitor's and the session's id of a cookie's bytes, in hex */
static void
cx_cookie_ids_hex(const unsigned char *buf, unsigned char *ids_hex)
{
    cx_session_hex(ids_hex, buf + CX_COOKIE_AT_VISITOR,
                   CX_COOKIE_AT_START - CX_COOKIE_AT_VISITOR);
}


/*
 * A text of at least 8 bytes ends in characters of its tag, a keyed hash
 * already: they pick the entry.
 */
static size_t
cx_cookie_cache_slot(const unsigned char *text, size_t len)
{
    return (size_t) ((cx_bytes_le64(text + len - 8) * 0x9e3779b97f4a7c15ULL)
                     >> (64 - CX_COOKIE_CACHE_BITS));
}


/*
 * A word at a time, every word, the last one overlapping, and the lengths
 * with them: nothing decides by the first difference.  8 <= len <=
 * CX_COOKIE_LONGEST, so the entry's text holds len bytes.
 */
static int
cx_cookie_same_text(const cx_cookie_cached_t *cached,
    const unsigned char *text, size_t len)
{
    size_t                i;
    uint64_t              diff;
    const unsigned char  *a;

    a = cached->text;
    diff = (uint64_t) (cached->len ^ len)
           | (cx_bytes_le64(a + len - 8) ^ cx_bytes_le64(text + len - 8));

    for (i = 0; i + 8 <= len; i += 8) {
        diff |= cx_bytes_le64(a + i) ^ cx_bytes_le64(text + i);
    }

    return diff == 0;
}
