
/*
 * Unit tests of finding a cookie in a Cookie header (cx_cookie_find() in
 * cx_cookie.c): where the value starts and ends, which pair matches, and
 * what is not a match.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cx_cookie.h"


#define str(s)  ((cx_str_t) { (const unsigned char *) (s), sizeof(s) - 1 })


/* the value found for name, as an offset into the header and a length */
static void
assert_found(cx_str_t header, const char *name, size_t at, size_t len)
{
    cx_str_t  n, value;

    n.data = (const unsigned char *) name;
    n.len = strlen(name);
    value.data = NULL;
    value.len = 99;

    assert_int_equal(cx_cookie_find(header, n, &value), 1);
    assert_ptr_equal(value.data, header.data + at);
    assert_int_equal(value.len, len);
}


static void
assert_missing(cx_str_t header, const char *name)
{
    cx_str_t  n, value;

    n.data = (const unsigned char *) name;
    n.len = strlen(name);
    value.data = NULL;
    value.len = 99;

    assert_int_equal(cx_cookie_find(header, n, &value), 0);
    assert_null(value.data);
    assert_int_equal(value.len, 99);
}


static void
test_alone_and_among_others(void **state)
{
    assert_found(str("cx=abc"), "cx", 3, 3);
    assert_found(str("a=1; cx=two; b=3"), "cx", 8, 3);
    assert_found(str("a=1;cx=two;b=3"), "cx", 7, 3);
    assert_found(str("_ga=GA1.1.1; cx=v"), "cx", 16, 1);
    assert_found(str("a=1; cx=v"), "a", 2, 1);
    assert_found(str("a=1; cx=end"), "cx", 8, 3);
    assert_found(str("cx=v;"), "cx", 3, 1);
}


static void
test_name_must_match_whole(void **state)
{
    /* a name that ends or starts another name is not that name */
    assert_found(str("xcx=1; cx=2"), "cx", 10, 1);
    assert_found(str("cxa=1; cx=2"), "cx", 10, 1);
    assert_missing(str("xcx=1; cxa=2"), "cx");

    /* names compare case-sensitively */
    assert_missing(str("CX=1; Cx=2"), "cx");
    assert_found(str("CX=1; cx=2"), "CX", 3, 1);

    /* a name inside a value is no name */
    assert_missing(str("a=cx=1"), "cx");
    assert_missing(str("a=x cx=1"), "cx");
}


static void
test_first_match_wins(void **state)
{
    assert_found(str("cx=one; cx=two"), "cx", 3, 3);
    assert_found(str("cx=; cx=two"), "cx", 3, 0);
}


/* every value of the name in order, as "at:len," offsets, then none */
static void
assert_all(cx_str_t header, const char *name, const char *expected)
{
    int       found;
    char      got[128], *p;
    cx_str_t  n, value, last;

    n.data = (const unsigned char *) name;
    n.len = strlen(name);
    p = got;
    *p = '\0';

    for (found = cx_cookie_find(header, n, &value); found;
         found = cx_cookie_find_next(header, n, &value))
    {
        p += sprintf(p, "%d:%d,", (int) (value.data - header.data),
                     (int) value.len);
        last = value;
    }

    assert_string_equal(got, expected);

    if (got[0]) {
        /* the end leaves the last value as it was */
        assert_ptr_equal(value.data, last.data);
        assert_int_equal(value.len, last.len);
    }
}


static void
test_next(void **state)
{
    assert_all(str("cx=one; cx=two"), "cx", "3:3,11:3,");
    assert_all(str("cx=a;cx=b;cx=c"), "cx", "3:1,8:1,13:1,");
    assert_all(str("cx=;cx="), "cx", "3:0,7:0,");
    assert_all(str("cx=one"), "cx", "3:3,");
    assert_all(str("a=1; cx=one; b=2; cxx=3; cx = two ;c=4"), "cx",
               "8:3,30:3,");
    assert_all(str("cx=\"one\"; cx=\"two\""), "cx", "4:3,14:3,");
    assert_all(str("a=1; b=2"), "cx", "");
    assert_all(str("cx=one;"), "cx", "3:3,");
    assert_all(str("cx=one; cx"), "cx", "3:3,");
}


