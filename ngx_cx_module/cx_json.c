
/*
 * JSON writer: see cx_json.h.
 */


#include <string.h>
#include <math.h>

#include "cx_digits.h"
#include "cx_json.h"

/*
 * Runs of plain bytes are found 16 at a time with SSE2, which every x86-64
 * has; elsewhere 8 at a time in a 64-bit word.  The unit tests run both
 * (tests-portable builds with -U__SSE2__).
 */
#if defined(__SSE2__) && defined(__GNUC__)
#define CX_JSON_SSE2  1
#include <emmintrin.h>
#endif


/* each byte's low bit and top bit, for eight bytes at once (plain8) */
#define CX_JSON_ONES  0x0101010101010101ULL
#define CX_JSON_TOPS  0x8080808080808080ULL

/* what cx_json_string() hands on stays out of it: see there */
#if defined(__GNUC__)
#define CX_JSON_NOINLINE  __attribute__((noinline))
#else
#define CX_JSON_NOINLINE
#endif


static void cx_json_container_start(cx_json_t *json, unsigned char open);
static void cx_json_container_end(cx_json_t *json, unsigned char close);
static size_t cx_json_plain_run(unsigned char *o, const unsigned char *p,
    size_t len);
static int cx_json_string_rest(cx_json_t *json, const unsigned char *s,
    size_t len, size_t cap, const unsigned char *p, unsigned char *o);
static int cx_json_string_checked(cx_json_t *json, const unsigned char *s,
    size_t len, size_t cap);
static size_t cx_json_character(const unsigned char *p, int n, uint32_t cp,
    unsigned char *out);
#if (CX_JSON_SSE2)
static unsigned cx_json_not_plain16(__m128i v);
#else
static int cx_json_plain_short(unsigned char *o, const unsigned char *p,
    size_t n);
static int cx_json_plain_word(uint64_t w);
static int cx_json_plain8(const unsigned char *p);
#endif
static unsigned char *cx_json_digits(unsigned char *end, uint64_t u);


static const char  cx_json_hex[] = "0123456789abcdef";

