
/*
 * Feedback beacon body: see cx_beacon.h.
 */


#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cx_beacon.h"
#include "cx_json.h"
#include "cx_url.h"


typedef enum {
    CX_BEACON_FIELD_SCORE = 0,
    CX_BEACON_FIELD_SCALE,
    CX_BEACON_FIELD_COMMENT,
    CX_BEACON_FIELD_TOUCHPOINT,
    CX_BEACON_FIELD_EVENT,
    CX_BEACON_FIELD_VALUE,
    CX_BEACON_FIELD_REDIRECT,
    CX_BEACON_FIELDS
} cx_beacon_field_e;


typedef struct {
    int64_t  min;
    int64_t  max;
} cx_beacon_range_t;


static cx_beacon_status_e cx_beacon_collect(cx_str_t form,
    unsigned char *scratch, cx_str_t *fields);
static int cx_beacon_escapes_valid(cx_str_t s);
static int cx_beacon_hex_digit(unsigned char c);
static int cx_beacon_field(cx_str_t name, unsigned char *buf);
static cx_beacon_status_e cx_beacon_check(const cx_str_t *fields,
    cx_beacon_t *out);
static int cx_beacon_scale(cx_str_t s, cx_scale_e *scale);
static int cx_beacon_score(cx_str_t s, cx_scale_e scale, int64_t *score);
static int cx_beacon_comment_valid(cx_str_t s);
static int cx_beacon_name_valid(cx_str_t s, int (*allowed)(unsigned char c));
static int cx_beacon_event_char(unsigned char c);
static int cx_beacon_touchpoint_char(unsigned char c);
static int cx_beacon_value(cx_str_t s, double *value);
static int cx_beacon_value_exact(const unsigned char *whole, size_t nwhole,
    const unsigned char *fraction, size_t nfraction, int64_t exponent);
static size_t cx_beacon_digits(const unsigned char *p,
    const unsigned char *end);
static int cx_beacon_redirect_valid(cx_str_t s);


/* in cx_beacon_field_e's order */
static const cx_str_t  cx_beacon_field_names[CX_BEACON_FIELDS] = {
    cx_string("score"),
    cx_string("scale"),
    cx_string("comment"),
    cx_string("touchpoint"),
    cx_string("event"),
    cx_string("value"),
    cx_string("redirect")
};


static const char  *cx_beacon_reasons[CX_BEACON_REASONS] = {
    "ok",
    "bad_encoding",
    "duplicate_field",
    "missing_score",
    "bad_score",
    "bad_scale",
    "bad_comment",
    "bad_touchpoint",
    "bad_event",
    "bad_value",
    "bad_redirect",
    "ambiguous"
};


static const char  *cx_beacon_messages[CX_BEACON_REASONS] = {
    "feedback accepted",
    "the form is not urlencoded: a '%' needs two hex digits",
    "a field was sent twice",
    "a score or an event is required",
    "score must be an integer within the scale",
    "scale must be csat, nps, thumbs or ces",
    "comment must be UTF-8 text of at most 1000 characters",
    "touchpoint is not a known touchpoint name",
    "event must be 1 to 64 characters of a-z, 0-9, '_', '.', '-'",
    "value must be a decimal number within +-1000000000, "
    "with at most 6 decimals",
    "redirect must be a path on this site",
    "send a score or an event, not both"
};


static const char  *cx_scale_names[CX_SCALE_COUNT] = {
    "csat",
    "nps",
    "thumbs",
    "ces"
};


static const cx_beacon_range_t  cx_beacon_ranges[CX_SCALE_COUNT] = {
    { 1, 5 },
    { 0, 10 },
    { 0, 1 },
    { 1, 7 }
};


const char *
cx_beacon_reason(cx_beacon_status_e s)
{
    return ((unsigned) s < CX_BEACON_REASONS) ? cx_beacon_reasons[s]
                                               : "unknown";
}


const char *
cx_beacon_message(cx_beacon_status_e s)
{
    return ((unsigned) s < CX_BEACON_REASONS) ? cx_beacon_messages[s]
                                               : "unknown";
}


