
/*
 * The visitor/session cookie: everything a session needs, signed with
 * SipHash-2-4, so any node holding the same secrets continues any session
 * without shared storage.
 *
 * Wire format, big-endian: version | key id | visitor (16) | session (8) |
 * session start (4) | last seen ms (6) | session index (2) | seq (2) |
 * path hashes (2 x 4) | touchpoint (4) | channel | flags | campaign (4) |
 * experience | repeat | nforced | nforced x (experiment (4), variant (4)) |
 * SipHash-2-4 tag (8, little-endian) of every byte before it; then
 * base64url without padding.
 */


#ifndef CX_COOKIE_H
#define CX_COOKIE_H


#include "cx_siphash.h"
#include "cx_str.h"


#define CX_COOKIE_VERSION      1
#define CX_COOKIE_MAX_FORCED   4
#define CX_COOKIE_MAX_TEXT     256   /* longest cookie value accepted, bytes */
#define CX_COOKIE_CLOCK_SKEW   60000 /* ms a node's clock may run ahead */
#define CX_COOKIE_GOAL         0x01  /* flags: a goal reached this session */
#define CX_COOKIE_LOYAL        0x02  /* a goal reached in an earlier session */

/* bytes before the forced list, after it (the tag), and of one entry */
#define CX_COOKIE_HEAD_LEN     61
#define CX_COOKIE_TAG_LEN      8
#define CX_COOKIE_FORCED_LEN   8

/*
 * The head's first bytes, which a session that goes on keeps (version, key
 * id, visitor, session, session start, the top 16 bits of last seen): a
 * whole number of SipHash words, and of its first 30 bytes, a whole number
 * of base64 groups, 40 characters.
 */
#define CX_COOKIE_KEPT_LEN     32
#define CX_COOKIE_KEPT_BYTES   30
#define CX_COOKIE_KEPT_TEXT    40

/* the visitor's id and the session's in lowercase hex, one after the other */
#define CX_COOKIE_IDS_HEX_LEN  48

/* the longest cookie in bytes before base64: 101 */
#define CX_COOKIE_MAX_BINARY                                                 \
    (CX_COOKIE_HEAD_LEN + CX_COOKIE_MAX_FORCED * CX_COOKIE_FORCED_LEN        \
     + CX_COOKIE_TAG_LEN)


typedef struct {
    uint8_t        id;
    unsigned char  key[16];
} cx_cookie_key_t;

/* FNV-1a 32 hashes of the names (cx_hash.h) */
typedef struct {
    uint32_t  experiment;
    uint32_t  variant;
} cx_cookie_forced_t;

typedef struct {
    uint8_t             key_id;          /* set by decode: the key that
                                            verified it */
    unsigned char       visitor[16];
    unsigned char       session[8];
    uint32_t            session_start;   /* unix seconds */
    uint64_t            last_seen_ms;    /* unix ms of the last page view
                                            (48 bits on the wire) */
    uint16_t            session_index;   /* 1 = first session */
    uint16_t            seq;             /* page views in this session */
    uint32_t            path_hash[2];    /* FNV-1a of the last page's path,
                                            [1] the one before */
    uint32_t            touchpoint;      /* FNV-1a of the last page's
                                            touchpoint name, 0 none */
    uint8_t             channel;         /* the session's channel (an enum
                                            of the glue) */
    uint8_t             flags;           /* CX_COOKIE_GOAL, CX_COOKIE_LOYAL */
    uint32_t            campaign;        /* FNV-1a of the session's
                                            utm_campaign, 0 none */
    uint8_t             experience;      /* ratings of the last three page
                                            views, 2 bits each, newest in
                                            bits 0-1: 0 none, 1 positive,
                                            2 neutral, 3 negative */
    uint8_t             repeat;          /* page views in a row on the same
                                            touchpoint */
    uint8_t             nforced;
    cx_cookie_forced_t  forced[CX_COOKIE_MAX_FORCED];
} cx_cookie_state_t;

/*
 * What a verified cookie lends the cookie that replaces it: when both start
 * with the same CX_COOKIE_KEPT_LEN bytes under the same key, signing
 * resumes from the verification's SipHash state, and the verified text's
 * first CX_COOKIE_KEPT_TEXT characters are the new text's.  The head holds
 * the visitor and the session: their hex, which every page view writes,
 * is kept with it, and made again only for a head that changed.
 */
typedef struct {
    const cx_cookie_key_t  *key;         /* the key that verified it, NULL
                                            for none */
    const unsigned char    *text;        /* the verified cookie's text */
    unsigned char           head[CX_COOKIE_KEPT_LEN];
    cx_siphash_state_t      mac;         /* SipHash after head, under key */
    unsigned char           ids_hex[CX_COOKIE_IDS_HEX_LEN];
                                         /* visitor and session, as
                                            cx_session_hex() writes them */
} cx_cookie_kept_t;

/*
 * The cookies a process signed last, by a hash of their text: the same
 * text sent back (the next page view, the page's assets and API calls)
 * is known again by comparing it, not decoding and verifying it.  A text
 * equal to one signed here with a key of the list is exactly what a
 * verification with that key would accept.
 */
