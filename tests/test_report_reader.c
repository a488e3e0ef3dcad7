
/*
 * Unit tests of cx-report's line reader (report/cx_report_reader.c): the
 * fields it picks out, and the lines it refuses, as Python's json module
 * and docs/report.md decide.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cx_report_reader.h"
#include "report_test.h"


#define HEAD  "{\"v\":1,\"ts\":\"2026-12-01T06:47:12.123Z\","


static cx_line_t  line;


static int
parse(const char *s)
{
    return cx_reader_parse(&rd, (const unsigned char *) s, strlen(s), &line);
}


static void
assert_str(cx_str_t s, const char *want)
{
    assert_int_equal(s.len, strlen(want));
    assert_memory_equal(s.data, want, s.len);
}


static void
test_page_view_fields(void **state)
{
    assert_int_equal(parse(HEAD "\"event\":\"page_view\",\"host\":\"shop\","
        "\"path\":\"/x\",\"request_ms\":12,\"visitor\":"
        "\"3f2a9c4e7b1d4f6a8e5c0b9d2a7f6e13\",\"session\":\"00000000000000ff\""
        ",\"seq\":3,\"touchpoint\":\"cart\",\"goal\":true,\"channel\":"
        "\"search\",\"bot\":false,\"lat\":1.5e3,\"experiments\":"
        "{\"checkout\":\"B\",\"hero\":\"red\"},\"forced\":[\"hero\"],"
        "\"friction\":[\"slow\",\"loop\"],\"experience\":\"negative\"}"), 0);

    assert_int_equal(line.event, CX_EVENT_PAGE_VIEW);
    assert_int_equal(line.ts_ms, 1796107632123LL);
    assert_str(line.ts, "2026-12-01T06:47:12.123Z");
    assert_true(line.has_session);
    assert_int_equal(line.session, 0xff);
    assert_true(line.has_visitor);
    assert_int_equal(line.visitor[0], 0x3f2a9c4e7b1d4f6aULL);
    assert_int_equal(line.visitor[1], 0x8e5c0b9d2a7f6e13ULL);
    assert_int_equal(line.seq, 3);
    assert_int_equal(line.request_ms, 12);
    assert_str(line.host, "shop");
    assert_str(line.touchpoint, "cart");
    assert_str(line.channel, "search");
    assert_true(line.goal);
    assert_false(line.bot);
    assert_int_equal(line.experience, CX_EXPERIENCE_NEGATIVE);
    assert_int_equal(line.friction, (1u << 5) | (1u << 2));
    assert_int_equal(line.nexperiments, 2);
    assert_str(line.experiments[1].name, "hero");
    assert_str(line.experiments[1].variant, "red");
    assert_int_equal(line.nforced, 1);
    assert_str(line.forced[0], "hero");
}


static void
test_nulls_and_absent(void **state)
{
    assert_int_equal(parse(HEAD "\"event\":\"page_view\",\"visitor\":null,"
        "\"session\":null,\"seq\":null,\"touchpoint\":null,\"goal\":null,"
        "\"bot\":null,\"experience\":null}"), 0);

    assert_false(line.has_visitor);
    assert_false(line.has_session);
    assert_false(line.has_seq);
    assert_false(line.has_touchpoint);
    assert_false(line.has_request_ms);
    assert_false(line.goal);
    assert_int_equal(line.experience, CX_EXPERIENCE_NONE);
}


static void
test_feedback(void **state)
{
    assert_int_equal(parse(HEAD "\"event\":\"feedback\",\"feedback\":"
        "{\"score\":2,\"scale\":\"nps\",\"comment\":\"tr\\u00e8s \\\"lent\\\""
        "\",\"touchpoint\":\"checkout\"}}"), 0);

    assert_int_equal(line.event, CX_EVENT_FEEDBACK);
    assert_int_equal(line.score, 2);
    assert_int_equal(line.scale, CX_SCALE_NPS);
    assert_str(line.comment, "tr\xc3\xa8s \"lent\"");
    assert_str(line.feedback_touchpoint, "checkout");

    /* the four members are required, score 0 to 10 */
    assert_int_equal(parse(HEAD "\"event\":\"feedback\",\"feedback\":"
        "{\"score\":2,\"scale\":\"nps\",\"touchpoint\":null}}"), -1);
    assert_int_equal(parse(HEAD "\"event\":\"feedback\",\"feedback\":"
        "{\"score\":11,\"scale\":\"nps\",\"comment\":null,"
        "\"touchpoint\":null}}"), -1);
    assert_int_equal(parse(HEAD "\"event\":\"feedback\"}"), -1);
}