const char *
cx_scale_name(cx_scale_e s)
{
    return ((unsigned) s < CX_SCALE_COUNT) ? cx_scale_names[s] : "unknown";
}


cx_beacon_status_e
cx_beacon_parse(cx_str_t form, unsigned char *scratch, size_t scratch_size,
    cx_beacon_t *out)
{
    cx_str_t            fields[CX_BEACON_FIELDS];
    cx_beacon_status_e  rc;

    memset(out, 0, sizeof(cx_beacon_t));
    out->score = CX_NONE;

    if (scratch_size < form.len) {
        return CX_BEACON_BAD_ENCODING;
    }

    memset(fields, 0, sizeof(fields));

    rc = cx_beacon_collect(form, scratch, fields);

    if (rc != CX_BEACON_OK) {
        return rc;
    }

    return cx_beacon_check(fields, out);
}


/*
 * Splits the form into fields and decodes the known ones into scratch, one
 * after another.  Each decoded name and value is no longer than its encoded
 * form, so the writes stay within form.len bytes of scratch.
 */
static cx_beacon_status_e
cx_beacon_collect(cx_str_t form, unsigned char *scratch, cx_str_t *fields)
{
    int                   field;
    size_t                len;
    unsigned              seen;
    cx_str_t              name, value;
    unsigned char        *pos;
    const unsigned char  *p, *end, *amp, *eq;

    if (form.len == 0) {
        return CX_BEACON_OK;
    }

    seen = 0;
    pos = scratch;
    p = form.data;
    end = form.data + form.len;

    while (p < end) {
        amp = memchr(p, '&', end - p);

        if (amp == NULL) {
            amp = end;
        }

        eq = memchr(p, '=', amp - p);

        name.data = p;
        name.len = (eq ? eq : amp) - p;
        value.data = eq ? eq + 1 : amp;
        value.len = amp - value.data;

        p = (amp < end) ? amp + 1 : end;

        if (!cx_beacon_escapes_valid(name) || !cx_beacon_escapes_valid(value)) {
            return CX_BEACON_BAD_ENCODING;
        }

        field = cx_beacon_field(name, pos);

        if (field < 0) {
            continue;
        }

        if (seen & (1u << field)) {
            return CX_BEACON_DUPLICATE_FIELD;
        }

        seen |= 1u << field;

        len = cx_url_decode(pos, value, 1);

        if (len > 0) {
            fields[field].data = pos;
            fields[field].len = len;
            pos += len;
        }
    }

    return CX_BEACON_OK;
}


/* cx_url_decode() keeps a bad escape as it is: this is where it is refused */
static int
cx_beacon_escapes_valid(cx_str_t s)
{
    size_t  i;

    for (i = 0; i < s.len; i++) {

        if (s.data[i] != '%') {
            continue;
        }

        if (s.len - i < 3
            || !cx_beacon_hex_digit(s.data[i + 1])
            || !cx_beacon_hex_digit(s.data[i + 2]))
        {
            return 0;
        }

        i += 2;
    }

    return 1;
}


static int
cx_beacon_hex_digit(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
           || (c >= 'A' && c <= 'F');
}


/* the known field the name decodes to (buf receives it), or -1 */
static int
cx_beacon_field(cx_str_t name, unsigned char *buf)
{
    int     i;
    size_t  len;

    len = cx_url_decode(buf, name, 1);

    for (i = 0; i < CX_BEACON_FIELDS; i++) {
        if (len == cx_beacon_field_names[i].len
            && memcmp(buf, cx_beacon_field_names[i].data, len) == 0)
        {
            return i;
        }
    }

    return -1;
}


