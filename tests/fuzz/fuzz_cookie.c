
/*
 * Fuzz target of the cookie decoder.  The first byte picks a mode:
 *
 * even: the rest is a cookie value from a client.  Decoding never accepts it
 * (nor reads it as one of ours from a clock ahead) unless signing what it
 * read reproduces it byte for byte (so only a holder of the key can make an
 * accepted cookie), and leaves the state zeroed when it refuses it.
 *
 * odd: the next bytes fill a state, which is signed and must round-trip;
 * each 4 bytes after them describe one change to the signed value (a bit
 * flip, a cut, bytes added or inserted, another key id, a replaced
 * character, a flip inside the decoded bytes), and every changed value must
 * be refused; and one change to the state, whose value signed with what
 * the decode kept (cx_cookie_kept_t) must be the value signed without it.
 *
 * Both modes decode with and without a cache of the cookies signed so far
 * (cx_cookie_cache_t), which every valid state signs into: the answers must
 * be the same.
 */


#include <stdlib.h>
#include <string.h>

#include "cx_base64.h"
#include "cx_cookie.h"


/* what a state takes from the input: its fields, then the signing key */
#define STATE_BYTES   (16 + 8 + 4 + 6 + 2 + 2 + 8 + 4 + 1 + 1 + 4 + 1 + 1 \
                       + 1 + CX_COOKIE_MAX_FORCED * 8 + 1)
#define CHANGE_BYTES  4
#define TEXT_ROOM     (CX_COOKIE_MAX_TEXT + 64)


typedef struct {
    unsigned char  text[TEXT_ROOM];
    size_t         len;
} cookie_text_t;


static void keys_init(void);
static uint64_t take(const unsigned char **p, size_t len);
static void check_client_value(const unsigned char *data, size_t size);
static void check_changes(const unsigned char *data, size_t size);
static void check_kept(const cx_cookie_state_t *st,
    const cx_cookie_kept_t *kept, const unsigned char *spec);
static void state_from_bytes(const unsigned char *p, cx_cookie_state_t *st);
static int change(const cookie_text_t *valid, const unsigned char *spec,
    cookie_text_t *out);
static void assert_refused(const cookie_text_t *valid,
    const cookie_text_t *changed);
static int state_is_zero(const cx_cookie_state_t *st);
static int same_state(const cx_cookie_state_t *a, const cx_cookie_state_t *b);
static cx_cookie_status_e decode_both(const unsigned char *text, size_t len,
    cx_cookie_state_t *st, cx_cookie_kept_t *kept);


static cx_cookie_key_t     keys[3];
static int                 keys_ready;
static cx_cookie_cache_t  *cache;


int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (!keys_ready) {
        keys_init();
    }

    if (size == 0) {
        return 0;
    }

    if (data[0] % 2 == 0) {
        check_client_value(data + 1, size - 1);

    } else {
        check_changes(data + 1, size - 1);
    }

    return 0;
}


/* two rotated keys, a third sharing the first one's id, and the cache */
static void
keys_init(void)
{
    static const char  a[] = "fuzz secret number one, 32 bytes";
    static const char  b[] = "fuzz secret number two, 32 bytes";

    cx_cookie_key_derive((const unsigned char *) a, sizeof(a) - 1, &keys[0]);
    cx_cookie_key_derive((const unsigned char *) b, sizeof(b) - 1, &keys[1]);
    keys[2] = keys[0];
    keys[2].key[7] ^= 0x5a;
    keys_ready = 1;

    cache = calloc(1, sizeof(cx_cookie_cache_t));

    if (cache == NULL) {
        abort();
    }
}