static void
test_escapes_in_names_and_values(void **state)
{
    /* "\u0074s" is "ts"; a surrogate pair is one character */
    assert_int_equal(parse("{\"v\":1,\"\\u0074s\":\"2026-12-01T06:47:12.123Z\""
        ",\"event\":\"page_view\",\"touchpoint\":\"\\ud83d\\ude00\\/x\"}"), 0);
    assert_str(line.touchpoint, "\xf0\x9f\x98\x80/x");
}


static void
test_duplicate_keys_last_wins(void **state)
{
    assert_int_equal(parse(HEAD "\"event\":\"feedback\",\"event\":"
        "\"page_view\",\"touchpoint\":\"a\",\"touchpoint\":null,"
        "\"experiments\":{\"e\":\"A\",\"e\":\"B\"},\"friction\":[\"slow\"],"
        "\"friction\":[\"error\"]}"), 0);

    assert_int_equal(line.event, CX_EVENT_PAGE_VIEW);
    assert_false(line.has_touchpoint);
    assert_int_equal(line.nexperiments, 1);
    assert_str(line.experiments[0].variant, "B");
    assert_int_equal(line.friction, 1u << 1);
}


static void
test_invalid_lines(void **state)
{
    static const char  *bad[] = {
        "",
        "[]",
        "null",
        "{\"v\":1,\"ts\":\"2026-12-01T06:47:12.123Z\"}",
        HEAD "\"event\":\"click\"}",
        "{\"v\":2,\"ts\":\"2026-12-01T06:47:12.123Z\",\"event\":\"event\"}",
        "{\"v\":1.0,\"ts\":\"2026-12-01T06:47:12.123Z\",\"event\":\"event\"}",
        "{\"v\":1,\"ts\":\"2026-12-01 06:47:12\",\"event\":\"event\"}",
        HEAD "\"event\":\"event\"} x",
        HEAD "\"event\":\"event\",}",
        HEAD "\"event\":\"event\"",
        HEAD "\"event\":\"event\",\"x\":NaN}",
        HEAD "\"event\":\"event\",\"x\":01}",
        HEAD "\"event\":\"event\",\"x\":1.}",
        HEAD "\"event\":\"event\",\"x\":\"a\tb\"}",
        HEAD "\"event\":\"event\",\"x\":\"\\x\"}",
        HEAD "\"event\":\"event\",\"x\":\"\xc0\xaf\"}",
        HEAD "\"event\":\"event\",\"x\":\"\xed\xa0\x80\"}",
        HEAD "\"event\":\"event\",\"x\":\"\xf4\x90\x80\x80\"}",
        HEAD "\"event\":\"event\",\"x\":\"\xe2\x82\"}",
        HEAD "\"event\":\"page_view\",\"seq\":0}",
        HEAD "\"event\":\"page_view\",\"seq\":1e400}",
        HEAD "\"event\":\"page_view\",\"seq\":99999999999999999999}",
        HEAD "\"event\":\"page_view\",\"seq\":\"3\"}",
        HEAD "\"event\":\"page_view\",\"session\":\"00000000000000FF\"}",
        HEAD "\"event\":\"page_view\",\"visitor\":\"abc\"}",
        HEAD "\"event\":\"page_view\",\"goal\":1}",
        HEAD "\"event\":\"page_view\",\"friction\":[\"sad\"]}",
        HEAD "\"event\":\"page_view\",\"experiments\":{\"e\":1}}",
        HEAD "\"event\":\"page_view\",\"touchpoint\":\"\\ud800\"}",
        NULL
    };

    const char  **p;

    for (p = bad; *p != NULL; p++) {
        if (parse(*p) != -1) {
            fail_msg("accepted: %s", *p);
        }
        assert_non_null(rd.error);
    }
}


static void
test_what_is_skipped_is_only_checked(void **state)
{
    /* valid JSON the report does not read: huge numbers, a lone surrogate
     * where no field is read, unknown members */
    assert_int_equal(parse(HEAD "\"event\":\"event\",\"lat\":1e400,"
        "\"asn\":123456789012345678901234567890,\"name\":\"\\udc00\","
        "\"extra\":[{\"a\":[true,false,null,-0.5E-3]}]}"), 0);
}


