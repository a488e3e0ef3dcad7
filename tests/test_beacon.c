
/*
 * Unit tests of the feedback beacon's body (cx_beacon.c).
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cx_beacon.h"
#include "cx_json.h"


#define FORM_MAX  8192


/* the last parse: its scratch is exactly the form's size, for ASan */
static unsigned char  *scratch;
static size_t          scratch_size;
static cx_beacon_t     beacon;


static const char *
parse_bytes(const char *form, size_t len)
{
    cx_str_t  in;

    free(scratch);
    scratch_size = len;
    scratch = malloc(len ? len : 1);
    assert_non_null(scratch);

    in.data = (const unsigned char *) form;
    in.len = len;

    return cx_beacon_reason(cx_beacon_parse(in, scratch, scratch_size,
                                            &beacon));
}


static const char *
parse(const char *form)
{
    return parse_bytes(form, strlen(form));
}


static int
free_scratch(void **state)
{
    free(scratch);
    scratch = NULL;

    return 0;
}


/* a decoded string of the last parse: its bytes, inside its scratch */
static void
assert_decoded(cx_str_t s, const char *expected, size_t len)
{
    assert_non_null(s.data);
    assert_int_equal(s.len, len);
    assert_memory_equal(s.data, expected, len);
    assert_true(s.data >= scratch && s.data + s.len <= scratch + scratch_size);
}


#define assert_text(s, expected)                                             \
    assert_decoded(s, expected, strlen(expected))


static void
assert_feedback(const char *form, cx_scale_e scale, int64_t score)
{
    assert_string_equal(parse(form), "ok");
    assert_int_equal(beacon.kind, CX_BEACON_FEEDBACK);
    assert_int_equal(beacon.scale, scale);
    assert_int_equal(beacon.score, score);
}


static void
test_scale_bounds(void **state)
{
    /* csat 1-5, the default */
    assert_feedback("score=1", CX_SCALE_CSAT, 1);
    assert_feedback("score=5", CX_SCALE_CSAT, 5);
    assert_feedback("score=3&scale=csat", CX_SCALE_CSAT, 3);
    assert_feedback("score=4&scale=", CX_SCALE_CSAT, 4);
    assert_string_equal(parse("score=0"), "bad_score");
    assert_string_equal(parse("score=6"), "bad_score");
    assert_string_equal(parse("score=6&scale=csat"), "bad_score");

    /* nps 0-10 */
    assert_feedback("score=0&scale=nps", CX_SCALE_NPS, 0);
    assert_feedback("scale=nps&score=10", CX_SCALE_NPS, 10);
    assert_string_equal(parse("score=-1&scale=nps"), "bad_score");
    assert_string_equal(parse("score=11&scale=nps"), "bad_score");

    /* thumbs 0-1 */
    assert_feedback("score=0&scale=thumbs", CX_SCALE_THUMBS, 0);
    assert_feedback("score=1&scale=thumbs", CX_SCALE_THUMBS, 1);
    assert_string_equal(parse("score=-1&scale=thumbs"), "bad_score");
    assert_string_equal(parse("score=2&scale=thumbs"), "bad_score");

    /* ces 1-7 */
    assert_feedback("score=1&scale=ces", CX_SCALE_CES, 1);
    assert_feedback("score=7&scale=ces", CX_SCALE_CES, 7);
    assert_string_equal(parse("score=0&scale=ces"), "bad_score");
    assert_string_equal(parse("score=8&scale=ces"), "bad_score");
}


