
/*
 * Unit tests of what the browser fetches (cx_fetch.c).
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "cx_fetch.h"


static cx_str_t
str(const char *s)
{
    cx_str_t  r;

    r.data = (const unsigned char *) s;
    r.len = strlen(s);

    return r;
}


static void
test_speculation(void **state)
{
    /* what Chrome's speculation rules and <link rel=prefetch> send */
    assert_int_equal(cx_fetch_speculation(str("prefetch")),
                     CX_FETCH_PREFETCH);
    assert_int_equal(cx_fetch_speculation(str("prefetch;prerender")),
                     CX_FETCH_PRERENDER);
    assert_int_equal(cx_fetch_speculation(str("prefetch;anonymous-client-ip")),
                     CX_FETCH_PREFETCH);
    assert_int_equal(cx_fetch_speculation(
                         str("prefetch;anonymous-client-ip;prerender")),
                     CX_FETCH_PRERENDER);

    /* spaces, case, a list, parameters with values */
    assert_int_equal(cx_fetch_speculation(str("  Prefetch ; prerender ")),
                     CX_FETCH_PRERENDER);
    assert_int_equal(cx_fetch_speculation(str("preview, prefetch")),
                     CX_FETCH_PREFETCH);
    assert_int_equal(cx_fetch_speculation(str("prefetch;a=1;prerender=?1")),
                     CX_FETCH_PRERENDER);
    assert_int_equal(cx_fetch_speculation(str("prefetch,prerender")),
                     CX_FETCH_PREFETCH);
}


static void
test_not_speculation(void **state)
{
    static const char  *none[] = {
        "", "preview", "prerender", "prefetching", "xprefetch",
        "prerender;prefetch", "a=prefetch", ";prefetch", ",", ";;", "=",
        "\"prefetch\"", "pre fetch"
    };

    size_t  i;

    for (i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
        assert_int_equal(cx_fetch_speculation(str(none[i])),
                         CX_FETCH_NAVIGATION);
    }
}


static void
test_dest(void **state)
{
    static const char  *others[] = {
        "", "empty", "image", "script", "style", "iframe", "frame",
        "manifest", "serviceworker", "documents", "doc", "document;x",
        "document, image"
    };

    size_t  i;

    assert_true(cx_fetch_dest_document(str("document")));
    assert_true(cx_fetch_dest_document(str(" Document ")));

    for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        assert_false(cx_fetch_dest_document(str(others[i])));
    }
}


static void
test_classify(void **state)
{
    static const char  *others[] = {
        "", "image", "script", "style", "iframe", "frame", "manifest",
        "serviceworker", "font", "unknown", "document;x", "empty, image"
    };

    size_t      i;
    cx_str_t    none = cx_null_string;
    cx_fetch_e  spec[] = { CX_FETCH_PREFETCH, CX_FETCH_PRERENDER };

    /* curl, old browsers: the content type decides alone */
    assert_int_equal(cx_fetch_classify(none, CX_FETCH_NAVIGATION),
                     CX_FETCH_NAVIGATION);
    assert_int_equal(cx_fetch_classify(none, CX_FETCH_PREFETCH),
                     CX_FETCH_PREFETCH);

    assert_int_equal(cx_fetch_classify(str("document"), CX_FETCH_NAVIGATION),
                     CX_FETCH_NAVIGATION);
    assert_int_equal(cx_fetch_classify(str("document"), CX_FETCH_PRERENDER),
                     CX_FETCH_PRERENDER);

    /* fetch() is no page; <link rel=prefetch> sends "empty" */
    assert_int_equal(cx_fetch_classify(str("empty"), CX_FETCH_NAVIGATION),
                     CX_FETCH_OTHER);
    assert_int_equal(cx_fetch_classify(str(" empty "), CX_FETCH_PREFETCH),
                     CX_FETCH_PREFETCH);

    for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        assert_int_equal(cx_fetch_classify(str(others[i]),
                                           CX_FETCH_NAVIGATION),
                         CX_FETCH_OTHER);
        assert_int_equal(cx_fetch_classify(str(others[i]), spec[i % 2]),
                         CX_FETCH_OTHER);
    }
}


static void
test_names(void **state)
{
    assert_string_equal(cx_fetch_name(CX_FETCH_NAVIGATION), "navigation");
    assert_string_equal(cx_fetch_name(CX_FETCH_PREFETCH), "prefetch");
    assert_string_equal(cx_fetch_name(CX_FETCH_PRERENDER), "prerender");
    assert_string_equal(cx_fetch_name(CX_FETCH_OTHER), "other");
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_speculation),
        cmocka_unit_test(test_not_speculation),
        cmocka_unit_test(test_dest),
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