/* bytes copied as they are: printable ASCII but the quote and the backslash */
static const unsigned char  cx_json_plain[256] = {
    ['\x20'] = 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['\x30'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['\x40'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['\x50'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    ['\x60'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['\x70'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
};

/* 10^0 .. 10^19: counts the digits of any int64_t but INT64_MIN */
static const uint64_t  cx_json_pow10[] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
    10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
    100000000000ULL, 1000000000000ULL, 10000000000000ULL,
    100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
    100000000000000000ULL, 1000000000000000000ULL,
    10000000000000000000ULL
};



void
cx_json_init(cx_json_t *json, unsigned char *buf, size_t size)
{
    json->start = buf;
    json->pos = buf;
    json->end = buf + size;
    json->has_member = 0;
    json->depth = 0;
    json->after_key = 0;
    json->overflow = 0;
}


size_t
cx_json_length(const cx_json_t *json)
{
    return json->pos - json->start;
}


static void
cx_json_container_start(cx_json_t *json, unsigned char open)
{
    cx_json_separate(json);
    cx_json_put(json, &open, 1);

    if (json->depth + 1 >= CX_JSON_MAX_DEPTH) {
        cx_json_overflow(json);
        return;
    }

    json->depth++;
    json->has_member &= ~(1u << json->depth);
}


static void
cx_json_container_end(cx_json_t *json, unsigned char close)
{
    if (json->depth == 0) {
        cx_json_overflow(json);
        return;
    }

    json->depth--;
    cx_json_put(json, &close, 1);
}


void
cx_json_object_start(cx_json_t *json)
{
    cx_json_container_start(json, '{');
}


void
cx_json_object_end(cx_json_t *json)
{
    cx_json_container_end(json, '}');
}


void
cx_json_array_start(cx_json_t *json)
{
    cx_json_container_start(json, '[');
}


void
cx_json_array_end(cx_json_t *json)
{
    cx_json_container_end(json, ']');
}


void
cx_json_key_string(cx_json_t *json, const unsigned char *name, size_t len,
    size_t cap)
{
    (void) cx_json_string(json, name, len, cap);
    cx_json_put(json, ":", 1);
    json->after_key = 1;
}


int
cx_utf8_decode(const unsigned char *p, const unsigned char *end, uint32_t *cp)
{
    int            need, i;
    uint32_t       c;
    unsigned char  lo, hi;

    c = p[0];

    if (c < 0x80) {
        *cp = c;
        return 1;
    }

    lo = 0x80;
    hi = 0xbf;

    if (c < 0xc2) {
        return -1;

    } else if (c < 0xe0) {
        need = 1;
        c &= 0x1f;

    } else if (c < 0xf0) {
        need = 2;
        lo = (c == 0xe0) ? 0xa0 : 0x80;     /* no overlong forms */
        hi = (c == 0xed) ? 0x9f : 0xbf;     /* no surrogates */
        c &= 0x0f;

    } else if (c < 0xf5) {
        need = 3;
        lo = (c == 0xf0) ? 0x90 : 0x80;     /* no overlong forms */
        hi = (c == 0xf4) ? 0x8f : 0xbf;     /* nothing past U+10FFFF */
        c &= 0x07;

    } else {
        return -1;
    }

    for (i = 1; i <= need; i++) {
        if (p + i >= end || p[i] < lo || p[i] > hi) {
            return -i;
        }

        c = (c << 6) | (p[i] & 0x3f);
        lo = 0x80;
        hi = 0xbf;
    }

    *cp = c;

    return need + 1;
}


int
cx_json_plain_text(const unsigned char *s, size_t len)
{
    size_t  i;

#if (CX_JSON_SSE2)

    /* 16 bytes at a time, the last 16 ending where the text ends */

    if (len >= 16) {
        for (i = 0; len - i > 16; i += 16) {
            if (cx_json_not_plain16(
                    _mm_loadu_si128((const __m128i *) (s + i))))
            {
                return 0;
            }
        }

        return cx_json_not_plain16(
                   _mm_loadu_si128((const __m128i *) (s + len - 16)))
               == 0;
    }

#endif

    for (i = 0; i < len; i++) {
        if (!cx_json_plain[s[i]]) {
            return 0;
        }
    }

    return 1;
}


size_t
cx_json_string_bound(size_t len, size_t cap)
{
    /* quotes, and at worst "\u00XX" (6 bytes) for every byte kept */
    return 2 + 6 * (len < cap ? len : cap);
}


int
cx_json_string(cx_json_t *json, const unsigned char *s, size_t len,
    size_t cap)
{
    cx_json_separate(json);

    return cx_json_string_value(json, s, len, cap);
}


/*
 * When the buffer holds the most the string can take (6 bytes for each byte
 * kept, and the quotes), as it does for a record, the string is written
 * with nothing to check.  Most strings are one run of plain bytes, often a
 * short one, and it is copied here, with no call; what follows a byte that
 * is not plain is left to cx_json_string_rest().
 */
int
cx_json_string_value(cx_json_t *json, const unsigned char *s, size_t len,
    size_t cap)
{
    size_t                most, room, n;
    unsigned char        *o;
    const unsigned char  *p;

    most = len < cap ? len : cap;
    room = json->end - json->pos;

    /* below the room, most is small enough that 6 * most cannot wrap */

    if (most >= room || room < 6 * most + 2) {
        return cx_json_string_checked(json, s, len, cap);
    }

    o = json->pos;
    *o++ = '"';

    n = cx_json_plain_run(o, s, most);
    o += n;
    p = s + n;

    if (p == s + len) {
        *o++ = '"';
        json->pos = o;
        return 0;
    }

    return cx_json_string_rest(json, s, len, cap, p, o);
}


/*
 * The string from p on, o where its bytes go: a character that is not
 * plain, and the runs after it.  Out of line, so that the common case in
 * cx_json_string() needs few registers.
 */
static CX_JSON_NOINLINE int
cx_json_string_rest(cx_json_t *json, const unsigned char *s, size_t len,
    size_t cap, const unsigned char *p, unsigned char *o)
{
    int                   n, truncated;
    size_t                kept, width, run;
    uint32_t              cp;
    const unsigned char  *end;

    end = s + len;
    kept = p - s;
    truncated = 0;

    while (p < end) {
        n = cx_utf8_decode(p, end, &cp);
        width = (n > 0) ? (size_t) n : 3;

        if (kept + width > cap) {
            truncated = 1;
            break;
        }

        kept += width;
        o += cx_json_character(p, n, cp, o);
        p += (n > 0) ? n : -n;

        run = cx_json_plain_run(o, p, (size_t) (end - p) < cap - kept
                                      ? (size_t) (end - p) : cap - kept);
        o += run;
        p += run;
        kept += run;
    }

    *o++ = '"';
    json->pos = o;

    return truncated;
}


static CX_JSON_NOINLINE int
cx_json_string_checked(cx_json_t *json, const unsigned char *s, size_t len,
    size_t cap)
{
    int                   n, truncated;
    size_t                kept, width;
    uint32_t              cp;
    unsigned char         character[6];
    const unsigned char  *p, *end, *run, *run_end;

    cx_json_put(json, "\"", 1);

    p = s;
    end = s + len;
    kept = 0;
    truncated = 0;

    while (p < end) {

        /* a run of printable ASCII that needs no escape is copied at once */

        run = p;
        run_end = (size_t) (end - p) < cap - kept ? end : p + (cap - kept);

        while (p < run_end && cx_json_plain[*p]) {
            p++;
        }

        kept += p - run;
        cx_json_put(json, run, p - run);

        if (p == end) {
            break;
        }

        n = cx_utf8_decode(p, end, &cp);
        width = (n > 0) ? (size_t) n : 3;

        if (kept + width > cap) {
            truncated = 1;
            break;
        }

        kept += width;
        cx_json_put(json, character, cx_json_character(p, n, cp, character));
        p += (n > 0) ? n : -n;
    }

    cx_json_put(json, "\"", 1);

    return truncated;
}


/*
 * What stands for the character at p, decoded as n and cp: U+FFFD for an
 * invalid sequence, an escape, or the character's own bytes.  Writes at
 * most 6 bytes to out and returns their number.
 */
static size_t
cx_json_character(const unsigned char *p, int n, uint32_t cp,
    unsigned char *out)
{
    if (n < 0) {
        memcpy(out, "\xef\xbf\xbd", 3);
        return 3;
    }

    if (cp == '"' || cp == '\\') {
        out[0] = '\\';
        out[1] = (unsigned char) cp;
        return 2;
    }

    if (cp < 0x20 || cp == 0x7f) {
        out[0] = '\\';
        out[1] = 'u';
        out[2] = '0';
        out[3] = '0';
        out[4] = cx_json_hex[cp >> 4];
        out[5] = cx_json_hex[cp & 0xf];
        return 6;
    }

    memcpy(out, p, n);

    return n;
}


/*
 * Copies the plain bytes at the start of p's len to o; returns their
 * number.  It may write any of the bytes up to o + len, a plain byte's
 * place at most, as the string writers always have room for: what is past
 * the plain bytes is written again by what follows them.
 */
#if (CX_JSON_SSE2)

/*
 * 16 bytes at a time, the last few of a run as the 16 that end where it
 * ends (some of them copied again); a run shorter than 16 as two words of
 * 8 or of 4 that overlap, or, below 4, a byte at a time.  The first byte
 * that is not plain is the lowest bit of the mask.
 */
static inline size_t
cx_json_plain_run(unsigned char *o, const unsigned char *p, size_t len)
{
    size_t    n, back;
    __m128i   v, head, tail;
    unsigned  bad;
    uint32_t  head32, tail32;

    if (len >= 16) {

        for (n = 0; len - n >= 16; n += 16) {
            v = _mm_loadu_si128((const __m128i *) (p + n));
            _mm_storeu_si128((__m128i *) (o + n), v);
            bad = cx_json_not_plain16(v);

            if (bad) {
                return n + __builtin_ctz(bad);
            }
        }

        if (n == len) {
            return n;
        }

        back = 16 - (len - n);
        v = _mm_loadu_si128((const __m128i *) (p + len - 16));
        _mm_storeu_si128((__m128i *) (o + len - 16), v);
        bad = cx_json_not_plain16(v) >> back;

        return n + (bad ? (size_t) __builtin_ctz(bad) : len - n);
    }

    if (len >= 8) {
        head = _mm_loadl_epi64((const __m128i *) p);
        tail = _mm_loadl_epi64((const __m128i *) (p + len - 8));
        _mm_storel_epi64((__m128i *) o, head);
        _mm_storel_epi64((__m128i *) (o + len - 8), tail);
        bad = cx_json_not_plain16(_mm_unpacklo_epi64(head, tail));

        /* a byte of the tail that is not plain is also in the head, or
           comes after all the head's */

        if (bad & 0xff) {
            bad &= 0xff;

        } else if (bad) {
            bad = (bad >> 8) << (len - 8);
        }

    } else if (len >= 4) {
        memcpy(&head32, p, 4);
        memcpy(&tail32, p + len - 4, 4);
        memcpy(o, &head32, 4);
        memcpy(o + len - 4, &tail32, 4);
        bad = cx_json_not_plain16(
                  _mm_unpacklo_epi32(_mm_cvtsi32_si128((int) head32),
                                     _mm_cvtsi32_si128((int) tail32)));

        if (bad & 0xf) {
            bad &= 0xf;

        } else {
            bad = ((bad >> 4) & 0xf) << (len - 4);
        }

    } else {
        for (n = 0; n < len && cx_json_plain[p[n]]; n++) {
            o[n] = p[n];
        }

        return n;
    }

    return bad ? (size_t) __builtin_ctz(bad) : len;
}


/* a bit for each of the 16 bytes that is not plain (cx_json_plain) */
static inline unsigned
cx_json_not_plain16(__m128i v)
{
    __m128i  bad;

    /* signed, the bytes from 0x80 on are below the space too */

    bad = _mm_or_si128(
              _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
                           _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f))),
              _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                           _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));

    return (unsigned) _mm_movemask_epi8(bad);
}

