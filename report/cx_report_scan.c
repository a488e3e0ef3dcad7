
/*
 * JSON scanning: see cx_report_scan.h.
 */


#include <string.h>

#include "cx_report_scan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif


#define CX_ONES   0x0101010101010101ULL
#define CX_TOPS   0x8080808080808080ULL

#define cx_has_zero(x)      (((x) - CX_ONES) & ~(x) & CX_TOPS)
#define cx_has_below(x, n)  (((x) - CX_ONES * (n)) & ~(x) & CX_TOPS)


static int cx_scan_utf8(cx_scan_t *sc);
static int cx_scan_hex4(const unsigned char *p, unsigned *v);
static int cx_scan_escape(cx_scan_t *sc, unsigned char **o, unsigned *lone);


/* skips white space; -1 at the end of the line, where a value must come */
int
cx_scan_ws(cx_scan_t *sc)
{
    while (sc->p < sc->end) {
        switch (*sc->p) {
        case ' ':
        case '\t':
        case '\r':
        case '\n':
            sc->p++;
            continue;
        default:
            return 0;
        }
    }

    sc->error = "the line ends inside the object";
    return -1;
}


/* any value, checked and passed over */
int
cx_scan_skip(cx_scan_t *sc, unsigned depth)
{
    int            integer, rc;
    int64_t        n;
    cx_scan_str_t  s;
    unsigned char  close;

    if (depth > CX_SCAN_MAX_DEPTH) {
        sc->error = "nested too deep";
        return -1;
    }

    switch (*sc->p) {

    case '"':
        return cx_scan_string(sc, &s, 0);

    case 't':
    case 'f':
    case 'n':
        return cx_scan_keyword(sc, NULL);

    case '{':
    case '[':
        close = (*sc->p == '{') ? '}' : ']';

        rc = cx_scan_open(sc, *sc->p, close, NULL);
        if (rc != 0) {
            return rc > 0 ? 0 : -1;
        }

        for ( ;; ) {
            if (close == '}' && cx_scan_name(sc, &s, 0, "a bad member") != 0)
            {
                return -1;
            }

            if (cx_scan_ws(sc) != 0 || cx_scan_skip(sc, depth + 1) != 0) {
                return -1;
            }

            rc = cx_scan_next(sc, close, "a bad object or array");
            if (rc <= 0) {
                return rc;
            }
        }

    default:
        return cx_scan_number(sc, &n, &integer);
    }
}


int
cx_scan_open(cx_scan_t *sc, unsigned char open, unsigned char close,
    const char *error)
{
    if (*sc->p != open) {
        sc->error = error;
        return -1;
    }

    sc->p++;

    if (cx_scan_ws(sc) != 0) {
        return -1;
    }

    if (*sc->p == close) {
        sc->p++;
        return 1;
    }

    return 0;
}


int
cx_scan_name(cx_scan_t *sc, cx_scan_str_t *name, int decode,
    const char *error)
{
    if (cx_scan_ws(sc) != 0 || *sc->p != '"'
        || cx_scan_string(sc, name, decode) != 0
        || cx_scan_ws(sc) != 0 || *sc->p++ != ':')
    {
        sc->error = sc->error ? sc->error : error;
        return -1;
    }

    return 0;
}


int
cx_scan_next(cx_scan_t *sc, unsigned char close, const char *error)
{
    if (cx_scan_ws(sc) != 0) {
        return -1;
    }

    if (*sc->p == ',') {
        sc->p++;
        return 1;
    }

    if (*sc->p == close) {
        sc->p++;
        return 0;
    }

    sc->error = error;
    return -1;
}


int
cx_scan_keyword(cx_scan_t *sc, unsigned *truth)
{
    if (truth != NULL) {
        *truth = (*sc->p == 't');
    }

    switch (*sc->p) {
    case 't':
        return cx_scan_literal(sc, "true", 4);
    case 'f':
        return cx_scan_literal(sc, "false", 5);
    case 'n':
        return cx_scan_literal(sc, "null", 4);
    default:
        sc->error = "true, false or null expected";
        return -1;
    }
}


int
cx_scan_literal(cx_scan_t *sc, const char *word, size_t len)
{
    if ((size_t) (sc->end - sc->p) < len || memcmp(sc->p, word, len) != 0) {
        sc->error = "not valid JSON";
        return -1;
    }

    sc->p += len;

    return 0;
}


/* past one digit or more, NULL when there is none */
static const unsigned char *
cx_scan_digits(const unsigned char *p, const unsigned char *end)
{
    if (p == end || *p < '0' || *p > '9') {
        return NULL;
    }

    while (p < end && *p >= '0' && *p <= '9') {
        p++;
    }

    return p;
}


