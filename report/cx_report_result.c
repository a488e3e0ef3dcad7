
/*
 * The finished report: the counted figures put in the orders
 * docs/report.md gives, the experiments' statistics worked out.
 */


#include <stdlib.h>
#include <string.h>

#include "cx_report.h"
#include "cx_report_stats.h"


#ifndef CX_VERSION
#define CX_VERSION  "unknown"
#endif


static int cx_result_experiments(cx_result_t *res, cx_report_t *rp);


const char *cx_report_version = CX_VERSION;


/* qsort has no context: the report the orders look at */
static cx_report_t  *cx_result_rp;


const char *
cx_result_name(cx_result_t *res, uint32_t id)
{
    return res->rp->names.name[id];
}


static int
cx_result_by_name(const void *a, const void *b)
{
    return cx_names_cmp(&cx_result_rp->names, *(const uint32_t *) a,
                        *(const uint32_t *) b);
}


static int
cx_result_channel_cmp(const void *a, const void *b)
{
    uint32_t  x, y;
    uint64_t  sx, sy;

    x = *(const uint32_t *) a;
    y = *(const uint32_t *) b;
    sx = cx_result_rp->channel[x].sessions;
    sy = cx_result_rp->channel[y].sessions;

    if (sx != sy) {
        return sx > sy ? -1 : 1;
    }

    return cx_names_cmp(&cx_result_rp->names, x, y);
}


static int
cx_result_tp_cmp(const void *a, const void *b)
{
    uint32_t  x, y;
    uint64_t  vx, vy;

    x = *(const uint32_t *) a;
    y = *(const uint32_t *) b;
    vx = cx_result_rp->tp[x].views;
    vy = cx_result_rp->tp[y].views;

    if (vx != vy) {
        return vx > vy ? -1 : 1;
    }

    return cx_names_cmp(&cx_result_rp->names, x, y);
}


/* the steps joined with " > ", in byte order, compared step by step:
 * a step that is a prefix of the other's sorts first when " > " or the
 * end follows it, so names are compared with that in mind */
static int
cx_result_path_joined_cmp(const cx_path_t *x, const cx_path_t *y)
{
    unsigned      i;
    size_t        lx, ly, len;
    int           c;
    const char   *nx, *ny, *sep;
    cx_names_t   *names;

    names = &cx_result_rp->names;
    sep = " > ";

    for (i = 0; i < x->nsteps && i < y->nsteps; i++) {
        if (x->step[i] == y->step[i]) {
            continue;
        }

        nx = names->name[x->step[i]];
        ny = names->name[y->step[i]];
        lx = names->len[x->step[i]];
        ly = names->len[y->step[i]];
        len = lx < ly ? lx : ly;
        c = memcmp(nx, ny, len);
        if (c != 0) {
            return c;
        }

        /* one name is a prefix of the other: what follows the shorter
         * is " > " (or nothing, at the end) against the longer's byte */
        if (lx < ly) {
            if (i + 1 == x->nsteps) {
                return -1;
            }
            return (unsigned char) sep[0] < (unsigned char) ny[lx] ? -1
                   : (unsigned char) sep[0] > (unsigned char) ny[lx] ? 1
                   : memcmp(sep, ny + lx, 3) <= 0 ? -1 : 1;
        }

        if (i + 1 == y->nsteps) {
            return 1;
        }
        return (unsigned char) nx[ly] < (unsigned char) sep[0] ? -1
               : (unsigned char) nx[ly] > (unsigned char) sep[0] ? 1
               : memcmp(nx + ly, sep, 3) < 0 ? -1 : 1;
    }

    return (int) x->nsteps - (int) y->nsteps;
}


static int
cx_result_path_cmp(const void *a, const void *b)
{
    const cx_path_t  *x, *y;

    x = *(cx_path_t * const *) a;
    y = *(cx_path_t * const *) b;

    if (x->sessions != y->sessions) {
        return x->sessions > y->sessions ? -1 : 1;
    }

    return cx_result_path_joined_cmp(x, y);
}


static int
cx_result_feedback_cmp(const void *a, const void *b)
{
    int       c;
    uint32_t  x, y;

    x = *(const uint32_t *) a;
    y = *(const uint32_t *) b;
    c = cx_names_cmp(&cx_result_rp->names, x / CX_SCALE_N, y / CX_SCALE_N);

    if (c != 0) {
        return c;
    }

    /* scales by name: ces, csat, nps, thumbs */
    return strcmp(cx_scale_label[x % CX_SCALE_N],
                  cx_scale_label[y % CX_SCALE_N]);
}