#else

/*
 * Eight bytes are scanned and copied at a time; a run's last few are one
 * more eight-byte copy that ends where the run ends, and writes some bytes
 * again, when the run is that long.  A run shorter than 8 is checked as one
 * word first (cx_json_plain_short()).
 */
static inline size_t
cx_json_plain_run(unsigned char *o, const unsigned char *p, size_t len)
{
    size_t  n;

    if (len < 8 && cx_json_plain_short(o, p, len)) {
        return len;
    }

    for (n = 0; len - n >= 8 && cx_json_plain8(p + n); n += 8) {
        memcpy(o + n, p + n, 8);
    }

    if (n < len && len - n < 8 && len >= 8 && cx_json_plain8(p + len - 8)) {
        memcpy(o + len - 8, p + len - 8, 8);
        return len;
    }

    while (n < len && cx_json_plain[p[n]]) {
        o[n] = p[n];
        n++;
    }

    return n;
}


/*
 * Copies n bytes, fewer than 8, to o if they are all plain, and says so;
 * writes nothing otherwise.  No loop: 4 to 7 bytes are two words of 4 that
 * overlap, 1 to 3 the first, the middle and the last byte, checked as one
 * word with plain bytes (spaces) for the rest.
 */
static inline int
cx_json_plain_short(unsigned char *o, const unsigned char *p, size_t n)
{
    uint32_t  head, tail;
    uint64_t  w;

    if (n >= 4) {
        memcpy(&head, p, 4);
        memcpy(&tail, p + n - 4, 4);

        if (!cx_json_plain_word((uint64_t) head << 32 | tail)) {
            return 0;
        }

        memcpy(o, &head, 4);
        memcpy(o + n - 4, &tail, 4);
        return 1;
    }

    if (n == 0) {
        return 1;
    }

    w = CX_JSON_ONES * ' ';
    w = (w << 24) | (uint64_t) p[0] << 16 | (uint64_t) p[n / 2] << 8
        | p[n - 1];

    if (!cx_json_plain_word(w)) {
        return 0;
    }

    o[0] = p[0];
    o[n / 2] = p[n / 2];
    o[n - 1] = p[n - 1];

    return 1;
}