static void
check_client_value(const unsigned char *data, size_t size)
{
    size_t              i, n;
    cx_cookie_kept_t    kept;
    cx_cookie_state_t   st;
    cx_cookie_status_e  rc;
    unsigned char       again[CX_COOKIE_MAX_TEXT];

    rc = decode_both(data, size, &st, &kept);

    if ((unsigned) rc >= CX_COOKIE_REASONS) {
        abort();
    }

    if (rc != CX_COOKIE_OK && rc != CX_COOKIE_FUTURE) {
        if (!state_is_zero(&st) || kept.key != NULL) {
            abort();
        }

        return;
    }

    /* what was kept signs it again as it came, from the text itself */

    if (kept.key == NULL || kept.text != data
        || cx_cookie_encode(&st, kept.key, &kept, NULL, again) != size
        || memcmp(again, data, size) != 0)
    {
        abort();
    }

    for (i = 0; i < 3; i++) {
        if (keys[i].id != st.key_id) {
            continue;
        }

        n = cx_cookie_encode(&st, &keys[i], NULL, NULL, again);

        if (n == size && memcmp(again, data, size) == 0) {
            return;
        }
    }

    abort();
}


static void
check_changes(const unsigned char *data, size_t size)
{
    size_t                  n;
    cookie_text_t           valid, changed;
    cx_cookie_kept_t        kept;
    cx_cookie_state_t       st, got;
    unsigned char           state_bytes[STATE_BYTES];
    const cx_cookie_key_t  *key;

    memset(state_bytes, 0, sizeof(state_bytes));
    n = size < STATE_BYTES ? size : STATE_BYTES;
    memcpy(state_bytes, data, n);
    data += n;
    size -= n;

    state_from_bytes(state_bytes, &st);
    key = &keys[state_bytes[STATE_BYTES - 1] % 2];
    st.key_id = key->id;

    valid.len = cx_cookie_encode(&st, key, NULL, cache, valid.text);

    if (valid.len > CX_COOKIE_MAX_TEXT) {
        abort();
    }

    if (decode_both(valid.text, valid.len, &got, &kept) != CX_COOKIE_OK
        || !same_state(&st, &got)
        || kept.key != key)
    {
        abort();
    }

    if (size >= CHANGE_BYTES) {
        check_kept(&got, &kept, data);
    }

    for ( /* void */ ; size >= CHANGE_BYTES;
         data += CHANGE_BYTES, size -= CHANGE_BYTES)
    {
        if (change(&valid, data, &changed)) {
            assert_refused(&valid, &changed);
        }
    }
}


/*
 * A successor of the state: spec[0] picks a field, spec[1..3] its change,
 * and the key that signs it; mostly one outside the kept head, as a page
 * view of a session that goes on changes.
 */
static void
check_kept(const cx_cookie_state_t *st, const cx_cookie_kept_t *kept,
    const unsigned char *spec)
{
    size_t                  n;
    uint32_t                v;
    cx_cookie_state_t       next;
    const cx_cookie_key_t  *key;
    unsigned char           plain[CX_COOKIE_MAX_TEXT];
    unsigned char           resumed[CX_COOKIE_MAX_TEXT];

    next = *st;
    v = (uint32_t) spec[1] << 16 | (uint32_t) spec[2] << 8 | spec[3];
    key = &keys[spec[0] / 16 % 3];

    switch (spec[0] % 16) {

    case 0:
        next.visitor[v % 16] ^= (unsigned char) (v >> 8);
        break;

    case 1:
        next.session[v % 8] ^= (unsigned char) (v >> 8);
        break;

    case 2:
        next.session_start += v;
        break;

    case 3:
        next.last_seen_ms += (uint64_t) v << 24;
        break;

    case 4:
        next.nforced = (uint8_t) (v % (CX_COOKIE_MAX_FORCED + 1));
        break;

    case 5:
        next.seq += (uint16_t) v;
        next.session_index += (uint16_t) (v >> 16);
        break;

    case 6:
        next.path_hash[1] = next.path_hash[0];
        next.path_hash[0] = v;
        break;

    case 7:
        next.touchpoint = v;
        next.campaign = v * 31;
        break;

    case 8:
        next.channel = (uint8_t) v;
        next.flags = (uint8_t) (v >> 8);
        next.experience = (uint8_t) (v >> 16);
        break;

    case 9:
        next.forced[v % CX_COOKIE_MAX_FORCED].variant = v;
        break;

    default:
        next.last_seen_ms += v;
        break;
    }

    n = cx_cookie_encode(&next, key, NULL, NULL, plain);

    if (cx_cookie_encode(&next, key, kept, NULL, resumed) != n
        || memcmp(resumed, plain, n) != 0)
    {
        abort();
    }
}


