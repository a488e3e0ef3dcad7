
/*
 * Unit tests of header names and values (cx_header.c).
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "cx_header.h"


static cx_str_t
str(const char *s)
{
    cx_str_t  r;

    r.data = (const unsigned char *) s;
    r.len = strlen(s);

    return r;
}


static cx_str_t
bytes(const char *s, size_t len)
{
    cx_str_t  r;

    r.data = (const unsigned char *) s;
    r.len = len;

    return r;
}


static void
test_tokens(void **state)
{
    assert_true(cx_header_token_valid(str("GB")));
    assert_true(cx_header_token_valid(str("X-CX-")));
    assert_true(cx_header_token_valid(str("a1!#$%&'*+-.^_`|~Z")));
    assert_true(cx_header_token_valid(str("x")));
}


static void
test_not_tokens(void **state)
{
    static const char  *bad[] = {
        "", "G B", "GB\r\nX-CX-Visitor: evil", "GB\n", "\r", "G\tB",
        "G,B", "G;B", "G:B", "G\"B", "G(B)", "G<B>", "G@B", "G/B", "G[B]",
        "G?B", "G=B", "G{B}", "G\\B", "G\x7f", "\xc3\xa9", "G\x80"
    };

    size_t  i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(cx_header_token_valid(str(bad[i])));
    }

    /* a NUL is no letter of a token, wherever it is */
    assert_false(cx_header_token_valid(bytes("G\0B", 3)));
    assert_false(cx_header_token_valid(bytes("\0", 1)));
}


static void
test_every_byte(void **state)
{
    char    c[1];
    size_t  n;
    int     b;

    n = 0;

    for (b = 0; b < 256; b++) {
        c[0] = (char) b;
        n += cx_header_token_valid(bytes(c, 1)) ? 1 : 0;
    }

    /* 26 + 26 + 10 letters and digits, 15 signs */
    assert_int_equal(n, 77);
}


static void
test_values(void **state)
{
    static const char  *good[] = {
        "London", "Saint-Denis", "\xc3\x8ele-de-France", "New York",
        "a\tb", "x", "\x80\xff", "!\"#(),;:<=>?@[\\]{}~"
    };

    static const char  *bad[] = {
        "", " London", "London ", "\tx", "x\t", "Lon\r\nX-Injected: yes",
        "Lon\n", "\r", "a\x01" "b", "a\x1f" "b", "a\x7f"
    };

    size_t  i;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_true(cx_header_value_valid(str(good[i])));
    }

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(cx_header_value_valid(str(bad[i])));
    }

    assert_false(cx_header_value_valid(bytes("a\0b", 3)));
}


static void
test_prefix_case_and_underscore(void **state)
{
    cx_str_t  prefix = str("X-CX-");

    assert_true(cx_header_has_prefix(str("X-CX-Visitor"), prefix));
    assert_true(cx_header_has_prefix(str("x-cx-visitor"), prefix));
    assert_true(cx_header_has_prefix(str("X_CX_Visitor"), prefix));
    assert_true(cx_header_has_prefix(str("x_Cx-touchpoint"), prefix));
    assert_true(cx_header_has_prefix(str("X-cX_"), prefix));

    assert_false(cx_header_has_prefix(str("X-CX"), prefix));
    assert_false(cx_header_has_prefix(str("X-CXVisitor"), prefix));
    assert_false(cx_header_has_prefix(str("XX-CX-Visitor"), prefix));
    assert_false(cx_header_has_prefix(str("X.CX.Visitor"), prefix));
    assert_false(cx_header_has_prefix(str(""), prefix));
}


static void
test_prefix_with_underscore(void **state)
{
    cx_str_t  prefix = str("My_App-");

    assert_true(cx_header_has_prefix(str("my-app-Visitor"), prefix));
    assert_true(cx_header_has_prefix(str("MY_APP_Visitor"), prefix));
    assert_false(cx_header_has_prefix(str("MyApp-Visitor"), prefix));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_not_tokens),
        cmocka_unit_test(test_every_byte),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_prefix_case_and_underscore),
        cmocka_unit_test(test_prefix_with_underscore),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
