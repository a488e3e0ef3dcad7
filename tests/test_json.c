
/*
 * Unit tests of the JSON writer (cx_json.c).
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cx_json.h"

/* the writer of before the fast paths, ref_json_string() among it */
#include "fuzz/record_ref.c"


static char  out[4096];


/* writes s as a JSON string with the cap; returns what was written */
static const char *
string_of(const char *s, size_t len, size_t cap, int *truncated)
{
    int        cut;
    cx_json_t  json;

    cx_json_init(&json, (unsigned char *) out, sizeof(out) - 1);
    cut = cx_json_string(&json, (const unsigned char *) s, len, cap);
    assert_false(json.overflow);
    out[cx_json_length(&json)] = '\0';

    if (truncated) {
        *truncated = cut;
    }

    return out;
}


#define assert_json_string(input, expected)                                  \
    assert_string_equal(string_of(input, sizeof(input) - 1, 4096, NULL),     \
                        expected)


static void
test_plain_ascii(void **state)
{
    assert_json_string("/products/shoe", "\"/products/shoe\"");
    assert_json_string("", "\"\"");
}


static void
test_escapes(void **state)
{
    assert_json_string("a\"b\\c", "\"a\\\"b\\\\c\"");
    assert_json_string("\x01\n\r\t\x1f\x7f", "\"\\u0001\\u000a\\u000d"
                       "\\u0009\\u001f\\u007f\"");
    assert_string_equal(string_of("a\0b", 3, 4096, NULL), "\"a\\u0000b\"");
}