static void
test_score_spelling(void **state)
{
    assert_string_equal(parse("score=+5"), "bad_score");
    assert_string_equal(parse("score=%2B5"), "bad_score");
    assert_string_equal(parse("score=-0&scale=nps"), "bad_score");
    assert_string_equal(parse("score=05"), "bad_score");
    assert_string_equal(parse("score=00&scale=nps"), "bad_score");
    assert_string_equal(parse("score=4.0"), "bad_score");
    assert_string_equal(parse("score=four"), "bad_score");
    assert_string_equal(parse("score=+4"), "bad_score");     /* " 4" */
    assert_string_equal(parse("score=4+"), "bad_score");     /* "4 " */
    assert_string_equal(parse("score=4%00"), "bad_score");
    assert_string_equal(parse("score=1e0"), "bad_score");
    assert_string_equal(parse("score=99999999999999999999999&scale=nps"),
                        "bad_score");
    assert_string_equal(parse("score=18446744073709551617"), "bad_score");

    /* an encoded digit is the digit */
    assert_feedback("score=%35", CX_SCALE_CSAT, 5);
}


static void
test_missing_score(void **state)
{
    assert_string_equal(parse(""), "missing_score");
    assert_string_equal(parse("&&&"), "missing_score");
    assert_string_equal(parse("score="), "missing_score");
    assert_string_equal(parse("score"), "missing_score");
    assert_string_equal(parse("event="), "missing_score");
    assert_string_equal(parse("scale=nps&comment=great"), "missing_score");
    assert_string_equal(parse("Score=5"), "missing_score");
    assert_string_equal(parse("score%3D5"), "missing_score");
    assert_string_equal(parse("submit=Send"), "missing_score");
}


static void
test_bad_scale(void **state)
{
    assert_string_equal(parse("score=3&scale=stars"), "bad_scale");
    assert_string_equal(parse("score=3&scale=CSAT"), "bad_scale");
    assert_string_equal(parse("score=3&scale=nps+"), "bad_scale");
    assert_string_equal(parse("score=3&scale=csa"), "bad_scale");
    assert_string_equal(parse("score=3&scale=csatt"), "bad_scale");
    assert_string_equal(parse_bytes("score=3&scale=ces\0", 18), "bad_scale");

    /* the scale is told before the score it makes out of range */
    assert_string_equal(parse("score=99&scale=stars"), "bad_scale");
}


static void
test_bad_encoding(void **state)
{
    assert_string_equal(parse("score=5&comment=100%"), "bad_encoding");
    assert_string_equal(parse("score=5&comment=%4"), "bad_encoding");
    assert_string_equal(parse("score=5&comment=%zz"), "bad_encoding");
    assert_string_equal(parse("score=5&comment=%4g"), "bad_encoding");
    assert_string_equal(parse("score=5&comment=%%41"), "bad_encoding");
    assert_string_equal(parse("sc%re=5"), "bad_encoding");
    assert_string_equal(parse("%"), "bad_encoding");

    /* in unknown fields, names and values too */
    assert_string_equal(parse("score=5&submit=50%"), "bad_encoding");
    assert_string_equal(parse("score=5&%g0=x"), "bad_encoding");

    /* a bad escape is told before what comes after it */
    assert_string_equal(parse("x=%&score=5&score=5"), "bad_encoding");

    /* hex digits in both cases */
    assert_string_equal(parse("score=5&comment=%c3%A9%C3%a9"), "ok");
    assert_text(beacon.comment, "\xc3\xa9\xc3\xa9");
}


static void
test_duplicate_field(void **state)
{
    assert_string_equal(parse("score=5&score=5"), "duplicate_field");
    assert_string_equal(parse("score=5&scale=csat&scale=nps"),
                        "duplicate_field");
    assert_string_equal(parse("score=5&comment=&comment=a"),
                        "duplicate_field");
    assert_string_equal(parse("event=a&value=1&value=2"), "duplicate_field");
    assert_string_equal(parse("event=a&event=a"), "duplicate_field");
    assert_string_equal(parse("score=5&touchpoint=a&touchpoint=b"),
                        "duplicate_field");
    assert_string_equal(parse("score=5&redirect=/a&redirect=/b"),
                        "duplicate_field");

    /* names are decoded before they are compared */
    assert_string_equal(parse("score=5&sc%6Fre=4"), "duplicate_field");

    /* told in the form's order, before what is wrong with the values */
    assert_string_equal(parse("score=5&score=5&x=%"), "duplicate_field");
    assert_string_equal(parse("score=9&event=A&score=9"), "duplicate_field");

    /* unknown fields may repeat */
    assert_feedback("x=1&x=2&score=5&x=3", CX_SCALE_CSAT, 5);
}


