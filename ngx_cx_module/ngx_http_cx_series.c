
/*
 * The metrics' series: every one of them known at config time, their labels
 * bounded by nginx.conf (touchpoints and experiments are named there,
 * anything else is "other"), in the order cx_metrics shows them.
 */


#include "ngx_http_cx_metrics.h"


static ngx_int_t ngx_http_cx_log_series(ngx_http_cx_metrics_t *m,
    ngx_http_cx_main_conf_t *mcf);
static ngx_int_t ngx_http_cx_single(ngx_http_cx_metrics_t *m,
    const char *name, const char *help, ngx_uint_t *index);
static ngx_int_t ngx_http_cx_family(ngx_http_cx_metrics_t *m,
    const char *name, const char *type, const char *help);
static ngx_int_t ngx_http_cx_series(ngx_http_cx_metrics_t *m,
    const char *name, ngx_uint_t kind, const char *fmt, ...);


/* histogram buckets of cx_request_duration_seconds, in ms; +Inf last */
ngx_msec_t  ngx_http_cx_duration_buckets[NGX_HTTP_CX_BUCKETS - 1] = {
    50, 100, 250, 500, 1000, 2500, 5000, 10000
};

static const char  *ngx_http_cx_bucket_le[NGX_HTTP_CX_BUCKETS] = {
    "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"
};

static const char  *ngx_http_cx_ratings[] = {
    "positive", "neutral", "negative"
};


