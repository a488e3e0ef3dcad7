
/*
 * The statistics of cx-report's experiments (docs/report.md,
 * "experiments"): Student's t and chi-square distributions, the
 * delta-method relative uplift with Welch's t, the SRM check.
 */


#ifndef CX_REPORT_STATS_H
#define CX_REPORT_STATS_H


#include <stdint.h>


typedef struct {
    double  uplift;
    double  se;
    double  df;
    double  p_value;
    double  ci_low;
    double  ci_high;
    double  chance_to_win;
} cx_ttest_t;


double cx_stats_normal_cdf(double z);
double cx_stats_t_cdf(double t, double df);
/* the upper tail P(T > t), precise when it is tiny */
double cx_stats_t_sf(double t, double df);
double cx_stats_t_quantile(double p, double df);
double cx_stats_chi2_sf(double x, double k);

/* control mean, variance and count, then the variant's; -1 when the test
 * has no answer (a zero control mean, a zero standard error, n < 2) */
int cx_stats_ttest(double mean_c, double var_c, double n_c, double mean,
    double var, double n, cx_ttest_t *r);

/* the p-value of "obs" against weights "w", k > 1 */
double cx_stats_srm(const uint64_t *obs, const double *w, unsigned k);


#endif /* CX_REPORT_STATS_H */