static void
test_ambiguous(void **state)
{
    assert_string_equal(parse("score=5&event=click"), "ambiguous");
    assert_string_equal(parse("event=click&score=5"), "ambiguous");
    assert_string_equal(parse("score=99&event=BAD"), "ambiguous");

    /* an empty one is absent */
    assert_feedback("score=5&event=", CX_SCALE_CSAT, 5);
    assert_string_equal(parse("score=&event=click"), "ok");
    assert_int_equal(beacon.kind, CX_BEACON_EVENT);
}


static void
test_decoding(void **state)
{
    assert_string_equal(parse("score=4&comment=so+fast%21+%2B1%26%3D%25"),
                        "ok");
    assert_text(beacon.comment, "so fast! +1&=%");

    /* '=' after the first belongs to the value */
    assert_string_equal(parse("score=4&comment=a=b=c"), "ok");
    assert_text(beacon.comment, "a=b=c");

    /* newlines from a textarea, NUL, raw UTF-8 */
    assert_string_equal(parse("score=4&comment=a%0D%0Ab%00caf\xc3\xa9"),
                        "ok");
    assert_decoded(beacon.comment, "a\r\nb\0caf\xc3\xa9", 10);

    /* names too: '+' and escapes */
    assert_string_equal(parse("%73core=2&touch%70oint=cart&x+y=1"), "ok");
    assert_int_equal(beacon.score, 2);
    assert_text(beacon.touchpoint, "cart");

    /* empty fields and segments are skipped */
    assert_string_equal(parse("&score=3&&comment=&=x&"), "ok");
    assert_int_equal(beacon.score, 3);
    assert_null(beacon.comment.data);
    assert_null(beacon.touchpoint.data);
    assert_null(beacon.redirect.data);
    assert_null(beacon.event.data);
    assert_null(beacon.value_text.data);
    assert_false(beacon.has_value);
}


static void
test_comment_length(void **state)
{
    int   i;
    char  form[FORM_MAX];

    /* 1000 two-byte code points, percent-encoded: 6000 bytes */
    strcpy(form, "score=5&comment=");

    for (i = 0; i < 1000; i++) {
        strcat(form, "%C3%A9");
    }

    assert_string_equal(parse(form), "ok");
    assert_int_equal(beacon.comment.len, 2000);
    assert_memory_equal(beacon.comment.data + 1998, "\xc3\xa9", 2);

    strcat(form, "a");
    assert_string_equal(parse(form), "bad_comment");

    /* 999 ASCII and one four-byte code point: 1000 */
    strcpy(form, "score=5&comment=");

    for (i = 0; i < 999; i++) {
        strcat(form, "a");
    }

    strcat(form, "%F0%9F%98%80");
    assert_string_equal(parse(form), "ok");
    assert_int_equal(beacon.comment.len, 1003);

    strcat(form, "+");
    assert_string_equal(parse(form), "bad_comment");
}


static void
test_comment_utf8(void **state)
{
    assert_string_equal(parse("score=5&comment=%FF"), "bad_comment");
    assert_string_equal(parse("score=5&comment=a%80z"), "bad_comment");
    assert_string_equal(parse("score=5&comment=%C3"), "bad_comment");
    assert_string_equal(parse("score=5&comment=%E2%82"), "bad_comment");
    assert_string_equal(parse("score=5&comment=%C0%AF"), "bad_comment");
    assert_string_equal(parse("score=5&comment=%ED%A0%80"), "bad_comment");
    assert_string_equal(parse("score=5&comment=%F4%90%80%80"),
                        "bad_comment");
    assert_string_equal(parse("score=5&comment=caf\xe9"), "bad_comment");

    /* the edges of UTF-8 are fine */
    assert_string_equal(parse("score=5&comment=%C2%80%F4%8F%BF%BF"), "ok");
    assert_decoded(beacon.comment, "\xc2\x80\xf4\x8f\xbf\xbf", 6);
}


