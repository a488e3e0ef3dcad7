
/*
 * Fuzz target of the feedback beacon's body: whatever the bytes, parsing
 * stays inside its buffers and gives the same answer twice; an accepted form
 * holds only what the rules allow (checked here by rules written apart from
 * cx_beacon.c), its strings lie in scratch, a bad escape is never accepted,
 * what was accepted, encoded again, parses to the same values, and an
 * accepted value is written by the journey's writer as the same number.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cx_beacon.h"
#include "cx_json.h"


static const int64_t  scale_min[CX_SCALE_COUNT] = { 1, 0, 0, 1 };
static const int64_t  scale_max[CX_SCALE_COUNT] = { 5, 10, 1, 7 };


static void
fail(const char *what, const unsigned char *data, size_t size)
{
    fprintf(stderr, "%s: \"%.*s\"\n", what, (int) size, (const char *) data);
    abort();
}


static int
has_bad_escape(const unsigned char *p, size_t size)
{
    size_t  i;

    for (i = 0; i < size; i++) {
        if (p[i] == '%'
            && (i + 2 >= size || !strchr("0123456789abcdefABCDEF", p[i + 1])
                || !strchr("0123456789abcdefABCDEF", p[i + 2])
                || p[i + 1] == '\0' || p[i + 2] == '\0'))
        {
            return 1;
        }
    }

    return 0;
}


static int
occurs(cx_str_t s, const unsigned char *data, size_t size)
{
    size_t  i;

    for (i = 0; i + s.len <= size; i++) {
        if (memcmp(data + i, s.data, s.len) == 0) {
            return 1;
        }
    }

    return 0;
}


static int
inside(cx_str_t s, const unsigned char *buf, size_t size)
{
    return s.data >= buf && s.len <= size
           && (size_t) (s.data - buf) <= size - s.len;
}


/* present and inside scratch or the input, or absent as NULL and 0 */
static int
placed(cx_str_t s, const unsigned char *scratch, const unsigned char *data,
    size_t size)
{
    if (s.data == NULL) {
        return s.len == 0;
    }

    return s.len > 0 && (inside(s, scratch, size) || inside(s, data, size));
}


static int
only(cx_str_t s, const char *allowed, size_t max)
{
    size_t  i;

    if (s.len == 0 || s.len > max) {
        return 0;
    }

    for (i = 0; i < s.len; i++) {
        if (s.data[i] == '\0' || strchr(allowed, s.data[i]) == NULL) {
            return 0;
        }
    }

    return 1;
}