static void
test_valid_utf8_kept(void **state)
{
    assert_json_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
                       "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
    /* the edges: U+0080, U+07FF, U+0800, U+FFFF, U+10000, U+10FFFF */
    assert_json_string("\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf"
                       "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf",
                       "\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf"
                       "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"");
}


#define FFFD "\xef\xbf\xbd"

static void
test_invalid_utf8_replaced(void **state)
{
    /* stray continuation bytes */
    assert_json_string("a\x80z", "\"a" FFFD "z\"");
    assert_json_string("\xbf\xbf", "\"" FFFD FFFD "\"");
    /* overlong forms: C0/C1 leads, E0 80.., F0 80.. */
    assert_json_string("\xc0\xaf", "\"" FFFD FFFD "\"");
    assert_json_string("\xe0\x80\xaf", "\"" FFFD FFFD FFFD "\"");
    assert_json_string("\xf0\x80\x80\xaf", "\"" FFFD FFFD FFFD FFFD "\"");
    /* surrogates U+D800 and U+DFFF */
    assert_json_string("\xed\xa0\x80", "\"" FFFD FFFD FFFD "\"");
    assert_json_string("\xed\xbf\xbf", "\"" FFFD FFFD FFFD "\"");
    /* past U+10FFFF, and lead bytes that never occur */
    assert_json_string("\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"");
    assert_json_string("\xf5\xff\xfe", "\"" FFFD FFFD FFFD "\"");
    /* truncated sequences: one U+FFFD for each maximal subpart */
    assert_json_string("\xe2\x82", "\"" FFFD "\"");
    assert_json_string("\xe2\x82z", "\"" FFFD "z\"");
    assert_json_string("\xf0\x9f\x98", "\"" FFFD "\"");
    assert_json_string("\xf0\x9f\x98\xc3\xa9", "\"" FFFD "\xc3\xa9\"");
}


static void
test_cap_on_character_boundary(void **state)
{
    int  truncated;

    assert_string_equal(string_of("abcdef", 6, 4, &truncated), "\"abcd\"");
    assert_true(truncated);

    assert_string_equal(string_of("abcd", 4, 4, &truncated), "\"abcd\"");
    assert_false(truncated);

    /* a 2-byte character that would end past the cap is left out whole */
    assert_string_equal(string_of("abc\xc3\xa9", 5, 4, &truncated),
                        "\"abc\"");
    assert_true(truncated);

    /* the cap counts the value's bytes: an escape is one, U+FFFD three */
    assert_string_equal(string_of("\x01\x02\x03", 3, 2, &truncated),
                        "\"\\u0001\\u0002\"");
    assert_true(truncated);

    assert_string_equal(string_of("\xff" "a", 2, 3, &truncated),
                        "\"" FFFD "\"");
    assert_true(truncated);
}


static void
test_bound_holds_worst_case(void **state)
{
    size_t         i;
    cx_json_t      json;
    unsigned char  in[300], buf[2000];

    for (i = 0; i < sizeof(in); i++) {
        in[i] = (unsigned char) (i % 2 ? 0x01 : 0xff);
    }

    cx_json_init(&json, buf, cx_json_string_bound(sizeof(in), 4096));
    cx_json_string(&json, in, sizeof(in), 4096);
    assert_false(json.overflow);
    assert_true(cx_json_length(&json) <= cx_json_string_bound(sizeof(in),
                                                              4096));
}


/* the same string through a roomy buffer and through a just-big-enough one */
static void
assert_both_ways(const char *s, size_t len, size_t cap)
{
    int            cut, tight_cut;
    size_t         n;
    cx_json_t      json;
    unsigned char  roomy[1024], tight[1024];

    cx_json_init(&json, roomy, sizeof(roomy));
    cut = cx_json_string(&json, (const unsigned char *) s, len, cap);
    assert_false(json.overflow);
    n = cx_json_length(&json);

    /* exactly the bytes written: too little for the bound, enough to fit */
    cx_json_init(&json, tight, n);
    tight_cut = cx_json_string(&json, (const unsigned char *) s, len, cap);
    assert_false(json.overflow);
    assert_int_equal(cx_json_length(&json), n);
    assert_memory_equal(tight, roomy, n);
    assert_int_equal(tight_cut, cut);

    /* one byte less overflows */
    if (n > 0) {
        cx_json_init(&json, tight, n - 1);
        cx_json_string(&json, (const unsigned char *) s, len, cap);
        assert_true(json.overflow);
    }
}


static void
test_fast_and_checked_paths_agree(void **state)
{
    size_t  len, at, cap;
    char    s[64];

    for (len = 0; len <= 40; len++) {
        memset(s, 'a', sizeof(s));

        for (cap = 0; cap <= len + 1; cap++) {
            assert_both_ways(s, len, cap);
        }

        /* an escape, a 2-byte character or a bad byte at every place */
        for (at = 0; at < len; at++) {
            memset(s, 'b', sizeof(s));
            s[at] = '"';
            assert_both_ways(s, len, 4096);
            assert_both_ways(s, len, len / 2);
            s[at] = '\x7f';
            assert_both_ways(s, len, 4096);
            s[at] = '\xff';
            assert_both_ways(s, len, 4096);
            s[at] = '\xc3';
            s[at + 1] = '\xa9';
            assert_both_ways(s, len + 1, 4096);
            assert_both_ways(s, len + 1, at + 1);
        }
    }

    assert_string_equal(string_of("0123456789abcdefghij\"x", 22, 4096, NULL),
                        "\"0123456789abcdefghij\\\"x\"");
    assert_string_equal(string_of("0123456789abcdefghijkl", 22, 21, NULL),
                        "\"0123456789abcdefghijk\"");
}


/*
 * Bytes that need a look: controls, DEL, the quote and the backslash, the
 * lead and continuation bytes of valid and invalid UTF-8 (overlong forms,
 * surrogates, past U+10FFFF, cut sequences) and U+2028, U+2029, which the
 * writer keeps as they are, as it always has.
 */
static const char  *pieces[] = {
    "\"", "\\", "\x00", "\x01", "\n", "\x1f", "\x7f", " ", "~", "/",
    "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xe2\x80\xa8",
    "\xe2\x80\xa9", "\xc0\x80", "\xc1\xbf", "\xed\xa0\x80",
    "\xf4\x90\x80\x80", "\xf5", "\xff", "\x80", "\xbf", "\xc3",
    "\xe2\x82", "\xf0\x9f\x98", "\xe0\x80\x80", "\xef\xbf\xbd"
};


/* a deterministic xorshift: the same strings on every run */
static uint64_t
next_random(uint64_t *seed)
{
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;

    return *seed;
}


/*
 * cx_json_string() against the writer of before (ref_json_string(), of
 * tests/fuzz/record_ref.c) on random strings: runs of plain ASCII of every
 * length around the 4, 8 and 16 bytes the fast paths take at once, and the
 * pieces above between them; random caps; a roomy buffer, a buffer of just
 * the string's size (the checked path) and one a byte too small.  The same
 * bytes, the same cut, the same overflow.
 */
static void
test_string_same_as_before(void **state)
{
    int             cut, ref_cut;
    size_t          len, cap, n, i, k, room, piece;
    uint64_t        seed, r;
    cx_json_t       json;
    ref_json_t      ref;
    unsigned char  *s, *buf, *ref_buf;

    seed = 0x9e3779b97f4a7c15ULL;

    for (i = 0; i < 200000; i++) {
        r = next_random(&seed);
        len = 0;
        s = malloc(128);

        while (len < 100 && r % 7 != 0) {
            if (r % 3 == 0) {
                piece = (r >> 8) % (sizeof(pieces) / sizeof(pieces[0]));
                n = strlen(pieces[piece]) + (piece == 2);

                if (len + n > 100) {
                    break;
                }

                memcpy(s + len, pieces[piece], n);
                len += n;

            } else {
                n = (r >> 8) % 40;

                for (k = 0; k < n && len < 100; k++) {
                    s[len++] = (unsigned char) (0x20 + (r >> 16) % 95
                                                + k) % 95 + 0x20;
                }
            }

            r = next_random(&seed);
        }

        /* a malloc of just the string's bytes: ASan sees any read past */
        s = realloc(s, len ? len : 1);

        cap = (r >> 32) % 4 == 0 ? (r >> 40) % (len + 2) : 4096;

        room = cx_json_string_bound(len, cap);
        buf = malloc(room);
        ref_buf = malloc(room);

        ref_json_init(&ref, ref_buf, room);
        ref_cut = ref_json_string(&ref, s, len, cap);
        assert_false(ref.overflow);

        /* the bound (the fast paths), just right, a byte short */

        for (k = 0; k < 3; k++) {
            n = (k == 0) ? room : ref_json_length(&ref) - (k - 1);

            cx_json_init(&json, buf, n);
            cut = cx_json_string(&json, s, len, cap);

            if (k == 2) {
                assert_true(json.overflow);
                continue;
            }

            assert_false(json.overflow);
            assert_int_equal(cut, ref_cut);
            assert_int_equal(cx_json_length(&json), ref_json_length(&ref));
            assert_memory_equal(buf, ref_buf, ref_json_length(&ref));
        }

        free(ref_buf);
        free(buf);
        free(s);
    }
}


static void
test_integers(void **state)
{
    size_t         i;
    cx_json_t      json;
    unsigned char  buf[64];

    static const struct {
        int64_t      n;
        const char  *text;
    } cases[] = {
        { 0, "0" }, { 7, "7" }, { 9, "9" }, { 10, "10" }, { 42, "42" },
        { 99, "99" }, { 100, "100" }, { 101, "101" }, { 999, "999" },
        { 1000, "1000" }, { 12345, "12345" }, { 1000000, "1000000" },
        { 9999999999LL, "9999999999" }, { 10000000000LL, "10000000000" },
        { -1, "-1" }, { -10, "-10" }, { -100, "-100" }, { -9, "-9" },
        { INT64_MAX, "9223372036854775807" },
        { INT64_MIN + 1, "-9223372036854775807" },
        { CX_NONE, "null" }
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cx_json_init(&json, buf, sizeof(buf));
        cx_json_integer(&json, cases[i].n);
        assert_false(json.overflow);
        assert_int_equal(cx_json_length(&json), strlen(cases[i].text));
        assert_memory_equal(buf, cases[i].text, strlen(cases[i].text));

        /* a buffer one byte short holds nothing of it */
        cx_json_init(&json, buf, strlen(cases[i].text) - 1);
        cx_json_integer(&json, cases[i].n);
        assert_true(json.overflow);
        assert_int_equal(cx_json_length(&json), 0);
    }
}


static void
test_object_and_values(void **state)
{
    cx_json_t  json;

    cx_json_init(&json, (unsigned char *) out, sizeof(out) - 1);
    cx_json_object_start(&json);
    cx_json_key(&json, "n");
    cx_json_integer(&json, -42);
    cx_json_key(&json, "big");
    cx_json_integer(&json, INT64_MAX);
    cx_json_key(&json, "none");
    cx_json_integer(&json, CX_NONE);
    cx_json_key(&json, "t");
    cx_json_bool(&json, 1);
    cx_json_key(&json, "f");
    cx_json_bool(&json, 0);
    cx_json_key(&json, "list");
    cx_json_array_start(&json);
    cx_json_integer(&json, 1);
    cx_json_array_start(&json);
    cx_json_array_end(&json);
    cx_json_object_start(&json);
    cx_json_object_end(&json);
    cx_json_null(&json);
    cx_json_array_end(&json);
    cx_json_key(&json, "lat");
    cx_json_number(&json, 51.5142, 4);
    cx_json_key(&json, "lon");
    cx_json_number(&json, -0.0931, 4);
    cx_json_key(&json, "whole");
    cx_json_number(&json, 3.0, 4);
    cx_json_key(&json, "negzero");
    cx_json_number(&json, -0.00001, 4);
    cx_json_key(&json, "small");
    cx_json_number(&json, -0.05, 6);
    cx_json_key(&json, "big");
    cx_json_number(&json, 139.75309, 6);
    cx_json_key(&json, "rounded");
    cx_json_number(&json, 2.0000004, 6);
    cx_json_key(&json, "ten");
    cx_json_number(&json, -10, 6);
    cx_json_key(&json, "zero");
    cx_json_number(&json, 0, 6);
    cx_json_key(&json, "huge");
    cx_json_number(&json, 1e300, 6);
    cx_json_object_end(&json);

    assert_false(json.overflow);
    out[cx_json_length(&json)] = '\0';
    assert_string_equal(out, "{\"n\":-42,\"big\":9223372036854775807,"
                        "\"none\":null,\"t\":true,\"f\":false,"
                        "\"list\":[1,[],{},null],\"lat\":51.5142,"
                        "\"lon\":-0.0931,\"whole\":3,\"negzero\":0,"
                        "\"small\":-0.05,\"big\":139.75309,\"rounded\":2,"
                        "\"ten\":-10,\"zero\":0,\"huge\":null}");
}


/* text kept and vouched for later: only printable ASCII, no " nor \ */
static void
test_plain_text(void **state)
{
    size_t         len, at;
    unsigned       c;
    unsigned char  byte, text[70];

    assert_true(cx_json_plain_text((const unsigned char *) "", 0));
    assert_true(cx_json_plain_text((const unsigned char *) "GB", 2));
    assert_true(cx_json_plain_text(
                    (const unsigned char *) "Link\xc3\xb6ping", 4));
    assert_false(cx_json_plain_text(
                     (const unsigned char *) "Link\xc3\xb6ping", 10));
    assert_false(cx_json_plain_text((const unsigned char *) "a\"b", 3));
    assert_false(cx_json_plain_text((const unsigned char *) "a\\b", 3));

    for (c = 0; c < 256; c++) {
        byte = (unsigned char) c;
        assert_int_equal(cx_json_plain_text(&byte, 1),
                         c >= 0x20 && c < 0x7f && c != '"' && c != '\\');
    }

    /* one byte that is not plain anywhere in texts of 1 to 70 bytes */

    memset(text, 'a', sizeof(text));

    for (len = 1; len <= sizeof(text); len++) {
        assert_true(cx_json_plain_text(text, len));

        for (at = 0; at < len; at++) {
            text[at] = '"';
            assert_false(cx_json_plain_text(text, len));
            text[at] = 0xe9;
            assert_false(cx_json_plain_text(text, len));
            text[at] = 'a';
        }
    }
}


static void
test_overflow_never_writes_past_the_end(void **state)
{
    cx_json_t      json;
    unsigned char  buf[16];

    memset(buf, 'X', sizeof(buf));

    cx_json_init(&json, buf, 8);
    cx_json_object_start(&json);
    cx_json_key(&json, "key");
    cx_json_string(&json, (const unsigned char *) "long value", 10, 100);
    cx_json_object_end(&json);

    assert_true(json.overflow);
    assert_true(cx_json_length(&json) <= 8);
    assert_memory_equal(buf + 8, "XXXXXXXX", 8);
    /* a member's comma that fits is written, then the name stops it */
    memset(buf, 'X', sizeof(buf));
    cx_json_init(&json, buf, 7);
    cx_json_object_start(&json);
    cx_json_key(&json, "a");
    cx_json_integer(&json, 1);
    cx_json_key(&json, "bb");
    assert_true(json.overflow);
    assert_int_equal(cx_json_length(&json), 7);
    assert_memory_equal(buf, "{\"a\":1,XXXXXXXXX", 16);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_plain_ascii),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_valid_utf8_kept),
        cmocka_unit_test(test_invalid_utf8_replaced),
        cmocka_unit_test(test_cap_on_character_boundary),
        cmocka_unit_test(test_bound_holds_worst_case),
        cmocka_unit_test(test_fast_and_checked_paths_agree),
        cmocka_unit_test(test_string_same_as_before),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_object_and_values),
        cmocka_unit_test(test_plain_text),
        cmocka_unit_test(test_overflow_never_writes_past_the_end),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