static cx_beacon_status_e
cx_beacon_check(const cx_str_t *fields, cx_beacon_t *out)
{
    const cx_str_t  *score, *event, *comment, *touchpoint, *value, *redirect;

    score = &fields[CX_BEACON_FIELD_SCORE];
    event = &fields[CX_BEACON_FIELD_EVENT];
    comment = &fields[CX_BEACON_FIELD_COMMENT];
    touchpoint = &fields[CX_BEACON_FIELD_TOUCHPOINT];
    value = &fields[CX_BEACON_FIELD_VALUE];
    redirect = &fields[CX_BEACON_FIELD_REDIRECT];

    if (score->data != NULL && event->data != NULL) {
        return CX_BEACON_AMBIGUOUS;
    }

    if (score->data == NULL && event->data == NULL) {
        return CX_BEACON_MISSING_SCORE;
    }

    if (!cx_beacon_scale(fields[CX_BEACON_FIELD_SCALE], &out->scale)) {
        return CX_BEACON_BAD_SCALE;
    }

    if (score->data != NULL
        && !cx_beacon_score(*score, out->scale, &out->score))
    {
        return CX_BEACON_BAD_SCORE;
    }

    if (comment->data != NULL && !cx_beacon_comment_valid(*comment)) {
        return CX_BEACON_BAD_COMMENT;
    }

    if (touchpoint->data != NULL
        && !cx_beacon_name_valid(*touchpoint, cx_beacon_touchpoint_char))
    {
        return CX_BEACON_BAD_TOUCHPOINT;
    }

    if (event->data != NULL
        && !cx_beacon_name_valid(*event, cx_beacon_event_char))
    {
        return CX_BEACON_BAD_EVENT;
    }

    if (value->data != NULL && !cx_beacon_value(*value, &out->value)) {
        return CX_BEACON_BAD_VALUE;
    }

    if (redirect->data != NULL && !cx_beacon_redirect_valid(*redirect)) {
        return CX_BEACON_BAD_REDIRECT;
    }

    out->kind = (score->data != NULL) ? CX_BEACON_FEEDBACK : CX_BEACON_EVENT;
    out->comment = *comment;
    out->touchpoint = *touchpoint;
    out->event = *event;
    out->value_text = *value;
    out->has_value = (value->data != NULL);
    out->redirect = *redirect;

    return CX_BEACON_OK;
}


static int
cx_beacon_scale(cx_str_t s, cx_scale_e *scale)
{
    int  i;

    if (s.data == NULL) {
        *scale = CX_SCALE_CSAT;
        return 1;
    }

    for (i = 0; i < CX_SCALE_COUNT; i++) {
        if (s.len == strlen(cx_scale_names[i])
            && memcmp(s.data, cx_scale_names[i], s.len) == 0)
        {
            *scale = (cx_scale_e) i;
            return 1;
        }
    }

    return 0;
}


static int
cx_beacon_score(cx_str_t s, cx_scale_e scale, int64_t *score)
{
    size_t   i;
    int64_t  n;

    /* one spelling per score: no sign, no leading zero */

    if (s.len > 1 && s.data[0] == '0') {
        return 0;
    }

    n = 0;

    for (i = 0; i < s.len; i++) {

        if (s.data[i] < '0' || s.data[i] > '9') {
            return 0;
        }

        n = n * 10 + (s.data[i] - '0');

        if (n > cx_beacon_ranges[scale].max) {
            return 0;
        }
    }

    if (n < cx_beacon_ranges[scale].min) {
        return 0;
    }

    *score = n;

    return 1;
}


static int
cx_beacon_comment_valid(cx_str_t s)
{
    int                   n;
    size_t                count;
    uint32_t              cp;
    const unsigned char  *p, *end;

    count = 0;
    p = s.data;
    end = s.data + s.len;

    while (p < end) {
        n = cx_utf8_decode(p, end, &cp);

        if (n < 0 || ++count > CX_BEACON_COMMENT_MAX) {
            return 0;
        }

        p += n;
    }

    return 1;
}


static int
cx_beacon_name_valid(cx_str_t s, int (*allowed)(unsigned char c))
{
    size_t  i;

    if (s.len > CX_BEACON_NAME_MAX) {
        return 0;
    }

    for (i = 0; i < s.len; i++) {
        if (!allowed(s.data[i])) {
            return 0;
        }
    }

    return 1;
}


static int
cx_beacon_event_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
           || c == '_' || c == '.' || c == '-';
}


static int
cx_beacon_touchpoint_char(unsigned char c)
{
    return cx_beacon_event_char(c) || (c >= 'A' && c <= 'Z') || c == ':';
}