/* the number of code points of well-formed UTF-8, or -1 */
static long
utf8_length(cx_str_t s)
{
    long      count;
    size_t    i, n, k;
    uint32_t  cp;

    /* by sequence length: the lead byte's payload, the least code point */
    static const uint32_t  payload[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
    static const uint32_t  least[] = { 0, 0, 0x80, 0x800, 0x10000 };

    count = 0;

    for (i = 0; i < s.len; i += n) {

        for (n = 0; n < 5 && (s.data[i] << n & 0x80); n++) {
            /* void */
        }

        if (n == 0) {
            n = 1;

        } else if (n == 1 || n > 4) {
            return -1;
        }

        if (i + n > s.len) {
            return -1;
        }

        cp = s.data[i] & payload[n];

        for (k = 1; k < n; k++) {
            if ((s.data[i + k] & 0xc0) != 0x80) {
                return -1;
            }

            cp = cp << 6 | (s.data[i + k] & 0x3f);
        }

        if (cp < least[n] || cp > 0x10ffff
            || (cp >= 0xd800 && cp <= 0xdfff))
        {
            return -1;
        }

        count++;
    }

    return count;
}


/* -?D+(.D+)?([eE][+-]?D+)? as a regular language, one state per part */
static int
number_text(cx_str_t s)
{
    int          state;
    char         c;
    size_t       i;
    const char  *t;

    /* for each state, pairs of (character class, next state) */
    static const char  *next[] = {
        "-1D2",         /* start */
        "D2",           /* sign */
        "D2.3e5E5",     /* integer digits */
        "D4",           /* point */
        "D4e5E5",       /* fraction digits */
        "+6-6D7",       /* exponent */
        "D7",           /* exponent sign */
        "D7"            /* exponent digits */
    };

    state = 0;

    for (i = 0; i < s.len; i++) {
        c = (char) s.data[i];

        if (c >= '0' && c <= '9') {
            c = 'D';

        } else if (c == '\0' || strchr("-+.eE", c) == NULL) {
            return 0;
        }

        for (t = next[state]; *t != '\0' && *t != c; t += 2) {
            /* void */
        }

        if (*t == '\0') {
            return 0;
        }

        state = t[1] - '0';
    }

    return state == 2 || state == 4 || state == 7;
}


static int
same_host_path(cx_str_t s)
{
    size_t  i;

    if (s.len == 0 || s.len > 2048 || s.data[0] != '/'
        || (s.len > 1 && s.data[1] == '/'))
    {
        return 0;
    }

    for (i = 0; i < s.len; i++) {
        if (s.data[i] < 0x21 || s.data[i] > 0x7e || s.data[i] == '\\') {
            return 0;
        }
    }

    return 1;
}


static void
check_accepted(const cx_beacon_t *b, const unsigned char *scratch,
    const unsigned char *data, size_t size)
{
    long    n;
    char           text[80], *end;
    double         d;
    cx_json_t      json;
    unsigned char  written[48];

    if (!placed(b->comment, scratch, data, size)
        || !placed(b->touchpoint, scratch, data, size)
        || !placed(b->event, scratch, data, size)
        || !placed(b->value_text, scratch, data, size)
        || !placed(b->redirect, scratch, data, size))
    {
        fail("a string outside scratch and input", data, size);
    }

    if ((unsigned) b->scale >= CX_SCALE_COUNT) {
        fail("scale out of range", data, size);
    }

    if (b->kind == CX_BEACON_FEEDBACK) {
        if (b->score < scale_min[b->scale] || b->score > scale_max[b->scale]
            || b->event.data != NULL)
        {
            fail("feedback out of its scale", data, size);
        }

    } else if (b->kind == CX_BEACON_EVENT) {
        if (b->score != CX_NONE
            || !only(b->event, "abcdefghijklmnopqrstuvwxyz0123456789_.-", 64))
        {
            fail("bad event accepted", data, size);
        }

    } else {
        fail("unknown kind", data, size);
    }

    if (b->comment.data != NULL) {
        n = utf8_length(b->comment);

        if (n < 1 || n > 1000) {
            fail("bad comment accepted", data, size);
        }
    }

    if (b->touchpoint.data != NULL
        && !only(b->touchpoint, "abcdefghijklmnopqrstuvwxyz"
                                "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-", 64))
    {
        fail("bad touchpoint accepted", data, size);
    }

    if (b->has_value != (b->value_text.data != NULL)) {
        fail("has_value without value_text", data, size);
    }

    if (b->has_value) {
        if (b->value_text.len > 64 || !number_text(b->value_text)
            || !isfinite(b->value))
        {
            fail("bad value accepted", data, size);
        }

        memcpy(text, b->value_text.data, b->value_text.len);
        text[b->value_text.len] = '\0';
        d = strtod(text, NULL);

        if (memcmp(&d, &b->value, sizeof(double)) != 0) {
            fail("value differs from its text", data, size);
        }

        /* the journey writes it exactly: the same number, never null */

        cx_json_init(&json, written, sizeof(written) - 1);
        cx_json_number(&json, b->value, CX_BEACON_VALUE_DECIMALS);
        written[cx_json_length(&json)] = '\0';
        d = strtod((char *) written, &end);

        if (json.overflow || *end != '\0' || d != b->value) {
            fail("value not written exactly", data, size);
        }
    }

    if (b->redirect.data != NULL && !same_host_path(b->redirect)) {
        fail("bad redirect accepted", data, size);
    }
}


static int
same_string(cx_str_t a, cx_str_t b)
{
    if (a.data == NULL || b.data == NULL) {
        return a.data == b.data && a.len == b.len;
    }

    return a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
}


static int
same_beacon(const cx_beacon_t *a, const cx_beacon_t *b)
{
    return a->kind == b->kind && a->score == b->score
           && a->scale == b->scale && a->has_value == b->has_value
           && (!a->has_value
               || memcmp(&a->value, &b->value, sizeof(double)) == 0)
           && same_string(a->comment, b->comment)
           && same_string(a->touchpoint, b->touchpoint)
           && same_string(a->event, b->event)
           && same_string(a->value_text, b->value_text)
           && same_string(a->redirect, b->redirect);
}


/* the field encoded as a form would, varying the spelling with the bytes */
static unsigned char *
encode(unsigned char *p, const char *name, cx_str_t value)
{
    size_t       i;
    const char  *hex;

    if (value.data == NULL) {
        return p;
    }

    p += sprintf((char *) p, "&%s=", name);

    for (i = 0; i < value.len; i++) {
        hex = (value.data[i] & 1) ? "0123456789abcdef" : "0123456789ABCDEF";

        if (value.data[i] == ' ') {
            *p++ = '+';

        } else if (value.data[i] >= 'a' && value.data[i] <= 'z' && i % 2) {
            *p++ = value.data[i];

        } else {
            *p++ = '%';
            *p++ = hex[value.data[i] >> 4];
            *p++ = hex[value.data[i] & 0xf];
        }
    }

    return p;
}


static void
check_round_trip(const cx_beacon_t *b, const unsigned char *data, size_t size)
{
    char                score[24];
    cx_str_t            form, scale, score_text;
    cx_beacon_t         again;
    unsigned char      *buf, *p, *scratch;
    cx_beacon_status_e  rc;

    buf = malloc(3 * size + 128);
    p = buf;

    score_text.data = NULL;
    score_text.len = 0;

    if (b->kind == CX_BEACON_FEEDBACK) {
        score_text.len = sprintf(score, "%lld", (long long) b->score);
        score_text.data = (const unsigned char *) score;
    }

    scale.data = (const unsigned char *) cx_scale_name(b->scale);
    scale.len = strlen(cx_scale_name(b->scale));

    p = encode(p, "redirect", b->redirect);
    p = encode(p, "value", b->value_text);
    p = encode(p, "comment", b->comment);
    p = encode(p, "score", score_text);
    p = encode(p, "event", b->event);
    p = encode(p, "touchpoint", b->touchpoint);
    p = encode(p, "scale", scale);

    form.data = buf;
    form.len = p - buf;
    scratch = malloc(form.len);

    rc = cx_beacon_parse(form, scratch, form.len, &again);

    if (rc != CX_BEACON_OK) {
        fail(cx_beacon_reason(rc), buf, form.len);
    }

    if (!same_beacon(b, &again)) {
        fail("encoded again, parses to other values", data, size);
    }

    free(scratch);
    free(buf);
}


int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    size_t              i;
    cx_str_t            form;
    cx_beacon_t         first, second;
    unsigned char      *scratch, *other;
    cx_beacon_status_e  rc, rc2;

    form.data = data;
    form.len = size;

    /* exactly form.len bytes, so ASan sees any write past them */
    scratch = malloc(size ? size : 1);
    other = malloc(size ? size : 1);
    memset(other, 0xa5, size ? size : 1);

    rc = cx_beacon_parse(form, scratch, size, &first);
    rc2 = cx_beacon_parse(form, other, size, &second);

    if ((unsigned) rc >= CX_BEACON_REASONS
        || strcmp(cx_beacon_reason(rc), "unknown") == 0)
    {
        fail("status out of range", data, size);
    }

    if (rc != rc2) {
        fail("two parses, two answers", data, size);
    }

    if (rc == CX_BEACON_OK) {

        if (has_bad_escape(data, size)) {
            fail("a bad escape accepted", data, size);
        }

        check_accepted(&first, scratch, data, size);

        if (!same_beacon(&first, &second)) {
            fail("two parses, two beacons", data, size);
        }

        for (i = 0; i < size && data[i] != '%' && data[i] != '+'; i++) {
            /* void */
        }

        /* with nothing to decode, every value is a slice of the input */
        if (i == size
            && ((first.comment.data && !occurs(first.comment, data, size))
                || (first.event.data && !occurs(first.event, data, size))
                || (first.redirect.data
                    && !occurs(first.redirect, data, size))))
        {
            fail("a value not found in the input", data, size);
        }

        check_round_trip(&first, data, size);
    }

    free(other);
    free(scratch);

    return 0;
}