/*
 * A JSON number.  "integer" is set when it has neither fraction nor
 * exponent and fits in 63 bits (then *n is its value); any other number
 * is valid JSON but no integer of the report.
 */
int
cx_scan_number(cx_scan_t *sc, int64_t *n, int *integer)
{
    int                   neg, overflow;
    uint64_t              v;
    const unsigned char  *p;

    p = sc->p;
    neg = 0;
    overflow = 0;
    v = 0;
    *integer = 1;

    if (p < sc->end && *p == '-') {
        neg = 1;
        p++;
    }

    if (p == sc->end || *p < '0' || *p > '9') {
        sc->error = "not valid JSON";
        return -1;
    }

    if (*p == '0') {
        p++;

    } else {
        while (p < sc->end && *p >= '0' && *p <= '9') {
            if (v > ((uint64_t) INT64_MAX - (uint64_t) (*p - '0')) / 10) {
                overflow = 1;
            }
            v = v * 10 + (uint64_t) (*p - '0');
            p++;
        }
    }

    if (p < sc->end && *p == '.') {
        *integer = 0;

        p = cx_scan_digits(p + 1, sc->end);
        if (p == NULL) {
            sc->error = "not valid JSON";
            return -1;
        }
    }

    if (p < sc->end && (*p == 'e' || *p == 'E')) {
        *integer = 0;
        p++;

        if (p < sc->end && (*p == '+' || *p == '-')) {
            p++;
        }

        p = cx_scan_digits(p, sc->end);
        if (p == NULL) {
            sc->error = "not valid JSON";
            return -1;
        }
    }

    if (overflow) {
        *integer = 0;
        v = 0;
    }

    *n = neg ? -(int64_t) v : (int64_t) v;
    sc->p = p;

    return 0;
}


/*
 * A string from its opening quote.  With "decode" the value is given:
 * a slice of the line when it has no escape, else decoded into scratch.
 */
int
cx_scan_string(cx_scan_t *sc, cx_scan_str_t *str, int decode)
{
    uint64_t              w;
    unsigned              lone;
    const unsigned char  *start, *p;
    unsigned char        *o;
#if defined(__SSE2__)
    int                   stop;
    __m128i               v;
#endif

    sc->p++;
    start = sc->p;
    lone = 0;
    o = NULL;

    for ( ;; ) {
        p = sc->p;

#if defined(__SSE2__)
        /* sixteen bytes at a time: a signed compare below 0x20 finds the
         * control bytes and the non-ASCII ones (negative) at once */
        while (sc->end - p >= 16) {
            v = _mm_loadu_si128((const __m128i *) p);
            stop = _mm_movemask_epi8(_mm_or_si128(
                       _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                    _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                       _mm_cmplt_epi8(v, _mm_set1_epi8(0x20))));
            if (stop != 0) {
                p += __builtin_ctz((unsigned) stop);
                goto found;
            }
            p += 16;
        }
#endif

        /* eight plain bytes at a time: no quote, backslash, control or
         * non-ASCII byte among them */
        while (sc->end - p >= 8) {
            memcpy(&w, p, 8);
            if ((cx_has_zero(w ^ (CX_ONES * '"'))
                 | cx_has_zero(w ^ (CX_ONES * '\\'))
                 | cx_has_below(w, 0x20) | (w & CX_TOPS)) != 0)
            {
                break;
            }
            p += 8;
        }

        while (p < sc->end && *p >= 0x20 && *p < 0x80 && *p != '"'
               && *p != '\\')
        {
            p++;
        }

#if defined(__SSE2__)
    found:
#endif

        if (o != NULL) {
            memcpy(o, sc->p, p - sc->p);
            o += p - sc->p;
        }

        sc->p = p;

        if (p == sc->end) {
            sc->error = "a string is not closed";
            return -1;
        }

        if (*p == '"') {
            break;
        }

        if (*p < 0x20) {
            sc->error = "a control character in a string";
            return -1;
        }

        if (*p >= 0x80) {
            if (cx_scan_utf8(sc) != 0) {
                return -1;
            }

            if (o != NULL) {
                memcpy(o, p, sc->p - p);
                o += sc->p - p;
            }

            continue;
        }

        /* a backslash: from here the string is decoded into scratch */
        if (decode && o == NULL) {
            o = sc->out;
            memcpy(o, start, p - start);
            o += p - start;
        }

        if (cx_scan_escape(sc, o != NULL ? &o : NULL, &lone) != 0) {
            return -1;
        }
    }

    if (o != NULL) {
        str->s.data = sc->out;
        str->s.len = o - sc->out;
        sc->out = o;

    } else {
        str->s.data = start;
        str->s.len = sc->p - start;
    }

    str->lone = lone;
    sc->p++;

    return 0;
}