static void
state_from_bytes(const unsigned char *p, cx_cookie_state_t *st)
{
    size_t  i;

    memset(st, 0, sizeof(cx_cookie_state_t));
    memcpy(st->visitor, p, sizeof(st->visitor));
    p += sizeof(st->visitor);
    memcpy(st->session, p, sizeof(st->session));
    p += sizeof(st->session);
    st->session_start = (uint32_t) take(&p, 4);
    st->last_seen_ms = take(&p, 6);
    st->session_index = (uint16_t) take(&p, 2);
    st->seq = (uint16_t) take(&p, 2);
    st->path_hash[0] = (uint32_t) take(&p, 4);
    st->path_hash[1] = (uint32_t) take(&p, 4);
    st->touchpoint = (uint32_t) take(&p, 4);
    st->channel = (uint8_t) take(&p, 1);
    st->flags = (uint8_t) take(&p, 1);
    st->campaign = (uint32_t) take(&p, 4);
    st->experience = (uint8_t) take(&p, 1);
    st->repeat = (uint8_t) take(&p, 1);
    st->nforced = (uint8_t) (take(&p, 1) % (CX_COOKIE_MAX_FORCED + 1));

    for (i = 0; i < CX_COOKIE_MAX_FORCED; i++) {
        st->forced[i].experiment = (uint32_t) take(&p, 4);
        st->forced[i].variant = (uint32_t) take(&p, 4);

        if (i >= st->nforced) {
            st->forced[i].experiment = 0;
            st->forced[i].variant = 0;
        }
    }

    /* a valid cookie's session starts at or before its last page view */
    if ((uint64_t) st->session_start * 1000 > st->last_seen_ms) {
        st->last_seen_ms = (uint64_t) st->session_start * 1000;
    }
}


static uint64_t
take(const unsigned char **p, size_t len)
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


/*
 * spec[0] picks the change, spec[1..2] a position, spec[3] a value.
 * Returns 0 when this spec changes nothing.
 */
static int
change(const cookie_text_t *valid, const unsigned char *spec,
    cookie_text_t *out)
{
    size_t         at, i, n;
    cx_str_t       s;
    ptrdiff_t      len;
    unsigned char  bytes[CX_COOKIE_MAX_BINARY];

    *out = *valid;
    at = ((size_t) spec[1] << 8 | spec[2]) % valid->len;

    switch (spec[0] % 7) {

    case 0:
        out->text[at] ^= (unsigned char) (1u << (spec[3] % 8));
        return 1;

    case 1:
        out->len = at;
        return 1;

    case 2:
        n = 1 + spec[3] % (TEXT_ROOM - valid->len);

        for (i = 0; i < n; i++) {
            out->text[valid->len + i] = (unsigned char) (spec[1] + 7 * i);
        }

        out->len = valid->len + n;
        return 1;

    case 3:
        memmove(out->text + at + 1, out->text + at, valid->len - at);
        out->text[at] = spec[3];
        out->len = valid->len + 1;
        return 1;

    case 4:
        out->text[at] = spec[3];
        return spec[3] != valid->text[at];

    default:
        s.data = valid->text;
        s.len = valid->len;
        len = cx_base64url_decode(bytes, s);

        if (len <= 1 || len > CX_COOKIE_MAX_BINARY) {
            abort();
        }

        if (spec[0] % 7 == 5) {
            /* the key id byte: the other key's, or any other value */
            bytes[1] = spec[3] % 2 ? keys[bytes[1] == keys[0].id].id
                                   : (unsigned char) (bytes[1] + 1
                                                      + spec[3] % 255);

        } else {
            bytes[at % len] ^= (unsigned char) (1u << (spec[3] % 8));
        }

        s.data = bytes;
        s.len = len;
        out->len = cx_base64url_encode(out->text, s);
        return 1;
    }
}