static void
test_touchpoint(void **state)
{
    assert_string_equal(parse("score=5&touchpoint=Shop:cart-2.v1_x"), "ok");
    assert_text(beacon.touchpoint, "Shop:cart-2.v1_x");

    assert_string_equal(parse("score=5&touchpoint="
                              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                              "aaaaaaaaaaaaaaaaaaaaaaaa"), "ok");
    assert_int_equal(beacon.touchpoint.len, 64);
    assert_string_equal(parse("score=5&touchpoint="
                              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                              "aaaaaaaaaaaaaaaaaaaaaaaaa"), "bad_touchpoint");

    assert_string_equal(parse("score=5&touchpoint=a+b"), "bad_touchpoint");
    assert_string_equal(parse("score=5&touchpoint=a/b"), "bad_touchpoint");
    assert_string_equal(parse("score=5&touchpoint=caf%C3%A9"),
                        "bad_touchpoint");
    assert_string_equal(parse("score=5&touchpoint=a%00"), "bad_touchpoint");
}


static void
test_event(void **state)
{
    assert_string_equal(parse("event=video.play_50-pct&touchpoint=home"),
                        "ok");
    assert_int_equal(beacon.kind, CX_BEACON_EVENT);
    assert_int_equal(beacon.score, CX_NONE);
    assert_int_equal(beacon.scale, CX_SCALE_CSAT);
    assert_text(beacon.event, "video.play_50-pct");
    assert_text(beacon.touchpoint, "home");
    assert_false(beacon.has_value);
    assert_null(beacon.value_text.data);

    assert_string_equal(parse("event=signup&value=49.90"), "ok");
    assert_text(beacon.event, "signup");
    assert_true(beacon.has_value);
    assert_text(beacon.value_text, "49.90");
    assert_true(beacon.value == 49.90);

    assert_string_equal(parse("event="
                              "0123456789012345678901234567890123456789"
                              "012345678901234567890123"), "ok");
    assert_int_equal(beacon.event.len, 64);
    assert_string_equal(parse("event="
                              "0123456789012345678901234567890123456789"
                              "0123456789012345678901234"), "bad_event");

    assert_string_equal(parse("event=Click"), "bad_event");
    assert_string_equal(parse("event=a+b"), "bad_event");
    assert_string_equal(parse("event=a:b"), "bad_event");
    assert_string_equal(parse("event=a/b"), "bad_event");
    assert_string_equal(parse("event=%C3%A9"), "bad_event");
}


static void
assert_value(const char *text, double expected)
{
    char  form[128];

    snprintf(form, sizeof(form), "event=e&value=%s", text);
    assert_string_equal(parse(form), "ok");
    assert_true(beacon.has_value);
    assert_text(beacon.value_text, text);
    assert_true(beacon.value == expected);
}


static void
assert_bad_value(const char *text)
{
    char  form[256];

    snprintf(form, sizeof(form), "event=e&value=%s", text);
    assert_string_equal(parse(form), "bad_value");
}