double
cx_result_score(cx_feedback_stat_t *fs, cx_scale_e scale)
{
    double  n;

    n = (double) fs->answers;

    switch (scale) {
    case CX_SCALE_NPS:
        return ((double) fs->top - (double) fs->bottom) / n;
    case CX_SCALE_CES:
        return (double) fs->sum / n;
    default:
        return (double) fs->top / n;
    }
}


int
cx_result_build(cx_result_t *res, cx_report_t *rp)
{
    size_t  i, n, s;

    memset(res, 0, sizeof(cx_result_t));
    res->rp = rp;
    cx_result_rp = rp;
    n = rp->names.n;

    res->days = malloc((n + 1) * sizeof(uint32_t));
    res->channels = malloc((n + 1) * sizeof(uint32_t));
    res->tps = malloc((n + 1) * sizeof(uint32_t));
    res->feedback = malloc((n * CX_SCALE_N + 1) * sizeof(uint32_t));
    res->paths = malloc((rp->paths_n + 1) * sizeof(cx_path_t *));

    if (res->days == NULL || res->channels == NULL || res->tps == NULL
        || res->feedback == NULL || res->paths == NULL)
    {
        return -1;
    }

    for (i = 0; i < n; i++) {
        if (rp->is_day[i]) {
            res->days[res->ndays++] = (uint32_t) i;
        }
        if (rp->is_channel[i]) {
            res->channels[res->nchannels++] = (uint32_t) i;
        }
        if (rp->is_tp[i] & 1) {
            res->tps[res->ntps++] = (uint32_t) i;
        }
        for (s = 0; s < CX_SCALE_N; s++) {
            if (rp->feedback[i * CX_SCALE_N + s].answers > 0) {
                res->feedback[res->nfeedback++] = (uint32_t) (i * CX_SCALE_N
                                                              + s);
            }
        }
    }

    qsort(res->days, res->ndays, sizeof(uint32_t), cx_result_by_name);
    qsort(res->channels, res->nchannels, sizeof(uint32_t),
          cx_result_channel_cmp);
    qsort(res->tps, res->ntps, sizeof(uint32_t), cx_result_tp_cmp);
    qsort(res->feedback, res->nfeedback, sizeof(uint32_t),
          cx_result_feedback_cmp);

    for (i = 0; i < rp->paths_n; i++) {
        res->paths[i] = &rp->paths[i];
    }

    qsort(res->paths, rp->paths_n, sizeof(cx_path_t *), cx_result_path_cmp);
    res->npaths = rp->paths_n < CX_REPORT_TOP_PATHS ? rp->paths_n
                                                    : CX_REPORT_TOP_PATHS;

    return cx_result_experiments(res, rp);
}


static int
cx_arm_cmp(const void *a, const void *b)
{
    int              c;
    const cx_arm_t  *x, *y;

    x = a;
    y = b;
    c = cx_names_cmp(&cx_result_rp->names, x->exp, y->exp);

    if (c != 0) {
        return c;
    }

    return cx_names_cmp(&cx_result_rp->names, x->variant, y->variant);
}


/* the option "exp=value" for "exp", or NULL */
static const char *
cx_result_option(char **opts, unsigned n, const char *exp)
{
    unsigned  i;
    size_t    len;

    len = strlen(exp);

    for (i = 0; i < n; i++) {
        if (strncmp(opts[i], exp, len) == 0 && opts[i][len] == '=') {
            return opts[i] + len + 1;
        }
    }

    return NULL;
}