ngx_int_t
ngx_http_cx_metrics_build(ngx_conf_t *cf, ngx_http_cx_metrics_t *m,
    ngx_http_cx_main_conf_t *mcf)
{
    ngx_str_t                  *name;
    ngx_uint_t                  i, j, k, n, offset;
    ngx_http_cx_variant_t      *variants;
    ngx_http_cx_touchpoint_t   *tps;
    ngx_http_cx_experiment_t  **exps;

    m->pool = cf->pool;

    m->series = ngx_array_create(cf->pool, 256, sizeof(ngx_http_cx_series_t));
    m->families = ngx_array_create(cf->pool, 16,
                                   sizeof(ngx_http_cx_family_t));
    if (m->series == NULL || m->families == NULL) {
        return NGX_ERROR;
    }

    /* every configured touchpoint, then "other" */

    n = mcf->touchpoint_names ? mcf->touchpoint_names->nelts : 0;
    tps = n ? mcf->touchpoint_names->elts : NULL;
    m->ntouchpoints = n + 1;

    m->touchpoint_label = ngx_palloc(cf->pool, m->ntouchpoints
                                               * sizeof(ngx_str_t));
    if (m->touchpoint_label == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < n; i++) {
        m->touchpoint_label[i] = tps[i].name;
    }

    ngx_str_set(&m->touchpoint_label[n], "other");
    name = m->touchpoint_label;

    if (ngx_http_cx_family(m, "cx_page_views_total", "counter",
                           "Page views, by touchpoint.") != NGX_OK)
    {
        return NGX_ERROR;
    }

    m->page_views = m->series->nelts;

    for (i = 0; i < m->ntouchpoints; i++) {
        if (ngx_http_cx_series(m, "cx_page_views_total",
                               NGX_HTTP_CX_SERIES_COUNTER,
                               "touchpoint=\"%V\"", &name[i])
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (ngx_http_cx_single(m, "cx_visitors_new_total",
                           "Visitors seen for the first time.",
                           &m->visitors_new)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_cx_family(m, "cx_sessions_total", "counter",
                           "Sessions started, by channel.") != NGX_OK)
    {
        return NGX_ERROR;
    }

    m->sessions = m->series->nelts;

    /* indexed by the channel's enum: NONE first, never counted */

    for (i = 0; i < CX_CHANNEL_COUNT; i++) {
        if (ngx_http_cx_series(m, "cx_sessions_total",
                               NGX_HTTP_CX_SERIES_COUNTER, "channel=\"%s\"",
                               i ? cx_channel_name(i) : "none")
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (ngx_http_cx_family(m, "cx_goals_total", "counter",
                           "Goals reached, by goal touchpoint.") != NGX_OK)
    {
        return NGX_ERROR;
    }

    m->goals = m->series->nelts;

    for (i = 0; i < m->ntouchpoints; i++) {
        if (ngx_http_cx_series(m, "cx_goals_total",
                               NGX_HTTP_CX_SERIES_COUNTER,
                               "touchpoint=\"%V\"", &name[i])
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (ngx_http_cx_family(m, "cx_friction_total", "counter",
                           "Page views with friction, by touchpoint and "
                           "kind.") != NGX_OK)
    {
        return NGX_ERROR;
    }

    m->friction = m->series->nelts;

    for (i = 0; i < m->ntouchpoints; i++) {
        for (j = 0; j < CX_FRICTION_KINDS; j++) {
            if (ngx_http_cx_series(m, "cx_friction_total",
                                   NGX_HTTP_CX_SERIES_COUNTER,
                                   "touchpoint=\"%V\",kind=\"%s\"", &name[i],
                                   cx_friction_name(j))
                != NGX_OK)
            {
                return NGX_ERROR;
            }
        }
    }

    if (ngx_http_cx_family(m, "cx_experience_total", "counter",
                           "Page views, by touchpoint and experience "
                           "rating.") != NGX_OK)
    {
        return NGX_ERROR;
    }

    m->experience = m->series->nelts;

    for (i = 0; i < m->ntouchpoints; i++) {
        for (j = 0; j < 3; j++) {
            if (ngx_http_cx_series(m, "cx_experience_total",
                                   NGX_HTTP_CX_SERIES_COUNTER,
                                   "touchpoint=\"%V\",rating=\"%s\"",
                                   &name[i], ngx_http_cx_ratings[j])
                != NGX_OK)
            {
                return NGX_ERROR;
            }
        }
    }

    if (ngx_http_cx_family(m, "cx_request_duration_seconds", "histogram",
                           "Page view durations, by touchpoint.") != NGX_OK)
    {
        return NGX_ERROR;
    }

    m->duration = m->series->nelts;

    for (i = 0; i < m->ntouchpoints; i++) {
        for (j = 0; j < NGX_HTTP_CX_BUCKETS; j++) {
            if (ngx_http_cx_series(m, "cx_request_duration_seconds_bucket",
                                   NGX_HTTP_CX_SERIES_BUCKET,
                                   "touchpoint=\"%V\",le=\"%s\"", &name[i],
                                   ngx_http_cx_bucket_le[j])
                != NGX_OK)
            {
                return NGX_ERROR;
            }
        }

        if (ngx_http_cx_series(m, "cx_request_duration_seconds_sum",
                               NGX_HTTP_CX_SERIES_SECONDS,
                               "touchpoint=\"%V\"", &name[i])
            != NGX_OK
            || ngx_http_cx_series(m, "cx_request_duration_seconds_count",
                                  NGX_HTTP_CX_SERIES_COUNTER,
                                  "touchpoint=\"%V\"", &name[i])
               != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    n = mcf->experiments ? mcf->experiments->nelts : 0;
    exps = n ? mcf->experiments->elts : NULL;

    for (k = 0; k < 2; k++) {

        if (ngx_http_cx_family(m, k ? "cx_experiment_goals_total"
                                    : "cx_experiment_exposures_total",
                               "counter",
                               k ? "Goals reached, by experiment and variant."
                                 : "Page views, by experiment and variant.")
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (k) {
            m->experiment_goals = m->series->nelts;

        } else {
            m->exposures = m->series->nelts;
        }

        offset = 0;

        for (i = 0; i < n; i++) {
            exps[i]->metric_offset = offset;
            offset += exps[i]->variants.nelts;
            variants = exps[i]->variants.elts;

            for (j = 0; j < exps[i]->variants.nelts; j++) {
                if (ngx_http_cx_series(m, k ? "cx_experiment_goals_total"
                                            : "cx_experiment_exposures_total",
                                       NGX_HTTP_CX_SERIES_COUNTER,
                                       "experiment=\"%V\",variant=\"%V\"",
                                       &exps[i]->name, &variants[j].name)
                    != NGX_OK)
                {
                    return NGX_ERROR;
                }
            }
        }
    }

    if (ngx_http_cx_family(m, "cx_cookie_rejected_total", "counter",
                           "Cookies refused, by reason.") != NGX_OK)
    {
        return NGX_ERROR;
    }

    m->cookie_rejected = m->series->nelts;

    /* a cookie from a clock ahead is ours, and kept: counted on its own */

    for (i = 1; i < CX_COOKIE_FUTURE; i++) {
        if (ngx_http_cx_series(m, "cx_cookie_rejected_total",
                               NGX_HTTP_CX_SERIES_COUNTER, "reason=\"%s\"",
                               cx_cookie_status_name(i))
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (ngx_http_cx_single(m, "cx_cookie_clock_ahead_total",
                           "Cookies of ours whose times were ahead of this "
                           "node's clock: visitor kept, session restarted.",
                           &m->cookie_ahead)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_cx_log_series(m, mcf) != NGX_OK
        || ngx_http_cx_single(m, "cx_bot_requests_total",
                              "Page views by bots.", &m->bot_requests)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_cx_family(m, "cx_consent_page_views_total", "counter",
                           "Page views where cx_consent applies, by "
                           "consent.") != NGX_OK)
    {
        return NGX_ERROR;
    }

    m->consent = m->series->nelts;

    for (i = 0; i < 2; i++) {
        if (ngx_http_cx_series(m, "cx_consent_page_views_total",
                               NGX_HTTP_CX_SERIES_COUNTER, "consent=\"%s\"",
                               i ? "refused" : "given")
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (ngx_http_cx_family(m, "cx_feedback_total", "counter",
                           "Feedback received, by touchpoint and score.")
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    m->feedback = m->series->nelts;

    for (i = 0; i < m->ntouchpoints; i++) {
        for (j = 0; j < NGX_HTTP_CX_SCORES; j++) {
            if (ngx_http_cx_series(m, "cx_feedback_total",
                                   NGX_HTTP_CX_SERIES_COUNTER,
                                   "touchpoint=\"%V\",score=\"%ui\"",
                                   &name[i], j)
                != NGX_OK)
            {
                return NGX_ERROR;
            }
        }
    }

    if (ngx_http_cx_family(m, "cx_beacon_rejected_total", "counter",
                           "Beacon requests refused, by reason.") != NGX_OK)
    {
        return NGX_ERROR;
    }

    m->beacon_rejected = m->series->nelts;

    for (i = 1; i < NGX_HTTP_CX_BEACON_REASONS; i++) {
        if (ngx_http_cx_series(m, "cx_beacon_rejected_total",
                               NGX_HTTP_CX_SERIES_COUNTER, "reason=\"%s\"",
                               ngx_http_cx_beacon_reason_name(i))
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (ngx_http_cx_family(m, "cx_speculative_requests_total", "counter",
                           "Pages fetched ahead by the browser, by kind and "
                           "outcome.") != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* prefetch then prerender, each served then refused */

    m->speculative = m->series->nelts;

    for (i = 0; i < 2; i++) {
        for (j = 0; j < 2; j++) {
            if (ngx_http_cx_series(m, "cx_speculative_requests_total",
                                   NGX_HTTP_CX_SERIES_COUNTER,
                                   "kind=\"%s\",outcome=\"%s\"",
                                   cx_fetch_name(CX_FETCH_PREFETCH + i),
                                   j ? "refused" : "served")
                != NGX_OK)
            {
                return NGX_ERROR;
            }
        }
    }

    return NGX_OK;
}


/* each cx_log destination's lines written and lost, and failed writes */
static ngx_int_t
ngx_http_cx_log_series(ngx_http_cx_metrics_t *m, ngx_http_cx_main_conf_t *mcf)
{
    ngx_uint_t               i, k, n, *index[3];
    ngx_http_cx_log_dest_t  **dests;

    static const char  *names[3] = {
        "cx_log_lines_written_total",
        "cx_log_lines_lost_total",
        "cx_log_write_errors_total"
    };

    static const char  *helps[3] = {
        "Journey lines written, by destination.",
        "Journey lines lost (a full disk, a failed send), by destination.",
        "Journey log writes and sends that failed, by destination."
    };

    index[0] = &m->log_written;
    index[1] = &m->log_lost;
    index[2] = &m->log_errors;

    n = mcf->log_dests ? mcf->log_dests->nelts : 0;
    dests = n ? mcf->log_dests->elts : NULL;

    for (k = 0; k < 3; k++) {

        if (ngx_http_cx_family(m, names[k], "counter", helps[k]) != NGX_OK) {
            return NGX_ERROR;
        }

        *index[k] = m->series->nelts;

        for (i = 0; i < n; i++) {
            if (ngx_http_cx_series(m, names[k], NGX_HTTP_CX_SERIES_COUNTER,
                                   "destination=\"%V\"", &dests[i]->label)
                != NGX_OK)
            {
                return NGX_ERROR;
            }
        }
    }

    return NGX_OK;
}


/* a counter family of one series without labels */
static ngx_int_t
ngx_http_cx_single(ngx_http_cx_metrics_t *m, const char *name,
    const char *help, ngx_uint_t *index)
{
    if (ngx_http_cx_family(m, name, "counter", help) != NGX_OK) {
        return NGX_ERROR;
    }

    *index = m->series->nelts;

    return ngx_http_cx_series(m, name, NGX_HTTP_CX_SERIES_COUNTER, "");
}


static ngx_int_t
ngx_http_cx_family(ngx_http_cx_metrics_t *m, const char *name,
    const char *type, const char *help)
{
    ngx_http_cx_family_t  *f;

    f = ngx_array_push(m->families);
    if (f == NULL) {
        return NGX_ERROR;
    }

    f->name = name;
    f->type = type;
    f->help = help;
    f->first = m->series->nelts;
    f->count = 0;

    return NGX_OK;
}


/* a series of the last family; its labels from a format, as ngx_sprintf's */
static ngx_int_t
ngx_http_cx_series(ngx_http_cx_metrics_t *m, const char *name,
    ngx_uint_t kind, const char *fmt, ...)
{
    u_char                 buf[512], *last;
    va_list                args;
    ngx_http_cx_family_t  *f;
    ngx_http_cx_series_t  *s;

    va_start(args, fmt);
    last = ngx_vslprintf(buf, buf + sizeof(buf), fmt, args);
    va_end(args);

    s = ngx_array_push(m->series);
    if (s == NULL) {
        return NGX_ERROR;
    }

    s->name.data = (u_char *) name;
    s->name.len = ngx_strlen(name);
    s->kind = kind;
    s->value = NULL;

    s->labels.len = last - buf;
    s->labels.data = ngx_pnalloc(m->pool, s->labels.len);
    if (s->labels.data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(s->labels.data, buf, s->labels.len);

    f = m->families->elts;
    f[m->families->nelts - 1].count++;

    return NGX_OK;
}