#define CX_COOKIE_CACHE_BITS   10
#define CX_COOKIE_CACHE_SIZE   (1 << CX_COOKIE_CACHE_BITS)
/* the longest text encode writes: the largest binary, in base64url */
#define CX_COOKIE_LONGEST      ((CX_COOKIE_MAX_BINARY * 4 + 2) / 3)

typedef struct {
    size_t              len;         /* 0: empty */
    unsigned char       text[CX_COOKIE_LONGEST];
    cx_cookie_state_t   st;          /* as a decode of it reads it */
    cx_cookie_kept_t    kept;        /* as a decode keeps it, text NULL */
} cx_cookie_cached_t;

typedef struct {
    cx_cookie_cached_t  entries[CX_COOKIE_CACHE_SIZE];
} cx_cookie_cache_t;

typedef enum {
    CX_COOKIE_OK = 0,
    CX_COOKIE_TOO_LONG,
    CX_COOKIE_BAD_BASE64,
    CX_COOKIE_BAD_LENGTH,
    CX_COOKIE_BAD_VERSION,
    CX_COOKIE_UNKNOWN_KEY,
    CX_COOKIE_BAD_TAG,
    CX_COOKIE_FUTURE,
    CX_COOKIE_REASONS
} cx_cookie_status_e;


/* "ok", "too_long", ... "future": the metric label of a status */
const char *cx_cookie_status_name(cx_cookie_status_e s);

/*
 * The key of a secret file's whole content: the first 16 bytes of
 * SHA-256("ngx_cx_module cookie key v1\n" || secret), with an id taken from
 * the key itself, so that a list of secrets rotates in any order.
 */
void cx_cookie_key_derive(const unsigned char *secret, size_t len,
    cx_cookie_key_t *key);

/* a key for one UTC day (days since the epoch), for cookieless sessions */
void cx_cookie_key_daily(const cx_cookie_key_t *key, int64_t day,
    unsigned char out[16]);

/* the key of the session ids that follow a cookie's session (cx_session.h) */
void cx_cookie_key_session(const cx_cookie_key_t *key, unsigned char out[16]);

/*
 * Writes the signed cookie value (at most CX_COOKIE_MAX_TEXT bytes) and
 * returns its length.  The key id written is key->id, not st->key_id; at most
 * CX_COOKIE_MAX_FORCED forced entries and the low 48 bits of last_seen_ms
 * are kept.  kept, if not NULL, is what a decode left (cx_cookie_kept_t):
 * the text is the same with it or without it, only cheaper.  cache, if not
 * NULL, remembers the text.
 */
size_t cx_cookie_encode(const cx_cookie_state_t *st,
    const cx_cookie_key_t *key, const cx_cookie_kept_t *kept,
    cx_cookie_cache_t *cache, unsigned char *out);

/*
 * Verifies a cookie value against the keys and reads it into *st, which is
 * left all zero unless the tag verified: CX_COOKIE_OK, or CX_COOKIE_FUTURE
 * for a cookie of ours whose times are ahead (cx_cookie_ahead()), which
 * another node with a clock ahead of ours may have signed.  kept, if not
 * NULL, is filled for the encoding of a successor (its key NULL unless the
 * tag verified); it points into text, which must outlive it.  cache, if
 * not NULL, is one that encodes filled: a text found in it, signed with a
 * key of keys (the same elements), is not decoded again, and the answer is
 * the same.
 */
cx_cookie_status_e cx_cookie_decode(const unsigned char *text, size_t len,
    const cx_cookie_key_t *keys, size_t nkeys, uint64_t now_ms,
    const cx_cookie_cache_t *cache, cx_cookie_state_t *st,
    cx_cookie_kept_t *kept);

/*
 * 1 if a cookie's times are later than now_ms plus CX_COOKIE_CLOCK_SKEW, or
 * its session starts after its last page view: they mean nothing here.
 */
int cx_cookie_ahead(const cx_cookie_state_t *st, uint64_t now_ms);

/*
 * Finds the first "name=value" pair of one Cookie header value, for nginx
 * keeps each Cookie header apart.  Pairs are separated by ';' (not ','),
 * spaces and tabs around names and values are ignored, and names compare
 * byte for byte, as browsers keep them (RFC 6265): "CX" is not "cx".  The
 * name is a token, as cx_cookie allows.  A value in a matched pair of
 * double quotes (cx="...", RFC 6265's cookie-value) is the text between
 * them; a quote without its pair is part of the value.  Returns 1 with
 * *value pointing into the header, or 0.
 */
int cx_cookie_find(cx_str_t header, cx_str_t name, cx_str_t *value);

/*
 * Finds the next pair of the name after *value, which a find of the same
 * header set: a browser sends one pair per path and domain that match, the
 * most specific first.  Returns 1 with the next value in *value, or 0 and
 * *value unchanged.
 */
int cx_cookie_find_next(cx_str_t header, cx_str_t name, cx_str_t *value);


#endif /* CX_COOKIE_H */
