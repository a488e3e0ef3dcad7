
/*
 * Statistics: see cx_report_stats.h.  The formulas are GrowthBook's
 * (packages/stats, gbstats: frequentist/tests.py and the SRM check), as
 * docs/report.md writes them out; the distributions are the textbook
 * continued fractions and series of the incomplete beta and gamma
 * functions.
 */


#include <math.h>

#include "cx_report_stats.h"


#define CX_STATS_EPS    1e-15
#define CX_STATS_TINY   1e-300
#define CX_STATS_ITERS  1000


static double cx_stats_lentz(double an, double bn, double *c, double *d);
static double cx_stats_beta_fraction(double a, double b, double x);
static double cx_stats_incomplete_beta(double a, double b, double x);


double
cx_stats_normal_cdf(double z)
{
    return 0.5 * erfc(-z / sqrt(2.0));
}


/* one step of Lentz's method for a continued fraction b0 + a1/(b1 + a2/(b2
 * + ...)): the new C and D from the step's a and b, and the factor the
 * value is multiplied by */
static double
cx_stats_lentz(double an, double bn, double *c, double *d)
{
    *d = bn + an * *d;
    if (fabs(*d) < CX_STATS_TINY) {
        *d = CX_STATS_TINY;
    }

    *c = bn + an / *c;
    if (fabs(*c) < CX_STATS_TINY) {
        *c = CX_STATS_TINY;
    }

    *d = 1.0 / *d;

    return *d * *c;
}


/* the continued fraction of I_x(a, b), by Lentz's method */
static double
cx_stats_beta_fraction(double a, double b, double x)
{
    int     m;
    double  c, d, h, aa, del, m2;

    c = 1.0;
    d = 1.0 - (a + b) * x / (a + 1.0);
    if (fabs(d) < CX_STATS_TINY) {
        d = CX_STATS_TINY;
    }
    d = 1.0 / d;
    h = d;

    for (m = 1; m <= CX_STATS_ITERS; m++) {
        m2 = 2.0 * m;

        aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        h *= cx_stats_lentz(aa, 1.0, &c, &d);

        aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        del = cx_stats_lentz(aa, 1.0, &c, &d);
        h *= del;

        if (fabs(del - 1.0) < CX_STATS_EPS) {
            break;
        }
    }

    return h;
}


/* the regularized incomplete beta function I_x(a, b) */
static double
cx_stats_incomplete_beta(double a, double b, double x)
{
    double  front;

    if (x <= 0.0) {
        return 0.0;
    }

    if (x >= 1.0) {
        return 1.0;
    }

    front = exp(lgamma(a + b) - lgamma(a) - lgamma(b)
                + a * log(x) + b * log1p(-x));

    /* the fraction converges fast on its own side of the mean */
    if (x < (a + 1.0) / (a + b + 2.0)) {
        return front * cx_stats_beta_fraction(a, b, x) / a;
    }

    return 1.0 - front * cx_stats_beta_fraction(b, a, 1.0 - x) / b;
}


/*
 * The tail beyond |t| is I_x(df/2, 1/2) / 2 with x = df / (df + t^2), which
 * the fraction computes directly: a tiny upper tail keeps its digits where
 * 1 - cdf would round it to 0.
 */
double
cx_stats_t_sf(double t, double df)
{
    double  tail;

    if (isinf(t)) {
        return t > 0 ? 0.0 : 1.0;
    }

    tail = 0.5 * cx_stats_incomplete_beta(df / 2.0, 0.5, df / (df + t * t));

    return t > 0 ? tail : 1.0 - tail;
}


double
cx_stats_t_cdf(double t, double df)
{
    return cx_stats_t_sf(-t, df);
}


/* by bisection: the CDF rises, and 200 halvings reach double precision */
double
cx_stats_t_quantile(double p, double df)
{
    int     i;
    double  lo, hi, mid;

    lo = -1e6;
    hi = 1e6;

    for (i = 0; i < 200; i++) {
        mid = 0.5 * (lo + hi);

        if (cx_stats_t_cdf(mid, df) < p) {
            lo = mid;

        } else {
            hi = mid;
        }
    }

    return 0.5 * (lo + hi);
}


/* the regularized upper incomplete gamma Q(a, x): series below a + 1,
 * continued fraction above; the series gives 1 - P, which is no loss there
 * since Q(a, x) > 0.08 for a >= 1/2 and x < a + 1, and the fraction
 * gives a small Q directly */
static double
cx_stats_gamma_q(double a, double x)
{
    int     n;
    double  sum, del, ap, b, c, d, h, an;

    if (x <= 0.0) {
        return 1.0;
    }

    if (x < a + 1.0) {
        ap = a;
        sum = 1.0 / a;
        del = sum;

        for (n = 0; n < CX_STATS_ITERS; n++) {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if (fabs(del) < fabs(sum) * CX_STATS_EPS) {
                break;
            }
        }

        return 1.0 - sum * exp(-x + a * log(x) - lgamma(a));
    }

    b = x + 1.0 - a;
    c = 1.0 / CX_STATS_TINY;
    d = 1.0 / b;
    h = d;

    for (n = 1; n <= CX_STATS_ITERS; n++) {
        an = -n * (n - a);
        b += 2.0;
        del = cx_stats_lentz(an, b, &c, &d);
        h *= del;
        if (fabs(del - 1.0) < CX_STATS_EPS) {
            break;
        }
    }

    return exp(-x + a * log(x) - lgamma(a)) * h;
}


double
cx_stats_chi2_sf(double x, double k)
{
    return cx_stats_gamma_q(k / 2.0, x / 2.0);
}


int
cx_stats_ttest(double mean_c, double var_c, double n_c, double mean,
    double var, double n, cx_ttest_t *r)
{
    double  v, vc, q;

    if (n < 2 || n_c < 2 || mean_c == 0.0) {
        return -1;
    }

    r->uplift = (mean - mean_c) / mean_c;

    /* the delta method's variance of the ratio of the two means */
    r->se = sqrt(var / (n * mean_c * mean_c)
                 + var_c * mean * mean / (n_c * pow(mean_c, 4)));

    if (!(r->se > 0.0) || !isfinite(r->se)) {
        return -1;
    }

    /* Welch-Satterthwaite, on the variances of the two means */
    v = var / n;
    vc = var_c / n_c;
    r->df = (v + vc) * (v + vc)
            / (v * v / (n - 1.0) + vc * vc / (n_c - 1.0));

    if (!isfinite(r->df) || r->df <= 0.0) {
        return -1;
    }

    r->p_value = 2.0 * cx_stats_t_sf(fabs(r->uplift / r->se), r->df);
    if (r->p_value > 1.0) {
        r->p_value = 1.0;
    }

    q = cx_stats_t_quantile(0.975, r->df);
    r->ci_low = r->uplift - q * r->se;
    r->ci_high = r->uplift + q * r->se;
    r->chance_to_win = cx_stats_normal_cdf(r->uplift / r->se);

    return 0;
}


double
cx_stats_srm(const uint64_t *obs, const double *w, unsigned k)
{
    unsigned  i;
    double    total, wsum, e, x;

    total = 0;
    wsum = 0;

    for (i = 0; i < k; i++) {
        total += (double) obs[i];
        wsum += w[i];
    }

    x = 0;

    for (i = 0; i < k; i++) {
        e = total * w[i] / wsum;
        if (e > 0) {
            x += ((double) obs[i] - e) * ((double) obs[i] - e) / e;
        }
    }

    return cx_stats_chi2_sf(x, (double) (k - 1));
}
