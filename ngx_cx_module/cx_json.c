
/*
 * JSON writer: see cx_json.h.
 */


#include <string.h>
#include <math.h>

#include "cx_json.h"


static void cx_json_container_start(cx_json_t *json, unsigned char open);
static void cx_json_container_end(cx_json_t *json, unsigned char close);


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


/* the comma before a value or a member, and the member's bookkeeping */
void
cx_json_separate(cx_json_t *json)
{
    if (json->after_key) {
        json->after_key = 0;
        return;
    }

    if (json->has_member & (1u << json->depth)) {
        cx_json_put(json, ",", 1);
    }

    json->has_member |= 1u << json->depth;
}


static void
cx_json_container_start(cx_json_t *json, unsigned char open)
{
    cx_json_separate(json);
    cx_json_put(json, &open, 1);

    if (json->depth + 1 >= CX_JSON_MAX_DEPTH) {
        json->overflow = 1;
        return;
    }

    json->depth++;
    json->has_member &= ~(1u << json->depth);
}


static void
cx_json_container_end(cx_json_t *json, unsigned char close)
{
    if (json->depth == 0) {
        json->overflow = 1;
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
    int                   n, truncated;
    size_t                kept, width;
    uint32_t              cp;
    unsigned char         escape[6];
    const unsigned char  *p, *end, *run, *run_end;

    cx_json_separate(json);
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

        if (n < 0) {
            cx_json_put(json, "\xef\xbf\xbd", 3);
            p += -n;

        } else if (cp == '"' || cp == '\\') {
            escape[0] = '\\';
            escape[1] = (unsigned char) cp;
            cx_json_put(json, escape, 2);
            p++;

        } else if (cp < 0x20 || cp == 0x7f) {
            escape[0] = '\\';
            escape[1] = 'u';
            escape[2] = '0';
            escape[3] = '0';
            escape[4] = cx_json_hex[cp >> 4];
            escape[5] = cx_json_hex[cp & 0xf];
            cx_json_put(json, escape, 6);
            p++;

        } else {
            cx_json_put(json, p, n);
            p += n;
        }
    }

    cx_json_put(json, "\"", 1);

    return truncated;
}


void
cx_json_integer(cx_json_t *json, int64_t n)
{
    char      buf[24], *p;
    uint64_t  u;

    if (n == CX_NONE) {
        cx_json_null(json);
        return;
    }

    cx_json_separate(json);

    p = buf + sizeof(buf);
    u = (n < 0) ? 0 - (uint64_t) n : (uint64_t) n;

    do {
        *--p = (char) ('0' + u % 10);
        u /= 10;
    } while (u);

    if (n < 0) {
        *--p = '-';
    }

    cx_json_put(json, p, buf + sizeof(buf) - p);
}


/*
 * A fixed-point number with at most max_decimals decimals and no trailing
 * zeros.  Scaled to an integer and printed by hand: snprintf's %f costs a
 * few thousand instructions, and coordinates are on every line.
 */
void
cx_json_number(cx_json_t *json, double n, unsigned max_decimals)
{
    char      buf[48], *p, *end;
    double    scale;
    int64_t   scaled;
    uint64_t  u;
    unsigned  i, decimals;

    if (!isfinite(n) || fabs(n) > 1e9) {
        cx_json_null(json);
        return;
    }

    if (max_decimals > 9) {
        max_decimals = 9;
    }

    scale = 1;

    for (i = 0; i < max_decimals; i++) {
        scale *= 10;
    }

    /* half away from zero, as llround() would, without needing libm */
    scaled = (int64_t) (n * scale + (n < 0 ? -0.5 : 0.5));
    decimals = max_decimals;

    while (decimals && scaled % 10 == 0) {
        scaled /= 10;
        decimals--;
    }

    cx_json_separate(json);

    end = buf + sizeof(buf);
    p = end;
    u = (scaled < 0) ? 0 - (uint64_t) scaled : (uint64_t) scaled;

    /* from the right: the decimals, the point, then the whole part */

    for (i = 0; i < decimals; i++) {
        *--p = (char) ('0' + u % 10);
        u /= 10;
    }

    if (decimals) {
        *--p = '.';
    }

    do {
        *--p = (char) ('0' + u % 10);
        u /= 10;
    } while (u);

    if (scaled < 0) {
        *--p = '-';
    }

    cx_json_put(json, p, end - p);
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