static void
test_value_forms(void **state)
{
    assert_value("1", 1.0);
    assert_value("-2.5", -2.5);
    assert_value("1e3", 1000.0);
    assert_value("1E-2", 0.01);
    assert_value("0", 0.0);
    assert_value("007", 7.0);
    assert_value("0.25000000000000000000000000000000000000"
                 "000000000000000000000000", 0.25);

    assert_string_equal(parse("event=e&value=%2D2%2E5"), "ok");
    assert_text(beacon.value_text, "-2.5");
    assert_true(beacon.value == -2.5);

    /* a '+' of an exponent comes encoded; a bare one is a space */
    assert_string_equal(parse("event=e&value=2.5e%2B1"), "ok");
    assert_text(beacon.value_text, "2.5e+1");
    assert_true(beacon.value == 25.0);
    assert_bad_value("2.5e+1");

    assert_bad_value("1e");
    assert_bad_value("1e+");
    assert_bad_value(".5");
    assert_bad_value("5.");
    assert_bad_value("-");
    assert_bad_value("--1");
    assert_bad_value("%2B1");
    assert_bad_value("+1");
    assert_bad_value("1+");
    assert_bad_value("inf");
    assert_bad_value("-inf");
    assert_bad_value("Infinity");
    assert_bad_value("nan");
    assert_bad_value("1e999");
    assert_bad_value("-1e309");
    assert_bad_value("0x10");
    assert_bad_value("1,5");
    assert_bad_value("1.2.3");
    assert_bad_value("1%00");
    assert_bad_value("0.25000000000000000000000000000000000000"
                     "0000000000000000000000000");
}


/* the value as the journey writes it */
static void
assert_written(const char *text, const char *written)
{
    char           form[128];
    unsigned char  buf[64];
    cx_json_t      json;

    snprintf(form, sizeof(form), "event=e&value=%s", text);
    assert_string_equal(parse(form), "ok");

    cx_json_init(&json, buf, sizeof(buf));
    cx_json_number(&json, beacon.value, CX_BEACON_VALUE_DECIMALS);
    assert_false(json.overflow);
    assert_int_equal(cx_json_length(&json), strlen(written));
    assert_memory_equal(buf, written, strlen(written));
}


/*
 * What the journey can write exactly is accepted and written as sent: up
 * to 1e9 either way, 6 decimals at most; the rest is refused, never null
 * nor rounded in the line.
 */
static void
test_value_exact(void **state)
{
    assert_written("1000000000", "1000000000");
    assert_written("-1000000000", "-1000000000");
    assert_written("1e9", "1000000000");
    assert_written("999999999.999999", "999999999.999999");
    assert_written("-999999999.999999", "-999999999.999999");
    assert_written("123456789.123456", "123456789.123456");
    assert_written("0.000001", "0.000001");
    assert_written("-0.000001", "-0.000001");
    assert_written("1e-6", "0.000001");
    assert_written("10e-7", "0.000001");
    assert_written("0.1", "0.1");
    assert_written("2.50", "2.5");
    assert_written("25e-1", "2.5");
    assert_written("1.5e3", "1500");
    assert_written("100.0e-4", "0.01");
    assert_written("1000e-3", "1");
    assert_written("12345.678900", "12345.6789");
    assert_written("0.0000000", "0");
    assert_written("0e99999", "0");
    assert_written("0e-99999", "0");
    assert_written("-0", "0");
    assert_written("000000000000000000000000000000000001.5", "1.5");

    /* too large to write */
    assert_bad_value("1e308");
    assert_bad_value("-1e308");
    assert_bad_value("12345678901");
    assert_bad_value("9999999999.5");
    assert_bad_value("1000000001");
    assert_bad_value("1000000000.000001");
    assert_bad_value("1e10");
    assert_bad_value("1e99999999999999999999");

    /* more decimals than it writes */
    assert_bad_value("0.0000001");
    assert_bad_value("1e-7");
    assert_bad_value("-1e-7");
    assert_bad_value("1.0000001");
    assert_bad_value("123456789.1234567");
    assert_bad_value("1e-400");
    assert_bad_value("1e-99999999999999999999");
    assert_bad_value("100.0e-9");
}


/*
 * Random values of 0 to 6 decimals within the limits, sent with their
 * trailing zeros: each is written as sent, less those zeros.
 */