/* one UTF-8 sequence, strict as Unicode says: no overlong form, no
 * surrogate, nothing past U+10FFFF */
static int
cx_scan_utf8(cx_scan_t *sc)
{
    size_t                n, i;
    unsigned char         c, lo, hi;
    const unsigned char  *p;

    p = sc->p;
    c = *p;
    lo = 0x80;
    hi = 0xbf;

    if (c >= 0xc2 && c <= 0xdf) {
        n = 1;

    } else if (c >= 0xe0 && c <= 0xef) {
        n = 2;
        if (c == 0xe0) {
            lo = 0xa0;
        } else if (c == 0xed) {
            hi = 0x9f;
        }

    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 3;
        if (c == 0xf0) {
            lo = 0x90;
        } else if (c == 0xf4) {
            hi = 0x8f;
        }

    } else {
        sc->error = "invalid UTF-8";
        return -1;
    }

    if ((size_t) (sc->end - p) <= n) {
        sc->error = "invalid UTF-8";
        return -1;
    }

    if (p[1] < lo || p[1] > hi) {
        sc->error = "invalid UTF-8";
        return -1;
    }

    for (i = 2; i <= n; i++) {
        if (p[i] < 0x80 || p[i] > 0xbf) {
            sc->error = "invalid UTF-8";
            return -1;
        }
    }

    sc->p = p + n + 1;

    return 0;
}


static int
cx_scan_hex4(const unsigned char *p, unsigned *v)
{
    unsigned  i, d;

    *v = 0;

    for (i = 0; i < 4; i++) {
        if (p[i] >= '0' && p[i] <= '9') {
            d = p[i] - '0';

        } else if ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'f') {
            d = (p[i] | 0x20) - 'a' + 10;

        } else {
            return -1;
        }

        *v = (*v << 4) | d;
    }

    return 0;
}


/* an escape from its backslash; written decoded at *o when o is given */
static int
cx_scan_escape(cx_scan_t *sc, unsigned char **o, unsigned *lone)
{
    unsigned              cp, lo;
    unsigned char         c;
    const unsigned char  *p;

    p = sc->p;

    if (sc->end - p < 2) {
        sc->error = "a string is not closed";
        return -1;
    }

    switch (p[1]) {
    case '"':  c = '"';  break;
    case '\\': c = '\\'; break;
    case '/':  c = '/';  break;
    case 'b':  c = '\b'; break;
    case 'f':  c = '\f'; break;
    case 'n':  c = '\n'; break;
    case 'r':  c = '\r'; break;
    case 't':  c = '\t'; break;

    case 'u':
        if (sc->end - p < 6 || cx_scan_hex4(p + 2, &cp) != 0) {
            sc->error = "a bad \\u escape";
            return -1;
        }

        sc->p = p + 6;

        if (cp >= 0xd800 && cp <= 0xdbff && sc->end - sc->p >= 6
            && sc->p[0] == '\\' && sc->p[1] == 'u'
            && cx_scan_hex4(sc->p + 2, &lo) == 0
            && lo >= 0xdc00 && lo <= 0xdfff)
        {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            sc->p += 6;

        } else if (cp >= 0xd800 && cp <= 0xdfff) {
            /* valid JSON, as Python reads it, but no UTF-8 text */
            *lone = 1;
            cp = 0xfffd;
        }

        if (o == NULL) {
            return 0;
        }

        if (cp < 0x80) {
            *(*o)++ = (unsigned char) cp;

        } else if (cp < 0x800) {
            *(*o)++ = (unsigned char) (0xc0 | (cp >> 6));
            *(*o)++ = (unsigned char) (0x80 | (cp & 0x3f));

        } else if (cp < 0x10000) {
            *(*o)++ = (unsigned char) (0xe0 | (cp >> 12));
            *(*o)++ = (unsigned char) (0x80 | ((cp >> 6) & 0x3f));
            *(*o)++ = (unsigned char) (0x80 | (cp & 0x3f));

        } else {
            *(*o)++ = (unsigned char) (0xf0 | (cp >> 18));
            *(*o)++ = (unsigned char) (0x80 | ((cp >> 12) & 0x3f));
            *(*o)++ = (unsigned char) (0x80 | ((cp >> 6) & 0x3f));
            *(*o)++ = (unsigned char) (0x80 | (cp & 0x3f));
        }

        return 0;

    default:
        sc->error = "a bad escape";
        return -1;
    }

    if (o != NULL) {
        *(*o)++ = c;
    }

    sc->p = p + 2;

    return 0;
}
