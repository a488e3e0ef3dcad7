
/*
 * Unit tests of friction and the experience rating (cx_experience.c).
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "cx_experience.h"


static cx_experience_input_t
fast_page(void)
{
    cx_experience_input_t  in;

    memset(&in, 0, sizeof(in));
    in.request_ms = 10;
    in.slow_ms = 1000;
    in.status = 200;
    in.in_session = 1;
    in.path = 3;
    in.prev_path[0] = 2;
    in.prev_path[1] = 1;
    in.repeat = 1;

    return in;
}


static void
test_each_flag(void **state)
{
    cx_experience_input_t  in;

    in = fast_page();
    assert_int_equal(cx_experience_friction(&in), 0);

    in.request_ms = 1001;
    assert_int_equal(cx_experience_friction(&in), CX_FRICTION_SLOW);
    in.request_ms = 1000;
    assert_int_equal(cx_experience_friction(&in), 0);

    in = fast_page();
    in.status = 500;
    assert_int_equal(cx_experience_friction(&in), CX_FRICTION_ERROR);
    in.status = 503;
    assert_int_equal(cx_experience_friction(&in), CX_FRICTION_ERROR);
    in.status = 499;
    assert_int_equal(cx_experience_friction(&in), 0);

    in.status = 404;
    assert_int_equal(cx_experience_friction(&in), CX_FRICTION_NOT_FOUND);
    in.status = 410;
    assert_int_equal(cx_experience_friction(&in), CX_FRICTION_NOT_FOUND);

    in = fast_page();
    in.path = 2;
    assert_int_equal(cx_experience_friction(&in), CX_FRICTION_RELOAD);

    in = fast_page();
    in.path = 1;
    assert_int_equal(cx_experience_friction(&in), CX_FRICTION_BACKTRACK);

    in = fast_page();
    in.repeat = 3;
    assert_int_equal(cx_experience_friction(&in), CX_FRICTION_LOOP);
    in.repeat = 2;
    assert_int_equal(cx_experience_friction(&in), 0);
}


static void
test_no_session_no_path_flags(void **state)
{
    cx_experience_input_t  in;

    in = fast_page();
    in.in_session = 0;
    in.path = 2;
    assert_int_equal(cx_experience_friction(&in), 0);

    /* a session's second page has no page two back */
    in = fast_page();
    in.prev_path[1] = 0;
    in.path = 0;
    assert_int_equal(cx_experience_friction(&in), 0);
}


static void
test_goal_does_not_loop(void **state)
{
    cx_experience_input_t  in;

    in = fast_page();
    in.repeat = 5;
    in.goal = 1;
    assert_int_equal(cx_experience_friction(&in), 0);
}


static void
test_ratings(void **state)
{
    cx_experience_input_t  in;

    /* under a quarter of the threshold, no friction: positive */
    in = fast_page();
    in.request_ms = 249;
    assert_int_equal(cx_experience_rate(&in, 0), CX_EXPERIENCE_POSITIVE);

    /* a quarter or more: neutral */
    in.request_ms = 250;
    assert_int_equal(cx_experience_rate(&in, 0), CX_EXPERIENCE_NEUTRAL);

    /* a goal without friction: positive, however long it took */
    in.goal = 1;
    in.request_ms = 900;
    assert_int_equal(cx_experience_rate(&in, 0), CX_EXPERIENCE_POSITIVE);

    /* slow, error, not found: negative */
    in = fast_page();
    assert_int_equal(cx_experience_rate(&in, CX_FRICTION_SLOW),
                     CX_EXPERIENCE_NEGATIVE);
    assert_int_equal(cx_experience_rate(&in, CX_FRICTION_ERROR),
                     CX_EXPERIENCE_NEGATIVE);
    assert_int_equal(cx_experience_rate(&in, CX_FRICTION_NOT_FOUND),
                     CX_EXPERIENCE_NEGATIVE);

    /* one other flag: neutral, even fast or on a goal; two: negative */
    assert_int_equal(cx_experience_rate(&in, CX_FRICTION_RELOAD),
                     CX_EXPERIENCE_NEUTRAL);
    in.goal = 1;
    assert_int_equal(cx_experience_rate(&in, CX_FRICTION_LOOP),
                     CX_EXPERIENCE_NEUTRAL);
    assert_int_equal(cx_experience_rate(&in,
                                        CX_FRICTION_RELOAD | CX_FRICTION_LOOP),
                     CX_EXPERIENCE_NEGATIVE);
}


static void
test_history(void **state)
{
    uint8_t  h;

    h = 0;
    assert_int_equal(cx_experience_worst(h), CX_EXPERIENCE_NONE);

    h = cx_experience_push(h, CX_EXPERIENCE_NEGATIVE);
    h = cx_experience_push(h, CX_EXPERIENCE_POSITIVE);
    h = cx_experience_push(h, CX_EXPERIENCE_NEUTRAL);
    assert_int_equal(h, (3 << 4) | (1 << 2) | 2);
    assert_int_equal(cx_experience_worst(h), CX_EXPERIENCE_NEGATIVE);

    /* the fourth pushes the first out */
    h = cx_experience_push(h, CX_EXPERIENCE_POSITIVE);
    assert_int_equal(cx_experience_worst(h), CX_EXPERIENCE_NEUTRAL);
    assert_int_equal(h & 0xc0, 0);

    /* a page answered twice (a 200 become a 412) is rated once */
    h = cx_experience_replace(h, CX_EXPERIENCE_NEGATIVE);
    assert_int_equal(h, (1 << 4) | (2 << 2) | 3);
    h = cx_experience_replace(0xff, CX_EXPERIENCE_POSITIVE);
    assert_int_equal(h, 0x3d);
}


static void
test_names(void **state)
{
    assert_string_equal(cx_experience_name(CX_EXPERIENCE_POSITIVE),
                        "positive");
    assert_string_equal(cx_experience_name(CX_EXPERIENCE_NEGATIVE),
                        "negative");
    assert_null(cx_experience_name(CX_EXPERIENCE_NONE));
    assert_string_equal(cx_friction_name(0), "slow");
    assert_string_equal(cx_friction_name(5), "loop");
    assert_null(cx_friction_name(6));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_each_flag),
        cmocka_unit_test(test_no_session_no_path_flags),
        cmocka_unit_test(test_goal_does_not_loop),
        cmocka_unit_test(test_ratings),
        cmocka_unit_test(test_history),
        cmocka_unit_test(test_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