static void
test_value_round_trip(void **state)
{
    int       i, d, len;
    char      text[48], written[48];
    uint64_t  k, scale, limit, whole, fraction, seed;

    seed = 88172645463325252ull;

    for (i = 0; i < 100000; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;

        d = (int) (seed % (CX_BEACON_VALUE_DECIMALS + 1));

        for (scale = 1, len = 0; len < d; len++) {
            scale *= 10;
        }

        limit = (uint64_t) CX_BEACON_VALUE_LIMIT * scale;
        k = (seed >> 8) % (limit + 1);
        whole = k / scale;
        fraction = k % scale;

        len = snprintf(text, sizeof(text), "%s%llu", (seed >> 63) ? "-" : "",
                       (unsigned long long) whole);

        if (d) {
            snprintf(text + len, sizeof(text) - len, ".%0*llu", d,
                     (unsigned long long) fraction);
        }

        while (d && fraction % 10 == 0) {
            fraction /= 10;
            d--;
        }

        len = snprintf(written, sizeof(written), "%s%llu",
                       (seed >> 63) && k ? "-" : "",
                       (unsigned long long) whole);

        if (d) {
            snprintf(written + len, sizeof(written) - len, ".%0*llu", d,
                     (unsigned long long) fraction);
        }

        assert_written(text, written);
    }
}


static void
assert_redirect(const char *form, const char *expected)
{
    assert_string_equal(parse(form), "ok");
    assert_text(beacon.redirect, expected);
}


static void
test_redirect_accepted(void **state)
{
    int   i;
    char  form[FORM_MAX];

    assert_redirect("score=5&redirect=/thanks", "/thanks");
    assert_redirect("score=5&redirect=/a/b?x=1", "/a/b?x=1");
    assert_redirect("score=5&redirect=%2Fa%2Fb%3Fx%3D1%26y%3D2",
                    "/a/b?x=1&y=2");
    assert_redirect("score=5&redirect=/", "/");
    assert_redirect("score=5&redirect=/#top", "/#top");
    assert_redirect("score=5&redirect=/caf%25C3%25A9", "/caf%C3%A9");
    assert_redirect("event=e&redirect=/next", "/next");

    /* 2048 bytes, and one more */
    strcpy(form, "score=5&redirect=/");

    for (i = 1; i < 2048; i++) {
        strcat(form, "a");
    }

    assert_string_equal(parse(form), "ok");
    assert_int_equal(beacon.redirect.len, 2048);

    strcat(form, "a");
    assert_string_equal(parse(form), "bad_redirect");
}


static void
test_redirect_refused(void **state)
{
    assert_string_equal(parse("score=5&redirect=//evil.example"),
                        "bad_redirect");
    assert_string_equal(parse("score=5&redirect=https://evil.example/"),
                        "bad_redirect");
    assert_string_equal(parse("score=5&redirect=/\\evil.example"),
                        "bad_redirect");
    assert_string_equal(parse("score=5&redirect=/%5Cevil.example"),
                        "bad_redirect");
    assert_string_equal(parse("score=5&redirect=/a\\b"), "bad_redirect");
    assert_string_equal(parse("score=5&redirect=thanks"), "bad_redirect");
    assert_string_equal(parse("score=5&redirect=%2F%2Fevil.example"),
                        "bad_redirect");
    assert_string_equal(parse("score=5&redirect=/%2F/evil"), "bad_redirect");
    assert_string_equal(parse("score=5&redirect=/%09/evil"), "bad_redirect");
    assert_string_equal(parse("score=5&redirect=/a%0D%0ASet-Cookie:+x=1"),
                        "bad_redirect");
    assert_string_equal(parse("score=5&redirect=/a%00"), "bad_redirect");
    assert_string_equal(parse("score=5&redirect=/a%7F"), "bad_redirect");
    assert_string_equal(parse("score=5&redirect=/a+b"), "bad_redirect");
    assert_string_equal(parse("score=5&redirect=/caf%C3%A9"),
                        "bad_redirect");
    assert_string_equal(parse("score=5&redirect=+/thanks"), "bad_redirect");
    assert_string_equal(parse("score=5&redirect=javascript:alert(1)"),
                        "bad_redirect");
}


