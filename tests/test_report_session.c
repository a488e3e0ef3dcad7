
/*
 * Unit tests of cx-report's session assembly and figures
 * (report/cx_report_collect.c, cx_report_session.c, cx_report_result.c):
 * a few journeys fed line by line, in a shuffled order, and the figures
 * docs/report.md defines, worked out by hand.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cx_report.h"
#include "report_test.h"


#define V1  "\"11111111111111111111111111111111\""
#define V2  "\"22222222222222222222222222222222\""
#define V3  "\"33333333333333333333333333333333\""


/* a page view at minute:second "ms" of 2026-12-01 06:00 */
static void
page(cx_report_t *rp, const char *ms, const char *visitor,
    const char *session, int seq, const char *tp, const char *channel,
    const char *goal, const char *extra)
{
    char       buf[1024];
    cx_line_t  line;

    snprintf(buf, sizeof(buf), "{\"v\":1,\"ts\":\"2026-12-01T06:%s.000Z\","
             "\"event\":\"page_view\",\"visitor\":%s,\"session\":\"%s\","
             "\"seq\":%d,\"touchpoint\":%s,\"channel\":%s,\"goal\":%s,"
             "\"request_ms\":%d,\"bot\":false%s}", ms, visitor, session, seq,
             tp, channel, goal, seq * 10, extra);

    assert_int_equal(cx_reader_parse(&rd, (unsigned char *) buf,
                                     strlen(buf), &line), 0);
    assert_int_equal(cx_report_advance(rp, line.ts_ms), 0);
    assert_int_equal(cx_report_line(rp, &line), 0);
}


/* a page view of no channel and no goal */
static void
view(cx_report_t *rp, const char *ms, const char *visitor,
    const char *session, int seq, const char *tp)
{
    page(rp, ms, visitor, session, seq, tp, "null", "false", "");
}


/* a report of all times, with a funnel when "funnel" is given */
static void
start(cx_report_t *rp, cx_report_conf_t *conf, unsigned path_steps,
    int closing, char **funnel, unsigned nfunnel)
{
    memset(conf, 0, sizeof(*conf));
    conf->since_ms = INT64_MIN;
    conf->until_ms = INT64_MAX;
    conf->path_steps = path_steps;
    conf->funnel = funnel;
    conf->nfunnel = nfunnel;

    assert_int_equal(cx_report_init(rp, conf, closing), 0);
}


static cx_path_t *
find_path(cx_result_t *res, const char *joined)
{
    char        buf[256];
    size_t      i, j;
    cx_path_t  *p;

    for (i = 0; i < res->npaths; i++) {
        p = res->paths[i];
        buf[0] = '\0';
        for (j = 0; j < p->nsteps; j++) {
            strcat(buf, j ? " > " : "");
            strcat(buf, cx_result_name(res, p->step[j]));
        }
        if (strcmp(buf, joined) == 0) {
            return p;
        }
    }

    return NULL;
}


