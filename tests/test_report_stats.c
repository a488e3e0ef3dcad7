
/*
 * Unit tests of cx-report's statistics (report/cx_report_stats.c and the
 * nearest rank of report/cx_report_names.c): the distributions against
 * their table values, the uplift test and the SRM check against the
 * numbers of GrowthBook's own tests (packages/stats,
 * tests/frequentist/test_tests.py and tests/test_gbstats.py), and a
 * conversion test worked by hand.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdlib.h>
#include <cmocka.h>

#include "cx_report.h"
#include "cx_report_stats.h"


#define near(a, b, eps)  assert_true(fabs((a) - (b)) <= (eps))


static void
test_distributions(void **state)
{
    /* table values: z 0.975 = 1.959963984540054; t(10) 0.975 =
     * 2.228138851986274; chi-square(1) 0.95 = 3.841458820694124 */
    near(cx_stats_normal_cdf(1.959963984540054), 0.975, 1e-12);
    near(cx_stats_t_cdf(2.228138851986274, 10), 0.975, 1e-12);
    near(cx_stats_t_cdf(-2.228138851986274, 10), 0.025, 1e-12);
    near(cx_stats_t_cdf(0, 3), 0.5, 1e-15);
    near(cx_stats_t_quantile(0.975, 10), 2.228138851986274, 1e-9);
    near(cx_stats_t_quantile(0.975, 1), 12.706204736174707, 1e-8);
    near(cx_stats_chi2_sf(3.841458820694124, 1), 0.05, 1e-12);
    near(cx_stats_chi2_sf(5.991464547107979, 2), 0.05, 1e-12);
    near(cx_stats_chi2_sf(0, 2), 1.0, 1e-15);
}


/* a relative distance: a tiny tail must keep its digits, not merely be
 * near 0 */
#define near_rel(a, b, eps)                                                   \
    assert_true(fabs((a) - (b)) <= (eps) * fabs(b))


static void
test_tiny_tails(void **state)
{
    uint64_t    lopsided[2] = { 1000, 0 };
    double      even[2] = { 1, 1 };
    cx_ttest_t  r;

    /* t(1) is Cauchy, P(T > t) = atan(1/t) / pi for t > 0: python3's
     * math.atan(1e-20) / math.pi = 3.1830988618379067e-21 (1 - cdf gave
     * 0) */
    near_rel(cx_stats_t_sf(1e20, 1), 3.1830988618379067e-21, 1e-12);
    near_rel(cx_stats_t_cdf(-1e20, 1), 3.1830988618379067e-21, 1e-12);

    /* t(2): P(T > t) = (1 - t / sqrt(2 + t^2)) / 2 = 1 / (r (r + t)) with
     * r = sqrt(2 + t^2), the cancellation-free form; at t = 1e10 python3
     * gives 5e-21 */
    near_rel(cx_stats_t_sf(1e10, 2), 5e-21, 1e-12);
    near_rel(cx_stats_t_sf(-1e10, 2), 1.0, 1e-15);

    /* chance_to_win's complement is the lower normal tail:
     * 0.5 * math.erfc(10 / math.sqrt(2)) = 7.619853024160593e-24 */
    near_rel(cx_stats_normal_cdf(-10), 7.619853024160593e-24, 1e-12);

    /* chi-square(2)'s upper tail is exp(-x/2): math.exp(-100) =
     * 3.720075976020836e-44; chi-square(1)'s is erfc(sqrt(x/2)):
     * math.erfc(math.sqrt(50)) = 1.5239706048320995e-23 */
    near_rel(cx_stats_chi2_sf(200, 2), 3.720075976020836e-44, 1e-12);
    near_rel(cx_stats_chi2_sf(100, 1), 1.5239706048320995e-23, 1e-12);

    /* SRM of 1000 and 0 visitors against 50/50: X^2 = 500 + 500 = 1000 on
     * one degree of freedom, p = math.erfc(math.sqrt(500)) =
     * 1.7958327848006385e-219 */
    near_rel(cx_stats_srm(lopsided, even, 2), 1.7958327848006385e-219,
             1e-10);

    /* two visitors a side with the same variance: Welch's df is
     * 2 (n - 1) = 2, so p = 2 / (r (r + t)) as above; control mean 1,
     * variant 2, variance 1e-24: se = sqrt(1e-24/2 + 4e-24/2), t = 1 / se
     * = 632455532033.6759 and p = 2.5e-24 (python3, same steps) */
    assert_int_equal(cx_stats_ttest(1, 1e-24, 2, 2, 1e-24, 2, &r), 0);
    near_rel(r.df, 2.0, 1e-12);
    near_rel(r.p_value, 2.5e-24, 1e-12);
}