static void
test_precedence(void **state)
{
    /* when several things are wrong, the order cx_beacon.h tells */
    assert_string_equal(parse("score=9&scale=nps&comment=%FF"),
                        "bad_comment");
    assert_string_equal(parse("score=99&comment=%FF"), "bad_score");
    assert_string_equal(parse("score=5&comment=%FF&touchpoint=a+b"),
                        "bad_comment");
    assert_string_equal(parse("event=A&touchpoint=a+b"), "bad_touchpoint");
    assert_string_equal(parse("event=A&value=x"), "bad_event");
    assert_string_equal(parse("event=a&value=x&redirect=//e"), "bad_value");
    assert_string_equal(parse("scale=x"), "missing_score");
}


static void
test_other_kind_fields(void **state)
{
    /* checked wherever they appear, and reported as sent */
    assert_string_equal(parse("score=5&value=abc"), "bad_value");
    assert_string_equal(parse("score=5&value=2"), "ok");
    assert_true(beacon.has_value);
    assert_true(beacon.value == 2.0);

    assert_string_equal(parse("event=e&scale=stars"), "bad_scale");
    assert_string_equal(parse("event=e&scale=nps&comment=hi"), "ok");
    assert_int_equal(beacon.scale, CX_SCALE_NPS);
    assert_text(beacon.comment, "hi");
    assert_int_equal(beacon.score, CX_NONE);
}


/* every byte as "%XX" */
static size_t
encode_all(char *p, const char *bytes, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        sprintf(p + 3 * i, "%%%02X", (unsigned char) bytes[i]);
    }

    return 3 * n;
}


static size_t
encode_field(char *p, const char *name, const char *value, size_t n)
{
    size_t  len;

    len = encode_all(p, name, strlen(name));
    p[len++] = '=';
    len += encode_all(p + len, value, n);
    p[len++] = '&';

    return len;
}


/*
 * The largest valid form, built field by field at every limit with every
 * byte encoded, fits CX_BEACON_FORM_MAX with the room left for fields the
 * beacon ignores; and is valid.
 */
static void
test_form_max(void **state)
{
    int     i;
    char   *form, *value;
    size_t  len;

    form = malloc(CX_BEACON_FORM_MAX);
    value = malloc(4 * CX_BEACON_COMMENT_MAX);
    assert_non_null(form);
    assert_non_null(value);

    len = encode_field(form, "scale", "thumbs", CX_BEACON_SCALE_MAX);

    for (i = 0; i < CX_BEACON_COMMENT_MAX; i++) {
        memcpy(value + 4 * i, "\xf0\x9f\x98\x80", 4);      /* U+1F600 */
    }

    len += encode_field(form + len, "comment", value,
                        4 * CX_BEACON_COMMENT_MAX);

    memset(value, 'a', CX_BEACON_NAME_MAX);
    len += encode_field(form + len, "touchpoint", value, CX_BEACON_NAME_MAX);
    len += encode_field(form + len, "event", value, CX_BEACON_NAME_MAX);

    /* 1.000...: the longest value, and a valid one */
    memset(value, '0', CX_BEACON_VALUE_MAX);
    memcpy(value, "1.", 2);
    len += encode_field(form + len, "value", value, CX_BEACON_VALUE_MAX);

    memset(value, 'a', CX_BEACON_REDIRECT_MAX);
    value[0] = '/';
    len += encode_field(form + len, "redirect", value,
                        CX_BEACON_REDIRECT_MAX);

    assert_int_equal(len + CX_BEACON_OTHER_MAX, CX_BEACON_FORM_MAX);

    /* a score is shorter than the event and value it excludes */
    assert_true(CX_BEACON_ENCODED("score", 2)
                < CX_BEACON_ENCODED("event", CX_BEACON_NAME_MAX)
                  + CX_BEACON_ENCODED("value", CX_BEACON_VALUE_MAX));

    assert_string_equal(parse_bytes(form, len - 1), "ok");
    assert_int_equal(beacon.comment.len, 4 * CX_BEACON_COMMENT_MAX);
    assert_int_equal(beacon.redirect.len, CX_BEACON_REDIRECT_MAX);
    assert_true(beacon.value == 1.0);

    free(value);
    free(form);
}