/*
 * Whether 8 bytes are all plain (cx_json_plain): none below 0x20, none
 * above 0x7e, no quote, no backslash.  Each term sets a byte's top bit when
 * the byte fails its test, whatever borrow or carry comes in from below;
 * without a failing byte there are no borrows or carries, and no top bit.
 * The order of the bytes in the word does not matter.
 */
static inline int
cx_json_plain_word(uint64_t w)
{
    return (((w - CX_JSON_ONES * 0x20)
             | (w + CX_JSON_ONES)
             | ((w ^ (CX_JSON_ONES * '"')) - CX_JSON_ONES)
             | ((w ^ (CX_JSON_ONES * '\\')) - CX_JSON_ONES)
             | w)
            & CX_JSON_TOPS)
           == 0;
}


static inline int
cx_json_plain8(const unsigned char *p)
{
    uint64_t  w;

    memcpy(&w, p, sizeof(w));

    return cx_json_plain_word(w);
}

#endif


void
cx_json_integer(cx_json_t *json, int64_t n)
{
    cx_json_separate(json);
    cx_json_integer_value(json, n);
}


/* the digits are counted first, then written in place, two at a time */
void
cx_json_integer_value(cx_json_t *json, int64_t n)
{
    size_t          len, digits;
    uint64_t        u;
    unsigned char  *p;

    if (n == CX_NONE) {
        cx_json_put(json, "null", 4);
        return;
    }

    /*
     * most of a record's integers are below 100, and its status has three
     * digits: no count, no loop
     */

    if ((uint64_t) n < 1000 && json->end - json->pos >= 3) {

        if (n < 10) {
            *json->pos++ = (unsigned char) ('0' + n);

        } else if (n < 100) {
            memcpy(json->pos, cx_digit_pairs + 2 * n, 2);
            json->pos += 2;

        } else {
            json->pos[0] = (unsigned char) ('0' + n / 100);
            memcpy(json->pos + 1, cx_digit_pairs + 2 * (n % 100), 2);
            json->pos += 3;
        }

        return;
    }

    u = (n < 0) ? 0 - (uint64_t) n : (uint64_t) n;

    /* CX_NONE is INT64_MIN: u < 2^63 < 10^19 ends the count */

    for (digits = 1; u >= cx_json_pow10[digits]; digits++) {
        /* void */
    }

    len = digits + (n < 0);

    if ((size_t) (json->end - json->pos) < len) {
        cx_json_overflow(json);
        return;
    }

    p = cx_json_digits(json->pos + len, u);

    if (n < 0) {
        *--p = '-';
    }

    json->pos += len;
}