static int
cx_result_experiments(cx_result_t *res, cx_report_t *rp)
{
    size_t                   i, j, k, narms, cap, first;
    unsigned                 v, c, nw;
    double                  *w, pc, p;
    uint64_t                *obs;
    cx_arm_t                *arms;
    const char              *control, *weights;
    char                    *end;
    cx_ttest_t               t;
    cx_visitor_t            *vis;
    cx_exposure_t           *e;
    cx_result_variant_t     *rv;
    cx_result_experiment_t  *ex;

    narms = 0;
    cap = 64;
    arms = malloc(cap * sizeof(cx_arm_t));
    if (arms == NULL) {
        return -1;
    }

    /* one arm per experiment and variant: few, so a linear search */
    for (i = 0; i < rp->visitors_nslots; i++) {
        vis = &rp->visitors[i];

        for (j = 0; j < (vis->max_goal == 0 ? 0 : vis->nexposures); j++) {
            e = &vis->exposure[j];

            for (k = 0; k < narms; k++) {
                if (arms[k].exp == e->exp && arms[k].variant == e->variant) {
                    break;
                }
            }

            if (k == narms) {
                if (narms == cap) {
                    cap *= 2;
                    arms = realloc(arms, cap * sizeof(cx_arm_t));
                    if (arms == NULL) {
                        return -1;
                    }
                }
                arms[k].exp = e->exp;
                arms[k].variant = e->variant;
                arms[k].visitors = 0;
                arms[k].conversions = 0;
                narms++;
            }

            arms[k].visitors++;
            arms[k].conversions += (vis->max_goal >= e->ts);
        }
    }

    qsort(arms, narms, sizeof(cx_arm_t), cx_arm_cmp);

    res->experiments = calloc(narms + 1, sizeof(cx_result_experiment_t));
    if (res->experiments == NULL) {
        free(arms);
        return -1;
    }

    for (first = 0; first < narms; first = k) {
        for (k = first; k < narms && arms[k].exp == arms[first].exp; k++) {
            /* the experiment's arms */
        }

        ex = &res->experiments[res->nexperiments++];
        ex->name = rp->names.name[arms[first].exp];
        ex->nvariants = (unsigned) (k - first);
        ex->variants = calloc(ex->nvariants, sizeof(cx_result_variant_t));
        obs = calloc(ex->nvariants, sizeof(uint64_t));
        w = calloc(ex->nvariants, sizeof(double));

        if (ex->variants == NULL || obs == NULL || w == NULL) {
            return -1;
        }

        control = cx_result_option(rp->conf->controls, rp->conf->ncontrols,
                                   ex->name);
        c = control ? ex->nvariants : 0;

        for (v = 0; v < ex->nvariants; v++) {
            rv = &ex->variants[v];
            rv->variant = rp->names.name[arms[first + v].variant];
            rv->visitors = arms[first + v].visitors;
            rv->conversions = arms[first + v].conversions;
            rv->rate = (double) rv->conversions / (double) rv->visitors;
            obs[v] = rv->visitors;
            w[v] = 1.0;

            if (control != NULL && strcmp(control, rv->variant) == 0) {
                c = v;
            }
        }

        if (c < ex->nvariants) {
            ex->variants[c].control = 1;
            pc = ex->variants[c].rate;

            for (v = 0; v < ex->nvariants; v++) {
                rv = &ex->variants[v];
                p = rv->rate;

                if (v == c
                    || cx_stats_ttest(pc, pc * (1 - pc),
                                      (double) ex->variants[c].visitors,
                                      p, p * (1 - p),
                                      (double) rv->visitors, &t) != 0)
                {
                    continue;
                }

                rv->has_stats = 1;
                rv->uplift = t.uplift;
                rv->p_value = t.p_value;
                rv->ci_low = t.ci_low;
                rv->ci_high = t.ci_high;
                rv->chance_to_win = t.chance_to_win;
            }
        }

        weights = cx_result_option(rp->conf->weights, rp->conf->nweights,
                                   ex->name);
        nw = ex->nvariants;

        if (weights != NULL) {
            for (nw = 0; nw < ex->nvariants; nw++) {
                w[nw] = strtod(weights, &end);
                weights = end;
                if (*weights != ',') {
                    nw++;
                    break;
                }
                weights++;
            }

            if (nw != ex->nvariants || *weights != '\0') {
                fprintf(stderr, "cx-report: --weights for \"%s\" do not "
                        "match its %u variants: no SRM check\n", ex->name,
                        ex->nvariants);
                nw = 0;
            }
        }

        if (ex->nvariants > 1 && nw == ex->nvariants) {
            ex->has_srm = 1;
            ex->srm_p = cx_stats_srm(obs, w, ex->nvariants);
            ex->srm_warning = ex->srm_p < 0.001;
        }

        free(obs);
        free(w);
    }

    free(arms);

    return 0;
}


void
cx_result_free(cx_result_t *res)
{
    size_t  i;

    for (i = 0; i < res->nexperiments; i++) {
        free(res->experiments[i].variants);
    }

    free(res->experiments);
    free(res->days);
    free(res->channels);
    free(res->tps);
    free(res->feedback);
    free(res->paths);
}