static void
test_sessions_put_back_together(void **state)
{
    char               *funnel[] = { "home", "checkout", "done" };
    cx_report_t         rp;
    cx_result_t         res;
    cx_report_conf_t    conf;
    cx_channel_stat_t  *cs;

    start(&rp, &conf, 5, 0, funnel, 3);

    /* s1, out of order: home, home, checkout, done (a goal); its channel
     * is its first page view's, search */
    page(&rp, "03:00", V1, "00000000000000a1", 3, "\"checkout\"",
         "\"direct\"", "false", "");
    page(&rp, "01:00", V1, "00000000000000a1", 1, "\"home\"", "\"search\"",
         "false", "");
    page(&rp, "04:30", V1, "00000000000000a1", 4, "\"done\"", "\"direct\"",
         "true", "");
    page(&rp, "02:00", V1, "00000000000000a1", 2, "\"home\"", "\"direct\"",
         "false", "");

    /* s2: one page, a bounce; s3, V1 again: no touchpoint, no channel */
    page(&rp, "05:00", V2, "00000000000000a2", 1, "\"home\"", "\"direct\"",
         "false", "");
    page(&rp, "06:00", V1, "00000000000000a3", 1, "null", "null", "false",
         "");

    assert_int_equal(cx_report_finish(&rp), 0);
    assert_int_equal(cx_result_build(&res, &rp), 0);

    assert_int_equal(rp.page_views, 6);
    assert_int_equal(rp.visitors_n, 2);
    assert_int_equal(rp.sessions, 3);
    assert_int_equal(rp.bounces, 2);
    assert_int_equal(rp.conversions, 1);
    assert_int_equal(rp.session_pages, 6);

    /* channels: search 1 (converted), direct 1, (none) 1 */
    assert_int_equal(res.nchannels, 3);
    cs = &rp.channel[res.channels[0]];
    assert_string_equal(cx_result_name(&res, res.channels[0]), "(none)");
    assert_int_equal(cs->sessions, 1);
    assert_string_equal(cx_result_name(&res, res.channels[2]), "search");
    assert_int_equal(rp.channel[res.channels[2]].conversions, 1);

    /* touchpoints: home 3 views, 2 entries, 1 exit; done 1 exit */
    assert_string_equal(cx_result_name(&res, res.tps[0]), "home");
    assert_int_equal(rp.tp[res.tps[0]].views, 3);
    assert_int_equal(rp.tp[res.tps[0]].entries, 2);
    assert_int_equal(rp.tp[res.tps[0]].exits, 1);

    /* paths: repeats collapsed */
    assert_int_equal(res.npaths, 3);
    assert_non_null(find_path(&res, "home > checkout > done"));
    assert_int_equal(find_path(&res, "home > checkout > done")->conversions,
                     1);
    assert_non_null(find_path(&res, "home"));
    assert_non_null(find_path(&res, "(none)"));

    /* funnel: home 2, checkout 1 (2 minutes after the first home), done 1
     * (90 s after checkout) */
    assert_int_equal(rp.funnel_sessions[0], 2);
    assert_int_equal(rp.funnel_sessions[1], 1);
    assert_int_equal(rp.funnel_sessions[2], 1);
    assert_int_equal(cx_ints_rank(&rp.funnel_ms[1], 0.5), 120000);
    assert_int_equal(cx_ints_rank(&rp.funnel_ms[2], 0.5), 90000);

    cx_result_free(&res);
    cx_report_free(&rp);
}


static void
test_paths_cut(void **state)
{
    cx_report_t       rp;
    cx_result_t       res;
    cx_report_conf_t  conf;

    start(&rp, &conf, 2, 0, NULL, 0);

    view(&rp, "01:00", V1, "00000000000000b1", 1, "\"a\"");
    view(&rp, "01:01", V1, "00000000000000b1", 2, "\"b\"");
    view(&rp, "01:02", V1, "00000000000000b1", 3, "\"c\"");
    view(&rp, "01:00", V1, "00000000000000b2", 1, "\"a\"");
    view(&rp, "01:01", V1, "00000000000000b2", 2, "\"b\"");
    view(&rp, "01:02", V1, "00000000000000b2", 3, "\"b\"");

    assert_int_equal(cx_report_finish(&rp), 0);
    assert_int_equal(cx_result_build(&res, &rp), 0);

    assert_non_null(find_path(&res, "a > b > \xe2\x80\xa6"));
    assert_non_null(find_path(&res, "a > b"));

    cx_result_free(&res);
    cx_report_free(&rp);
}


static void
test_closing_and_late_lines(void **state)
{
    cx_report_t       rp;
    cx_report_conf_t  conf;

    start(&rp, &conf, 5, 1, NULL, 0);

    view(&rp, "00:00", V1, "00000000000000c1", 1, "\"a\"");
    view(&rp, "39:59", V2, "00000000000000c2", 1, "\"a\"");
    assert_int_equal(rp.sessions, 0);
    assert_int_equal(rp.sessions_open, 2);

    /* 40 minutes and a millisecond past c1's last line: c1 is counted */
    view(&rp, "40:01", V2, "00000000000000c2", 2, "\"a\"");
    assert_int_equal(rp.sessions, 1);
    assert_int_equal(rp.sessions_open, 1);
    assert_false(rp.late);

    /* a line for c1 now: the pass is late */
    view(&rp, "40:02", V1, "00000000000000c1", 2, "\"a\"");
    assert_true(rp.late);

    cx_report_free(&rp);
}