/* u's decimal digits, ending at end, two a division: where they begin */
static unsigned char *
cx_json_digits(unsigned char *end, uint64_t u)
{
    uint64_t        q;
    unsigned char  *p;

    p = end;

    while (u >= 100) {
        q = u / 100;
        p -= 2;
        memcpy(p, cx_digit_pairs + 2 * (u - 100 * q), 2);
        u = q;
    }

    if (u >= 10) {
        p -= 2;
        memcpy(p, cx_digit_pairs + 2 * u, 2);

    } else {
        *--p = (unsigned char) ('0' + u);
    }

    return p;
}


void
cx_json_number(cx_json_t *json, double n, unsigned max_decimals)
{
    cx_json_separate(json);
    cx_json_number_value(json, n, max_decimals);
}


/*
 * A fixed-point number with at most max_decimals decimals and no trailing
 * zeros.  Scaled to an integer and printed by hand: snprintf's %f costs a
 * few thousand instructions, and coordinates are on every line.  The
 * decimals and the whole part are written two digits a division, as
 * integers are.
 */
void
cx_json_number_value(cx_json_t *json, double n, unsigned max_decimals)
{
    size_t          len, digits;
    int64_t         scaled;
    uint64_t        u, q, whole;
    unsigned        i, decimals;
    unsigned char  *p;

    if (!isfinite(n) || fabs(n) > 1e9) {
        cx_json_put(json, "null", 4);
        return;
    }

    if (max_decimals > 9) {
        max_decimals = 9;
    }

    /* half away from zero, as llround() would, without needing libm */
    scaled = (int64_t) (n * (double) cx_json_pow10[max_decimals]
                        + (n < 0 ? -0.5 : 0.5));
    decimals = max_decimals;

    while (decimals && scaled % 10 == 0) {
        scaled /= 10;
        decimals--;
    }

    u = (scaled < 0) ? 0 - (uint64_t) scaled : (uint64_t) scaled;
    whole = u / cx_json_pow10[decimals];

    /* counted first, as an integer's digits, then written in place */

    for (digits = 1; whole >= cx_json_pow10[digits]; digits++) {
        /* void */
    }

    len = (scaled < 0) + digits + (decimals ? decimals + 1 : 0);

    if ((size_t) (json->end - json->pos) < len) {
        cx_json_overflow(json);
        return;
    }

    p = json->pos + len;

    /* from the right: the decimals, the point, then the whole part */

    if (decimals) {
        u -= whole * cx_json_pow10[decimals];

        for (i = decimals; i >= 2; i -= 2) {
            q = u / 100;
            p -= 2;
            memcpy(p, cx_digit_pairs + 2 * (u - 100 * q), 2);
            u = q;
        }

        if (i) {
            *--p = (unsigned char) ('0' + u);
        }

        *--p = '.';
    }

    p = cx_json_digits(p, whole);

    if (scaled < 0) {
        *--p = '-';
    }

    json->pos += len;
}


void
cx_json_bool(cx_json_t *json, int b)
{
    cx_json_separate(json);

    if (b) {
        cx_json_put(json, "true", 4);

    } else {
        cx_json_put(json, "false", 5);
    }
}


void
cx_json_null(cx_json_t *json)
{
    cx_json_separate(json);
    cx_json_put(json, "null", 4);
}