static void
test_scratch(void **state)
{
    cx_str_t       form = { (const unsigned char *) "score=5&comment=ab", 18 };
    cx_beacon_t    out;
    unsigned char  buf[18];

    memset(buf, 0xee, sizeof(buf));
    assert_int_equal(cx_beacon_parse(form, buf, 17, &out),
                     CX_BEACON_BAD_ENCODING);
    assert_int_equal(buf[0], 0xee);

    /* exactly form.len is enough; values are packed from its start */
    assert_int_equal(cx_beacon_parse(form, buf, 18, &out), CX_BEACON_OK);
    assert_ptr_equal(out.comment.data, buf + 1);
    assert_int_equal(out.comment.len, 2);

    /* an empty form needs no scratch at all */
    form.data = NULL;
    form.len = 0;
    assert_int_equal(cx_beacon_parse(form, NULL, 0, &out),
                     CX_BEACON_MISSING_SCORE);
}


static void
test_names(void **state)
{
    int          i, j;
    const char  *reasons[] = {
        "ok", "bad_encoding", "duplicate_field", "missing_score",
        "bad_score", "bad_scale", "bad_comment", "bad_touchpoint",
        "bad_event", "bad_value", "bad_redirect", "ambiguous"
    };

    for (i = 0; i < CX_BEACON_REASONS; i++) {
        assert_string_equal(cx_beacon_reason(i), reasons[i]);

        for (j = 0; j < i; j++) {
            assert_string_not_equal(cx_beacon_message(i),
                                    cx_beacon_message(j));
        }
    }

    assert_string_equal(cx_beacon_reason(CX_BEACON_REASONS), "unknown");
    assert_string_equal(cx_beacon_message(CX_BEACON_BAD_SCORE),
                        "score must be an integer within the scale");
    assert_string_equal(cx_beacon_message(CX_BEACON_REASONS), "unknown");

    assert_string_equal(cx_scale_name(CX_SCALE_CSAT), "csat");
    assert_string_equal(cx_scale_name(CX_SCALE_NPS), "nps");
    assert_string_equal(cx_scale_name(CX_SCALE_THUMBS), "thumbs");
    assert_string_equal(cx_scale_name(CX_SCALE_CES), "ces");
    assert_string_equal(cx_scale_name(CX_SCALE_COUNT), "unknown");
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_scale_bounds),
        cmocka_unit_test(test_score_spelling),
        cmocka_unit_test(test_missing_score),
        cmocka_unit_test(test_bad_scale),
        cmocka_unit_test(test_bad_encoding),
        cmocka_unit_test(test_duplicate_field),
        cmocka_unit_test(test_ambiguous),
        cmocka_unit_test(test_decoding),
        cmocka_unit_test(test_comment_length),
        cmocka_unit_test(test_comment_utf8),
        cmocka_unit_test(test_touchpoint),
        cmocka_unit_test(test_event),
        cmocka_unit_test(test_value_forms),
        cmocka_unit_test(test_value_exact),
        cmocka_unit_test(test_value_round_trip),
        cmocka_unit_test(test_redirect_accepted),
        cmocka_unit_test(test_redirect_refused),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_other_kind_fields),
        cmocka_unit_test(test_scratch),
        cmocka_unit_test(test_form_max),
        cmocka_unit_test(test_names),
    };

    return cmocka_run_group_tests(tests, NULL, free_scratch);
}