static void
test_experiment_exposure_and_conversion(void **state)
{
    cx_report_t       rp;
    cx_result_t       res;
    cx_report_conf_t  conf;

    start(&rp, &conf, 5, 0, NULL, 0);

    /* V1: first in B, later seen in A; its goal came before: not converted */
    page(&rp, "02:00", V1, "00000000000000d1", 2, "\"a\"", "null", "false",
         ",\"experiments\":{\"e\":\"A\"}");
    page(&rp, "01:00", V1, "00000000000000d1", 1, "\"a\"", "null", "false",
         ",\"experiments\":{\"e\":\"B\"}");
    page(&rp, "00:30", V1, "00000000000000d0", 1, "\"g\"", "null", "true",
         "");

    /* V2: forced, no unit */
    page(&rp, "01:00", V2, "00000000000000d2", 1, "\"a\"", "null", "true",
         ",\"experiments\":{\"e\":\"A\"},\"forced\":[\"e\"]");

    /* V3: a goal at the very time of the exposure converts */
    page(&rp, "01:00", V3, "00000000000000d3", 2, "\"g\"", "null", "true",
         "");
    page(&rp, "01:00", V3, "00000000000000d3", 1, "\"a\"", "null", "false",
         ",\"experiments\":{\"e\":\"A\"}");

    assert_int_equal(cx_report_finish(&rp), 0);
    assert_int_equal(cx_result_build(&res, &rp), 0);

    assert_int_equal(res.nexperiments, 1);
    assert_string_equal(res.experiments[0].name, "e");
    assert_int_equal(res.experiments[0].nvariants, 2);
    assert_string_equal(res.experiments[0].variants[0].variant, "A");
    assert_int_equal(res.experiments[0].variants[0].visitors, 1);
    assert_int_equal(res.experiments[0].variants[0].conversions, 1);
    assert_true(res.experiments[0].variants[0].control);
    assert_string_equal(res.experiments[0].variants[1].variant, "B");
    assert_int_equal(res.experiments[0].variants[1].visitors, 1);
    assert_int_equal(res.experiments[0].variants[1].conversions, 0);

    /* one visitor each: no statistics, and the split is even */
    assert_false(res.experiments[0].variants[1].has_stats);
    assert_true(res.experiments[0].has_srm);
    assert_true(res.experiments[0].srm_p > 0.999);

    cx_result_free(&res);
    cx_report_free(&rp);
}


static void
test_feedback_before(void **state)
{
    char                buf[512];
    cx_line_t           line;
    cx_report_t         rp;
    cx_result_t         res;
    cx_report_conf_t    conf;
    cx_feedback_stat_t *fs;

    start(&rp, &conf, 5, 0, NULL, 0);

    /* feedback after seq 2: pages 1 and 2 came before it, not 3 */
    snprintf(buf, sizeof(buf), "{\"v\":1,\"ts\":\"2026-12-01T06:02:30.000Z\""
             ",\"event\":\"feedback\",\"visitor\":" V1 ",\"session\":"
             "\"00000000000000e1\",\"seq\":2,\"feedback\":{\"score\":1,"
             "\"scale\":\"csat\",\"comment\":\"slow\",\"touchpoint\":"
             "\"cart\"}}");
    assert_int_equal(cx_reader_parse(&rd, (unsigned char *) buf,
                                     strlen(buf), &line), 0);
    assert_int_equal(cx_report_line(&rp, &line), 0);

    view(&rp, "03:00", V1, "00000000000000e1", 3, "\"pay\"");
    view(&rp, "01:00", V1, "00000000000000e1", 1, "\"home\"");
    view(&rp, "02:00", V1, "00000000000000e1", 2, "\"cart\"");

    assert_int_equal(cx_report_finish(&rp), 0);
    assert_int_equal(cx_result_build(&res, &rp), 0);

    assert_int_equal(res.nfeedback, 1);
    fs = &rp.feedback[res.feedback[0]];
    assert_int_equal(fs->answers, 1);
    assert_true(cx_result_score(fs, CX_SCALE_CSAT) == 0.0);
    assert_int_equal(fs->nlowest, 1);
    assert_string_equal(fs->lowest[0]->comment, "slow");
    assert_int_equal(fs->lowest[0]->nbefore, 2);
    assert_string_equal(cx_result_name(&res, fs->lowest[0]->before[0]),
                        "home");
    assert_string_equal(cx_result_name(&res, fs->lowest[0]->before[1]),
                        "cart");

    cx_result_free(&res);
    cx_report_free(&rp);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_sessions_put_back_together),
        cmocka_unit_test(test_paths_cut),
        cmocka_unit_test(test_closing_and_late_lines),
        cmocka_unit_test(test_experiment_exposure_and_conversion),
        cmocka_unit_test(test_feedback_before),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