static void
assert_refused(const cookie_text_t *valid, const cookie_text_t *changed)
{
    cx_cookie_state_t   st;
    cx_cookie_status_e  rc;

    if (changed->len == valid->len
        && memcmp(changed->text, valid->text, valid->len) == 0)
    {
        return;
    }

    rc = decode_both(changed->text, changed->len, &st, NULL);

    if (rc == CX_COOKIE_OK || rc == CX_COOKIE_FUTURE || !state_is_zero(&st))
    {
        abort();
    }
}


static int
state_is_zero(const cx_cookie_state_t *st)
{
    size_t                i;
    const unsigned char  *p;

    p = (const unsigned char *) st;

    for (i = 0; i < sizeof(cx_cookie_state_t); i++) {
        if (p[i] != 0) {
            return 0;
        }
    }

    return 1;
}


static int
same_state(const cx_cookie_state_t *a, const cx_cookie_state_t *b)
{
    size_t  i;

    if (a->key_id != b->key_id
        || memcmp(a->visitor, b->visitor, sizeof(a->visitor)) != 0
        || memcmp(a->session, b->session, sizeof(a->session)) != 0
        || a->session_start != b->session_start
        || a->last_seen_ms != b->last_seen_ms
        || a->session_index != b->session_index
        || a->seq != b->seq
        || a->path_hash[0] != b->path_hash[0]
        || a->path_hash[1] != b->path_hash[1]
        || a->touchpoint != b->touchpoint
        || a->channel != b->channel
        || a->flags != b->flags
        || a->campaign != b->campaign
        || a->experience != b->experience
        || a->repeat != b->repeat
        || a->nforced != b->nforced)
    {
        return 0;
    }

    for (i = 0; i < a->nforced; i++) {
        if (a->forced[i].experiment != b->forced[i].experiment
            || a->forced[i].variant != b->forced[i].variant)
        {
            return 0;
        }
    }

    return 1;
}


/* the hex of a state's visitor and session, a byte at a time */
static int
ids_hex_is(const unsigned char *hex, const cx_cookie_state_t *st)
{
    size_t         i;
    unsigned char  ids[24];

    memcpy(ids, st->visitor, 16);
    memcpy(ids + 16, st->session, 8);

    for (i = 0; i < sizeof(ids); i++) {
        if (hex[2 * i] != "0123456789abcdef"[ids[i] >> 4]
            || hex[2 * i + 1] != "0123456789abcdef"[ids[i] & 0x0f])
        {
            return 0;
        }
    }

    return 1;
}


/* a decode with the cache and one without: the same answer, or abort() */
static cx_cookie_status_e
decode_both(const unsigned char *text, size_t len, cx_cookie_state_t *st,
    cx_cookie_kept_t *kept)
{
    cx_cookie_kept_t    k1, k2;
    cx_cookie_state_t   st2;
    cx_cookie_status_e  rc;

    memset(&k1, 0x5a, sizeof(k1));
    memset(&k2, 0xa5, sizeof(k2));
    memset(&st2, 0xa5, sizeof(st2));

    rc = cx_cookie_decode(text, len, keys, 3, UINT64_MAX, NULL, st, &k1);

    if (cx_cookie_decode(text, len, keys, 3, UINT64_MAX, cache, &st2, &k2)
        != rc
        || memcmp(st, &st2, sizeof(st2)) != 0
        || k1.key != k2.key
        || (k1.key != NULL
            && (k1.text != k2.text
                || memcmp(k1.head, k2.head, sizeof(k1.head)) != 0
                || memcmp(&k1.mac, &k2.mac, sizeof(k1.mac)) != 0
                || memcmp(k1.ids_hex, k2.ids_hex, sizeof(k1.ids_hex)) != 0
                || !ids_hex_is(k1.ids_hex, st))))
    {
        abort();
    }

    if (kept != NULL) {
        *kept = k1;
    }

    return rc;
}