static void
test_empty_value(void **state)
{
    assert_found(str("cx="), "cx", 3, 0);
    assert_found(str("cx=;a=1"), "cx", 3, 0);
    assert_found(str("cx=  ; a=1"), "cx", 5, 0);
}


static void
test_spaces_and_tabs(void **state)
{
    /* around the pair, the '=' and the value; inside a value they stay */
    assert_found(str("  cx=v"), "cx", 5, 1);
    assert_found(str("a=1;\tcx=v"), "cx", 8, 1);
    assert_found(str("cx = v"), "cx", 5, 1);
    assert_found(str("cx\t=\tv\t"), "cx", 5, 1);
    assert_found(str("cx=v w  ; a=1"), "cx", 3, 3);
    assert_found(str("a=1 ;  cx=v  "), "cx", 10, 1);
}


static void
test_no_equals_sign(void **state)
{
    assert_missing(str("cx"), "cx");
    assert_missing(str("cx; a=1"), "cx");
    assert_found(str("cx; cx=1"), "cx", 7, 1);
    assert_missing(str("cx x=1"), "cx");
    assert_missing(str("cx;=1"), "cx");
}


static void
test_quotes_and_commas(void **state)
{
    /* a matched pair of double quotes is no part of the value (RFC 6265) */
    assert_found(str("cx=\"abc\""), "cx", 4, 3);
    assert_found(str("a=1; cx=\"abc\"; b=2"), "cx", 9, 3);
    assert_found(str("cx= \"abc\" "), "cx", 5, 3);
    assert_found(str("cx=\"\""), "cx", 4, 0);

    /* one quote alone, or quotes inside, are the value's: decoding refuses */
    assert_found(str("cx=\"abc"), "cx", 3, 4);
    assert_found(str("cx=abc\""), "cx", 3, 4);
    assert_found(str("cx=\""), "cx", 3, 1);
    assert_found(str("cx=a\"b\"c"), "cx", 3, 5);
    assert_found(str("cx=\"\"abc\"\""), "cx", 4, 5);

    /* ',' separates nothing (RFC 6265): the pair is "a=1, cx=2" */
    assert_missing(str("a=1, cx=2"), "cx");
    assert_found(str("cx=1,2"), "cx", 3, 3);
}


static void
test_nothing_to_find(void **state)
{
    cx_str_t  empty = { NULL, 0 };

    assert_missing(empty, "cx");
    assert_missing(str(""), "cx");
    assert_missing(str(";;; ;"), "cx");
    assert_missing(str("c"), "cx");
    assert_missing(str("cx=1"), "");
    assert_missing(str("=1"), "");
}


static void
test_a_real_cookie(void **state)
{
    static const char  header[] =
        "_ga=GA1.1.1234567890.1764570000; "
        "cx=ASsAESIzRFVmd4iZqrvM3e7_ASNFZ4mrze9pLTOQAZrYpD7QAAMABHKp9Vo"
        "qDJde5UhBLAMAAAAAAAkAAFxWvZGW_NBN; theme=dark";

    assert_found(str(header), "cx", 36, 92);
    assert_found(str(header), "theme", 136, 4);
    assert_found(str(header), "_ga", 4, 27);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_alone_and_among_others),
        cmocka_unit_test(test_name_must_match_whole),
        cmocka_unit_test(test_first_match_wins),
        cmocka_unit_test(test_next),
        cmocka_unit_test(test_empty_value),
        cmocka_unit_test(test_spaces_and_tabs),
        cmocka_unit_test(test_no_equals_sign),
        cmocka_unit_test(test_quotes_and_commas),
        cmocka_unit_test(test_nothing_to_find),
        cmocka_unit_test(test_a_real_cookie),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