static void
test_nesting(void **state)
{
    char    *s;
    size_t   i, depth, len;

    for (depth = 254; depth <= 256; depth++) {
        len = strlen(HEAD "\"event\":\"event\",\"x\":}") + 2 * depth + 1;
        s = malloc(len);
        assert_non_null(s);
        strcpy(s, HEAD "\"event\":\"event\",\"x\":");
        for (i = 0; i < depth; i++) {
            strcat(s, "[");
        }
        for (i = 0; i < depth; i++) {
            strcat(s, "]");
        }
        strcat(s, "}");

        /* the object itself is level 1, its arrays 2 to depth + 1 */
        assert_int_equal(parse(s), depth + 1 <= CX_READER_MAX_DEPTH ? 0 : -1);
        free(s);
    }
}


static void
test_timestamps(void **state)
{
    assert_int_equal(cx_reader_ts_ms((const unsigned char *)
                     "2000-02-29T23:59:59.999Z", 24), 951868799999LL);
    assert_int_equal(cx_reader_ts_ms((const unsigned char *)
                     "1970-01-01T00:00:00.000Z", 24), 0);
    assert_int_equal(cx_reader_ts_ms((const unsigned char *)
                     "2026-12-01T06:47:12.123", 23), -1);
    assert_int_equal(cx_reader_ts_ms((const unsigned char *)
                     "1969-12-31T23:59:59.999Z", 24), -1);

    /* the last moment of each month's last day, leap years by the
     * Gregorian rule; 2024-03-01 is 19783 days after 1970-01-01 */
    assert_int_equal(cx_reader_ts_ms((const unsigned char *)
                     "2024-02-29T23:59:59.999Z", 24),
                     19783LL * 86400000 - 1);
    assert_int_equal(cx_reader_ts_ms((const unsigned char *)
                     "2026-04-30T00:00:00.000Z", 24), 20573LL * 86400000);
    assert_int_equal(cx_reader_ts_ms((const unsigned char *)
                     "2026-12-31T00:00:00.000Z", 24), 20818LL * 86400000);
}


static void
test_impossible_timestamps(void **state)
{
    const char  **p;
    char          buf[128];

    static const char  *bad[] = {
        "2026-13-01T00:00:00.000Z", "2026-00-10T00:00:00.000Z",
        "2026-01-00T00:00:00.000Z", "2026-01-32T00:00:00.000Z",
        "2026-02-30T00:00:00.000Z", "2026-02-29T00:00:00.000Z",
        "2100-02-29T00:00:00.000Z", "2026-04-31T00:00:00.000Z",
        "2026-06-31T00:00:00.000Z", "2026-09-31T00:00:00.000Z",
        "2026-11-31T00:00:00.000Z", "2026-12-01T24:00:00.000Z",
        "2026-12-01T23:60:00.000Z", "2026-12-01T23:59:60.000Z",
        "2026-12-01T99:99:99.999Z", NULL
    };

    for (p = bad; *p != NULL; p++) {
        if (cx_reader_ts_ms((const unsigned char *) *p, 24)
            != CX_READER_TS_IMPOSSIBLE)
        {
            fail_msg("accepted: %s", *p);
        }

        /* a line with it is invalid, and says why */
        snprintf(buf, sizeof(buf),
                 "{\"v\":1,\"ts\":\"%s\",\"event\":\"event\"}", *p);
        assert_int_equal(parse(buf), -1);
        assert_string_equal(rd.error, "\"ts\" is not a real date and time");
    }

    /* 2000 is a leap year, 2024 too */
    assert_true(cx_reader_ts_ms((const unsigned char *)
                "2000-02-29T00:00:00.000Z", 24) > 0);
    assert_true(cx_reader_ts_ms((const unsigned char *)
                "2024-02-29T00:00:00.000Z", 24) > 0);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_page_view_fields),
        cmocka_unit_test(test_nulls_and_absent),
        cmocka_unit_test(test_feedback),
        cmocka_unit_test(test_escapes_in_names_and_values),
        cmocka_unit_test(test_duplicate_keys_last_wins),
        cmocka_unit_test(test_invalid_lines),
        cmocka_unit_test(test_what_is_skipped_is_only_checked),
        cmocka_unit_test(test_nesting),
        cmocka_unit_test(test_timestamps),
        cmocka_unit_test(test_impossible_timestamps),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