/*
 * The journey writes a value as a fixed-point number (cx_json_number());
 * one it could not write exactly would become null or lose digits, so
 * the form refuses it here instead, with a reason.
 */
static int
cx_beacon_value(cx_str_t s, double *value)
{
    int                   negative;
    size_t                i, n, nwhole, nfraction;
    int64_t               exponent;
    char                  text[CX_BEACON_VALUE_MAX + 1];
    const unsigned char  *p, *end, *whole, *fraction;

    if (s.len > CX_BEACON_VALUE_MAX) {
        return 0;
    }

    p = s.data;
    end = s.data + s.len;

    if (*p == '-') {
        p++;
    }

    whole = p;
    nwhole = cx_beacon_digits(p, end);

    if (nwhole == 0) {
        return 0;
    }

    p += nwhole;

    fraction = p;
    nfraction = 0;

    if (p < end && *p == '.') {
        fraction = ++p;
        nfraction = cx_beacon_digits(p, end);

        if (nfraction == 0) {
            return 0;
        }

        p += nfraction;
    }

    exponent = 0;

    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        negative = 0;

        if (p < end && (*p == '+' || *p == '-')) {
            negative = (*p == '-');
            p++;
        }

        n = cx_beacon_digits(p, end);

        if (n == 0) {
            return 0;
        }

        /* past 9999 either way, no digit lands within the limits */

        for (i = 0; i < n && exponent <= 9999; i++) {
            exponent = exponent * 10 + (p[i] - '0');
        }

        if (negative) {
            exponent = -exponent;
        }

        p += n;
    }

    if (p != end) {
        return 0;
    }

    if (!cx_beacon_value_exact(whole, nwhole, fraction, nfraction, exponent))
    {
        return 0;
    }

    /*
     * strtod() wants a NUL at the end; the grammar above leaves it nothing
     * to read but digits, a sign, an exponent and the decimal point, which
     * is '.' in the "C" locale that nginx keeps
     */

    memcpy(text, s.data, s.len);
    text[s.len] = '\0';

    *value = strtod(text, NULL);

    return isfinite(*value) && fabs(*value) <= CX_BEACON_VALUE_LIMIT;
}


/*
 * At most CX_BEACON_VALUE_DECIMALS decimals once the exponent has moved
 * the point: the digits after the point, less the exponent, less the
 * trailing zeros of all the digits.  Zero has none, whatever its spelling.
 */
static int
cx_beacon_value_exact(const unsigned char *whole, size_t nwhole,
    const unsigned char *fraction, size_t nfraction, int64_t exponent)
{
    size_t   zeros, ndigits;
    int64_t  decimals;

    ndigits = nwhole + nfraction;
    zeros = 0;

    while (zeros < nfraction && fraction[nfraction - 1 - zeros] == '0') {
        zeros++;
    }

    if (zeros == nfraction) {
        while (zeros < ndigits && whole[nwhole - 1 - (zeros - nfraction)]
                                  == '0')
        {
            zeros++;
        }
    }

    if (zeros == ndigits) {
        return 1;
    }

    decimals = (int64_t) nfraction - exponent - (int64_t) zeros;

    return decimals <= CX_BEACON_VALUE_DECIMALS;
}


static size_t
cx_beacon_digits(const unsigned char *p, const unsigned char *end)
{
    const unsigned char  *start;

    start = p;

    while (p < end && *p >= '0' && *p <= '9') {
        p++;
    }

    return p - start;
}


/*
 * A browser reads "//host" and "/\host" as another host, drops tabs and
 * newlines from a URL (so "/\t/host" is "//host" too) and reads '\' as '/';
 * the path ends up in a Location header, where a URI is printable ASCII.
 */
static int
cx_beacon_redirect_valid(cx_str_t s)
{
    size_t  i;

    if (s.len > CX_BEACON_REDIRECT_MAX || s.data[0] != '/') {
        return 0;
    }

    if (s.len > 1 && s.data[1] == '/') {
        return 0;
    }

    for (i = 1; i < s.len; i++) {
        if (s.data[i] <= ' ' || s.data[i] >= 0x7f || s.data[i] == '\\') {
            return 0;
        }
    }

    return 1;
}
