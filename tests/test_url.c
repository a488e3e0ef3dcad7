
/*
 * Unit tests of the request target helpers (cx_url.c).
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "cx_url.h"


#define str(s)  ((cx_str_t) { (const unsigned char *) (s), sizeof(s) - 1 })


static void
assert_split(cx_str_t target, const char *path, const char *query)
{
    cx_str_t  p, q;

    cx_url_split(target, &p, &q);

    assert_int_equal(p.len, strlen(path));
    assert_memory_equal(p.data, path, p.len);

    if (query == NULL) {
        assert_null(q.data);

    } else {
        assert_non_null(q.data);
        assert_int_equal(q.len, strlen(query));
        assert_memory_equal(q.data, query, q.len);
    }
}


static void
test_split(void **state)
{
    assert_split(str("/a/b"), "/a/b", NULL);
    assert_split(str("/a?x=1&y=2"), "/a", "x=1&y=2");
    assert_split(str("/a?"), "/a", "");
    assert_split(str("/a?b?c"), "/a", "b?c");
    assert_split(str(""), "", NULL);
}


static void
assert_decoded(cx_str_t in, int plus, const char *expected, size_t len)
{
    size_t         n;
    unsigned char  buf[256];

    n = cx_url_decode(buf, in, plus);
    assert_int_equal(n, len);
    assert_memory_equal(buf, expected, len);
}


static void
test_decode(void **state)
{
    assert_decoded(str("/caf%C3%A9%20x"), 0, "/caf\xc3\xa9 x", 8);
    assert_decoded(str("%2f%2F"), 0, "//", 2);
    assert_decoded(str("a+b"), 0, "a+b", 3);
    assert_decoded(str("a+b"), 1, "a b", 3);
    assert_decoded(str("%00%ff"), 0, "\0\xff", 2);
    /* malformed escapes stay as they are */
    assert_decoded(str("100%"), 0, "100%", 4);
    assert_decoded(str("%4"), 0, "%4", 2);
    assert_decoded(str("%zz%4g"), 0, "%zz%4g", 6);
    assert_decoded(str("%%41"), 0, "%A", 2);
}


static void
assert_normalized(const char *in, int merge, const char *expected)
{
    size_t         n;
    cx_str_t       src;
    unsigned char  buf[256];

    src.data = (const unsigned char *) in;
    src.len = strlen(in);

    memset(buf, 'X', sizeof(buf));

    n = cx_url_normalize(buf, src, merge);

    if (expected == NULL) {
        assert_true(n == CX_URL_ABOVE_ROOT);
        return;
    }

    assert_int_equal(n, strlen(expected));
    assert_memory_equal(buf, expected, n);
    assert_true(n <= src.len);
}


static void
test_normalize(void **state)
{
    assert_normalized("/checkout/done", 1, "/checkout/done");
    assert_normalized("", 1, "");
    assert_normalized("/", 1, "/");

    /* merged slashes, or kept as merge_slashes off keeps them */
    assert_normalized("//checkout/done", 1, "/checkout/done");
    assert_normalized("/checkout///done//", 1, "/checkout/done/");
    assert_normalized("//checkout/done", 0, "//checkout/done");

    /* dot segments */
    assert_normalized("/./checkout/done", 1, "/checkout/done");
    assert_normalized("/x/../checkout/done", 1, "/checkout/done");
    assert_normalized("/a/b/../../checkout/./done", 1, "/checkout/done");
    assert_normalized("/a/.", 1, "/a/");
    assert_normalized("/a/..", 1, "/");
    assert_normalized("/a/b/..", 1, "/a/");
    assert_normalized("/.", 1, "/");
    assert_normalized("/x//../done", 1, "/done");
    assert_normalized("/x//../done", 0, "/x/done");

    /* names with dots are no dot segments */
    assert_normalized("/.well-known/a", 1, "/.well-known/a");
    assert_normalized("/a/.../b", 1, "/a/.../b");
    assert_normalized("/a/..b/c", 1, "/a/..b/c");
    assert_normalized("/a./b", 1, "/a./b");
    assert_normalized("/a/b..", 1, "/a/b..");
    assert_normalized("/a.././b", 1, "/a../b");

    /* above the root: nginx answers these 400 */
    assert_normalized("/..", 1, NULL);
    assert_normalized("/../checkout", 1, NULL);
    assert_normalized("/a/../../checkout", 1, NULL);
    assert_normalized("/./..", 1, NULL);
    assert_normalized("//..", 0, "/");
    assert_normalized("//../..", 0, NULL);
}


/*
 * Differential: every path over '/', '.', 'a' up to 9 bytes, both settings
 * of merge_slashes: what cx_url_is_normal() passes, cx_url_normalize()
 * gives back byte for byte; and it passes the usual paths.
 */
static void
test_is_normal(void **state)
{
    int             merge;
    size_t          len, i, k, n, rest, total, normal;
    cx_str_t        src;
    unsigned char   path[9], out[9];

    static const unsigned char  alphabet[] = "/.a";

    total = 0;
    normal = 0;

    for (merge = 0; merge <= 1; merge++) {
        for (len = 0; len <= sizeof(path); len++) {

            /* each of 3^len paths, its digits in base 3 */

            for (n = 1, i = 0; i < len; i++) {
                n *= 3;
            }

            for (k = 0; k < n; k++) {
                rest = k;

                for (i = 0; i < len; i++) {
                    path[i] = alphabet[rest % 3];
                    rest /= 3;
                }

                src.data = path;
                src.len = len;
                total++;

                if (!cx_url_is_normal(src, merge)) {
                    continue;
                }

                normal++;
                assert_int_equal(cx_url_normalize(out, src, merge), len);
                assert_memory_equal(out, path, len);
            }
        }
    }

    assert_true(normal > 1000);
    assert_true(normal < total);

    assert_true(cx_url_is_normal(str("/checkout/done"), 1));
    assert_true(cx_url_is_normal(str("/product/42.html"), 1));
    assert_true(cx_url_is_normal(str("/a//b"), 0));
    assert_true(cx_url_is_normal(str(""), 1));
    assert_false(cx_url_is_normal(str("/a//b"), 1));
    assert_false(cx_url_is_normal(str("/a/./b"), 0));
    assert_false(cx_url_is_normal(str("/a/.."), 0));
    assert_false(cx_url_is_normal(str("/."), 1));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_is_normal),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
