
/*
 * Unit tests of the query string pairs (cx_query.c).
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "cx_query.h"
#include "cx_url.h"


#define str(s)  ((cx_str_t) { (const unsigned char *) (s), sizeof(s) - 1 })


/* the pairs of a query as "name=value|" with "~" marking a missing '=' */
static const char *
pairs_of(cx_str_t query)
{
    static char  out[256];
    size_t       n;
    cx_str_t     rest, name, value;

    n = 0;
    rest = query;

    while (cx_query_next(&rest, &name, &value)) {
        assert_true(n + name.len + value.len + 2 < sizeof(out));
        assert_non_null(value.data);

        memcpy(out + n, name.data, name.len);
        n += name.len;

        if (value.data == name.data + name.len) {
            out[n++] = '~';

        } else {
            assert_ptr_equal(value.data, name.data + name.len + 1);
            out[n++] = '=';
        }

        memcpy(out + n, value.data, value.len);
        n += value.len;
        out[n++] = '|';
    }

    assert_int_equal(rest.len, 0);
    out[n] = '\0';

    return out;
}


static void
test_next(void **state)
{
    assert_string_equal(pairs_of(str("a=1&b=2")), "a=1|b=2|");
    assert_string_equal(pairs_of(str("utm_source=x&gclid")),
                        "utm_source=x|gclid~|");
    assert_string_equal(pairs_of(str("a=&=b&c")), "a=|=b|c~|");
    assert_string_equal(pairs_of(str("a==b=c")), "a==b=c|");
    assert_string_equal(pairs_of(str("a=1;b=2")), "a=1;b=2|");
    assert_string_equal(pairs_of(str("a%20b=c+d%26e")), "a%20b=c+d%26e|");
}


static void
test_next_empty_pairs_skipped(void **state)
{
    assert_string_equal(pairs_of(str("&&a=1&&&b=2&")), "a=1|b=2|");
    assert_string_equal(pairs_of(str("&&&")), "");
    assert_string_equal(pairs_of(str("")), "");
    assert_string_equal(pairs_of((cx_str_t) { NULL, 0 }), "");
}


static void
test_next_at_end(void **state)
{
    cx_str_t  rest, name, value;

    rest = str("a=1");
    assert_int_equal(cx_query_next(&rest, &name, &value), 1);
    assert_int_equal(cx_query_next(&rest, &name, &value), 0);
    assert_int_equal(cx_query_next(&rest, &name, &value), 0);

    /* a flag at the very end: empty, not NULL, inside the input */
    rest = str("x=1&flag");
    assert_int_equal(cx_query_next(&rest, &name, &value), 1);
    assert_int_equal(cx_query_next(&rest, &name, &value), 1);
    assert_int_equal(name.len, 4);
    assert_int_equal(value.len, 0);
    assert_ptr_equal(value.data, name.data + 4);
}


static void
assert_get(cx_str_t query, const char *name, const char *expected)
{
    cx_str_t  value;

    if (expected == NULL) {
        assert_int_equal(cx_query_get(query, name, &value), 0);
        assert_null(value.data);
        assert_int_equal(value.len, 0);
        return;
    }

    assert_int_equal(cx_query_get(query, name, &value), 1);
    assert_non_null(value.data);
    assert_int_equal(value.len, strlen(expected));
    assert_memory_equal(value.data, expected, value.len);
}


static void
test_get(void **state)
{
    cx_str_t  q;

    q = str("utm_source=news&utm_medium=email&utm_source=other&gclid"
            "&utm_term=");

    assert_get(q, "utm_source", "news");
    assert_get(q, "utm_medium", "email");
    assert_get(q, "gclid", "");
    assert_get(q, "utm_term", "");
    assert_get(q, "utm_campaign", NULL);
    /* exact raw names only: no prefix, no case folding, no decoding */
    assert_get(q, "utm", NULL);
    assert_get(q, "utm_sourc", NULL);
    assert_get(q, "UTM_SOURCE", NULL);
    assert_get(str("utm%5Fsource=x"), "utm_source", NULL);
    assert_get(str("utm_source=a%20b"), "utm_source", "a%20b");
    assert_get(str("=x"), "", "x");
    assert_get(str(""), "a", NULL);
    assert_get((cx_str_t) { NULL, 0 }, "a", NULL);
}


static void
test_get_then_decode(void **state)
{
    size_t          n;
    cx_str_t        value;
    unsigned char   buf[64];

    assert_int_equal(cx_query_get(str("c=spring+sale&d=1"), "c", &value), 1);
    n = cx_url_decode(buf, value, 1);
    assert_int_equal(n, 11);
    assert_memory_equal(buf, "spring sale", 11);

    assert_int_equal(cx_query_get(str("c=a%26b%3Dc"), "c", &value), 1);
    n = cx_url_decode(buf, value, 1);
    assert_int_equal(n, 5);
    assert_memory_equal(buf, "a&b=c", 5);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_next),
        cmocka_unit_test(test_next_empty_pairs_skipped),
        cmocka_unit_test(test_next_at_end),
        cmocka_unit_test(test_get),
        cmocka_unit_test(test_get_then_decode),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