static void
test_growthbook_two_sided_ttest(void **state)
{
    cx_ttest_t  r;

    /* GrowthBook's TwoSidedTTest example: control mean 0.41, sd 3.9,
     * n 3407; variant mean 0.70, sd 6.2, n 3461; expected (rounded to 5
     * decimals) uplift 0.70732, its sd 0.37879, interval [-0.03526,
     * 1.44989], p-value 0.06191 */
    assert_int_equal(cx_stats_ttest(0.41, 3.9 * 3.9, 3407, 0.70, 6.2 * 6.2,
                                    3461, &r), 0);

    near(r.uplift, 0.70732, 5e-6);
    near(r.se, 0.37879, 5e-6);
    near(r.ci_low, -0.03526, 5e-6);
    near(r.ci_high, 1.44989, 5e-6);
    near(r.p_value, 0.06191, 5e-6);
}


static void
test_growthbook_srm(void **state)
{
    uint64_t  obs[2] = { 1000, 1200 };
    uint64_t  even[3] = { 500, 500, 500 };
    double    w[3] = { 0.5, 0.5, 1 };

    /* check_srm([1000, 1200], [0.5, 0.5]) == 0.000020079 in GrowthBook */
    near(cx_stats_srm(obs, w, 2), 0.000020079, 5e-10);

    /* weights need not add up to 1: 500/500/500 against 1:1:2 is
     * X^2 = 62.5 + 62.5 + 125 ... over E = 375, 375, 750 */
    near(cx_stats_srm(even, w, 3), cx_stats_chi2_sf(
             2 * 125.0 * 125 / 375 + 250.0 * 250 / 750, 2), 1e-15);
}


static void
test_conversion_by_hand(void **state)
{
    double      pc, p, v, vc, se, df;
    cx_ttest_t  r;

    /* control 100 of 1000, variant 120 of 1000:
     * uplift 0.2; V = 0.12*0.88/(1000*0.01) + 0.1*0.9*0.0144/(1000*1e-4)
     *             = 0.01056 + 0.01296 = 0.02352 */
    pc = 0.1;
    p = 0.12;
    assert_int_equal(cx_stats_ttest(pc, pc * (1 - pc), 1000, p, p * (1 - p),
                                    1000, &r), 0);

    se = sqrt(0.02352);
    v = 0.12 * 0.88 / 1000;
    vc = 0.1 * 0.9 / 1000;
    df = (v + vc) * (v + vc) / (v * v / 999 + vc * vc / 999);

    near(r.uplift, 0.2, 1e-12);
    near(r.se, se, 1e-12);
    near(r.df, df, 1e-6);
    near(r.chance_to_win, cx_stats_normal_cdf(0.2 / se), 1e-12);
    near(r.p_value, 2 * (1 - cx_stats_t_cdf(0.2 / se, df)), 1e-12);
    near(r.ci_high - r.uplift, cx_stats_t_quantile(0.975, df) * se, 1e-9);

    /* no answer without conversions in the control or with one visitor */
    assert_int_equal(cx_stats_ttest(0, 0, 1000, p, p * (1 - p), 1000, &r),
                     -1);
    assert_int_equal(cx_stats_ttest(pc, pc * (1 - pc), 1000, 1, 0, 1, &r),
                     -1);
    assert_int_equal(cx_stats_ttest(1, 0, 10, 1, 0, 10, &r), -1);
}


static void
test_nearest_rank(void **state)
{
    int        i;
    cx_ints_t  a = { NULL, 0, 0 };

    for (i = 20; i >= 1; i--) {
        assert_int_equal(cx_ints_push(&a, i), 0);
    }

    /* ranks ceil(0.5 * 20) = 10 and ceil(0.95 * 20) = 19 */
    assert_int_equal(cx_ints_rank(&a, 0.5), 10);
    assert_int_equal(cx_ints_rank(&a, 0.95), 19);

    a.n = 1;
    assert_int_equal(cx_ints_rank(&a, 0.95), 1);

    /* an even count's median is the lower middle: 2 of 1 2 3 4 */
    a.n = 4;
    assert_int_equal(cx_ints_rank(&a, 0.5), 2);

    free(a.v);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_distributions),
        cmocka_unit_test(test_tiny_tails),
        cmocka_unit_test(test_growthbook_two_sided_ttest),
        cmocka_unit_test(test_growthbook_srm),
        cmocka_unit_test(test_conversion_by_hand),
        cmocka_unit_test(test_nearest_rank),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
