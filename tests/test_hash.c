
/*
 * Unit tests of FNV-1a (cx_hash.c), against the published test values.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cx_hash.h"


#define str(s)  ((cx_str_t) { (const unsigned char *) (s), sizeof(s) - 1 })


static void
test_known_values(void **state)
{
    assert_int_equal(cx_fnv1a32(str("")), 0x811c9dc5u);
    assert_int_equal(cx_fnv1a32(str("a")), 0xe40c292cu);
    assert_int_equal(cx_fnv1a32(str("foobar")), 0xbf9cf968u);
}


static void
test_update_continues(void **state)
{
    uint32_t  h;

    h = cx_fnv1a32_update(CX_FNV1A32_INIT, (const unsigned char *) "foo", 3);
    h = cx_fnv1a32_update(h, (const unsigned char *) "bar", 3);

    assert_int_equal(h, cx_fnv1a32(str("foobar")));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_known_values),
        cmocka_unit_test(test_update_continues),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
