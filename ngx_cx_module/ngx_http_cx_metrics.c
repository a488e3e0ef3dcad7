
/*
 * Metrics for Prometheus: counters in a shared memory zone, added to with
 * atomic adds (no lock on the request path), kept across reloads, served in
 * the text exposition format by cx_metrics.
 *
 * Every series is known at config time (labels are bounded by nginx.conf:
 * touchpoints and experiments are named there, anything else is "other").
 * The zone keeps one counter per series, found by the series' text, so that
 * a reload finds its counters again, even when the configuration changed.
 */


#include "ngx_http_cx_metrics.h"


/* a counter in the zone: found again by its key after a reload */
typedef struct ngx_http_cx_counter_s  ngx_http_cx_counter_t;

struct ngx_http_cx_counter_s {
    ngx_atomic_t              value;
    ngx_http_cx_counter_t    *next;
    size_t                    len;
    u_char                    key[1];
};


typedef struct {
    ngx_http_cx_counter_t    *counters;
} ngx_http_cx_metrics_shm_t;


static ngx_int_t ngx_http_cx_metrics_init_zone(ngx_shm_zone_t *shm_zone,
    void *data);
static ngx_atomic_t *ngx_http_cx_counter(ngx_slab_pool_t *shpool,
    ngx_http_cx_metrics_shm_t *shm, ngx_str_t *name, ngx_str_t *labels);
static void ngx_http_cx_count(ngx_http_cx_metrics_t *m, ngx_uint_t index,
    ngx_atomic_int_t n);
static ngx_int_t ngx_http_cx_metrics_handler(ngx_http_request_t *r);


/* what one journey line adds up to */
void
ngx_http_cx_metrics_page_view(ngx_http_request_t *r, ngx_http_cx_ctx_t *ctx)
{
    ngx_uint_t                 i, tp, variant;
    ngx_msec_int_t             ms;
    ngx_http_cx_metrics_t     *m;
    ngx_http_cx_variant_t     *variants;
    ngx_http_cx_main_conf_t   *mcf;
    ngx_http_cx_assignment_t  *a;

    mcf = ngx_http_get_module_main_conf(r, ngx_http_cx_module);
    m = mcf->metrics;

    if (m == NULL || !m->ready) {
        return;
    }

    if (ctx->bot) {
        ngx_http_cx_count(m, m->bot_requests, 1);
        return;
    }

    tp = ctx->touchpoint ? ctx->touchpoint->index : m->ntouchpoints - 1;

    ngx_http_cx_count(m, m->page_views + tp, 1);

    if (ctx->session.new_visitor && !ctx->cookieless) {
        ngx_http_cx_count(m, m->visitors_new, 1);
    }

    /* a DNT visitor's session begins on a page not reached from the site */

    if ((ctx->session.new_session && !ctx->cookieless)
        || (ctx->cookieless && ctx->channel.channel != CX_CHANNEL_INTERNAL))
    {
        ngx_http_cx_count(m, m->sessions + ctx->channel.channel, 1);
    }

    if (ctx->touchpoint && ctx->touchpoint->goal) {
        ngx_http_cx_count(m, m->goals + tp, 1);
    }

    for (i = 0; i < CX_FRICTION_KINDS; i++) {
        if (ctx->friction & (1u << i)) {
            ngx_http_cx_count(m, m->friction + tp * CX_FRICTION_KINDS + i, 1);
        }
    }

    if (ctx->experience != CX_EXPERIENCE_NONE) {
        ngx_http_cx_count(m, m->experience + tp * 3 + ctx->experience - 1, 1);
    }

    ms = ctx->request_ms;

    for (i = 0; i < NGX_HTTP_CX_BUCKETS - 1; i++) {
        if ((ngx_msec_t) ms <= ngx_http_cx_duration_buckets[i]) {
            break;
        }
    }

    ngx_http_cx_count(m, m->duration + tp * (NGX_HTTP_CX_BUCKETS + 2) + i, 1);
    ngx_http_cx_count(m, m->duration + tp * (NGX_HTTP_CX_BUCKETS + 2)
                         + NGX_HTTP_CX_BUCKETS, ms);
    ngx_http_cx_count(m, m->duration + tp * (NGX_HTTP_CX_BUCKETS + 2)
                         + NGX_HTTP_CX_BUCKETS + 1, 1);

    a = ctx->assignments;

    /* a variant forced for QA is no sample of the experiment */

    for (i = 0; i < ctx->nassignments; i++) {
        if (a[i].forced) {
            continue;
        }

        variants = a[i].experiment->variants.elts;
        variant = a[i].experiment->metric_offset + (a[i].variant - variants);

        ngx_http_cx_count(m, m->exposures + variant, 1);

        if (ctx->touchpoint && ctx->touchpoint->goal) {
            ngx_http_cx_count(m, m->experiment_goals + variant, 1);
        }
    }
}


void
ngx_http_cx_metrics_cookie_rejected(ngx_http_request_t *r,
    cx_cookie_status_e reason)
{
    ngx_http_cx_main_conf_t  *mcf;

    mcf = ngx_http_get_module_main_conf(r, ngx_http_cx_module);

    if (mcf->metrics && mcf->metrics->ready && reason > CX_COOKIE_OK
        && reason < CX_COOKIE_REASONS)
    {
        ngx_http_cx_count(mcf->metrics,
                          mcf->metrics->cookie_rejected + reason - 1, 1);
    }
}


/* the log writer has no request: the cycle's configuration has the zone */
void
ngx_http_cx_metrics_log(ngx_uint_t lines, ngx_uint_t errors)
{
    ngx_http_cx_metrics_t    *m;
    ngx_http_cx_main_conf_t  *mcf;

    mcf = ngx_http_cycle_get_module_main_conf(ngx_cycle, ngx_http_cx_module);

    if (mcf == NULL || mcf->metrics == NULL || !mcf->metrics->ready) {
        return;
    }

    m = mcf->metrics;

    if (lines) {
        ngx_http_cx_count(m, m->log_lines, lines);
    }

    if (errors) {
        ngx_http_cx_count(m, m->log_write_errors, errors);
    }
}


void
ngx_http_cx_metrics_feedback(ngx_http_request_t *r,
    ngx_http_cx_touchpoint_t *tp, ngx_int_t score)
{
    ngx_uint_t                index;
    ngx_http_cx_metrics_t    *m;
    ngx_http_cx_main_conf_t  *mcf;

    mcf = ngx_http_get_module_main_conf(r, ngx_http_cx_module);
    m = mcf->metrics;

    if (m == NULL || !m->ready || score < 0 || score >= NGX_HTTP_CX_SCORES) {
        return;
    }

    index = tp ? tp->index : m->ntouchpoints - 1;

    ngx_http_cx_count(m, m->feedback + index * NGX_HTTP_CX_SCORES + score, 1);
}


void
ngx_http_cx_metrics_beacon_rejected(ngx_http_request_t *r, ngx_uint_t reason)
{
    ngx_http_cx_main_conf_t  *mcf;

    mcf = ngx_http_get_module_main_conf(r, ngx_http_cx_module);

    if (mcf->metrics && mcf->metrics->ready && reason > CX_BEACON_OK
        && reason < NGX_HTTP_CX_BEACON_REASONS)
    {
        ngx_http_cx_count(mcf->metrics,
                          mcf->metrics->beacon_rejected + reason - 1, 1);
    }
}


static void
ngx_http_cx_count(ngx_http_cx_metrics_t *m, ngx_uint_t index,
    ngx_atomic_int_t n)
{
    ngx_http_cx_series_t  *series;

    series = m->series->elts;

    (void) ngx_atomic_fetch_add(series[index].value, n);
}


char *
ngx_http_cx_metrics_zone_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_cx_main_conf_t *mcf = conf;

    ssize_t                 size;
    ngx_str_t              *value;
    ngx_http_cx_metrics_t  *m;

    if (mcf->metrics) {
        return "is duplicate";
    }

    value = cf->args->elts;

    size = ngx_parse_size(&value[2]);

    if (size == NGX_ERROR || size < (ssize_t) (8 * ngx_pagesize)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid cx_metrics_zone size \"%V\", at least "
                           "%uzk", &value[2], 8 * ngx_pagesize / 1024);
        return NGX_CONF_ERROR;
    }

    m = ngx_pcalloc(cf->pool, sizeof(ngx_http_cx_metrics_t));
    if (m == NULL) {
        return NGX_CONF_ERROR;
    }

    m->zone = ngx_shared_memory_add(cf, &value[1], size, &ngx_http_cx_module);
    if (m->zone == NULL) {
        return NGX_CONF_ERROR;
    }

    if (m->zone->data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "cx_metrics_zone \"%V\" is already defined",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    m->zone->init = ngx_http_cx_metrics_init_zone;
    m->zone->data = mcf;

    mcf->metrics = m;

    return NGX_CONF_OK;
}


/* the series, built once the whole http{} block is known */
ngx_int_t
ngx_http_cx_metrics_postconfiguration(ngx_conf_t *cf)
{
    ngx_http_cx_main_conf_t  *mcf;

    mcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_cx_module);

    if (mcf->metrics == NULL) {
        return NGX_OK;
    }

    return ngx_http_cx_metrics_build(cf, mcf->metrics, mcf);
}


/*
 * Runs in the master at every (re)configuration: a counter for each series,
 * the one the previous configuration used when its key is the same.
 */
static ngx_int_t
ngx_http_cx_metrics_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_cx_main_conf_t *mcf = shm_zone->data;

    ngx_uint_t                  i;
    ngx_slab_pool_t            *shpool;
    ngx_http_cx_series_t       *series;
    ngx_http_cx_metrics_t      *m;
    ngx_http_cx_metrics_shm_t  *shm;

    m = mcf->metrics;
    shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists || data) {
        shm = shpool->data;

    } else {
        shm = ngx_slab_alloc(shpool, sizeof(ngx_http_cx_metrics_shm_t));
        if (shm == NULL) {
            return NGX_ERROR;
        }

        shm->counters = NULL;
        shpool->data = shm;
        shpool->log_nomem = 0;
    }

    series = m->series->elts;

    for (i = 0; i < m->series->nelts; i++) {
        series[i].value = ngx_http_cx_counter(shpool, shm, &series[i].name,
                                              &series[i].labels);

        if (series[i].value == NULL) {
            ngx_log_error(NGX_LOG_EMERG, shm_zone->shm.log, 0,
                          "cx_metrics_zone \"%V\" is too small for its %ui "
                          "series", &shm_zone->shm.name, m->series->nelts);
            return NGX_ERROR;
        }
    }

    m->ready = 1;

    return NGX_OK;
}


static ngx_atomic_t *
ngx_http_cx_counter(ngx_slab_pool_t *shpool, ngx_http_cx_metrics_shm_t *shm,
    ngx_str_t *name, ngx_str_t *labels)
{
    u_char                 *p;
    size_t                  len;
    ngx_http_cx_counter_t  *c;

    len = name->len + 1 + labels->len;

    for (c = shm->counters; c; c = c->next) {
        if (c->len == len
            && ngx_memcmp(c->key, name->data, name->len) == 0
            && c->key[name->len] == '{'
            && ngx_memcmp(c->key + name->len + 1, labels->data, labels->len)
               == 0)
        {
            return &c->value;
        }
    }

    c = ngx_slab_alloc(shpool, offsetof(ngx_http_cx_counter_t, key) + len);
    if (c == NULL) {
        return NULL;
    }

    c->value = 0;
    c->len = len;

    p = ngx_cpymem(c->key, name->data, name->len);
    *p++ = '{';
    ngx_memcpy(p, labels->data, labels->len);

    c->next = shm->counters;
    shm->counters = c;

    return &c->value;
}


char *
ngx_http_cx_metrics_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_cx_loc_conf_t *lcf = conf;

    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_cx_metrics_handler;

    lcf->metrics = 1;

    return NGX_CONF_OK;
}


/* the Prometheus text exposition format, version 0.0.4 */
static ngx_int_t
ngx_http_cx_metrics_handler(ngx_http_request_t *r)
{
    u_char                   *p;
    size_t                    len;
    ngx_int_t                 rc;
    ngx_buf_t                *b;
    ngx_uint_t                i, j;
    ngx_atomic_int_t          value, cumulative;
    ngx_http_cx_family_t     *f;
    ngx_http_cx_series_t     *s;
    ngx_http_cx_metrics_t    *m;
    ngx_http_cx_main_conf_t  *mcf;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    mcf = ngx_http_get_module_main_conf(r, ngx_http_cx_module);
    m = mcf->metrics;

    if (m == NULL || !m->ready) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "cx_metrics: no cx_metrics_zone in http{}");
        return NGX_HTTP_NOT_FOUND;
    }

    f = m->families->elts;
    s = m->series->elts;
    len = 0;

    for (i = 0; i < m->families->nelts; i++) {
        len += sizeof("# HELP  \n# TYPE  \n") - 1 + 2 * ngx_strlen(f[i].name)
               + ngx_strlen(f[i].help) + ngx_strlen(f[i].type);
    }

    for (i = 0; i < m->series->nelts; i++) {
        len += s[i].name.len + s[i].labels.len + sizeof("{} .000\n") - 1
               + NGX_ATOMIC_T_LEN;
    }

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = b->pos;

    for (i = 0; i < m->families->nelts; i++) {
        p = ngx_sprintf(p, "# HELP %s %s\n# TYPE %s %s\n", f[i].name,
                        f[i].help, f[i].name, f[i].type);

        cumulative = 0;

        for (j = f[i].first; j < f[i].first + f[i].count; j++) {
            value = (ngx_atomic_int_t) *s[j].value;

            if (s[j].kind == NGX_HTTP_CX_SERIES_BUCKET) {
                cumulative += value;
                value = cumulative;

            } else {
                cumulative = 0;
            }

            p = ngx_cpymem(p, s[j].name.data, s[j].name.len);

            if (s[j].labels.len) {
                *p++ = '{';
                p = ngx_cpymem(p, s[j].labels.data, s[j].labels.len);
                *p++ = '}';
            }

            if (s[j].kind == NGX_HTTP_CX_SERIES_SECONDS) {
                p = ngx_sprintf(p, " %A.%03A\n", value / 1000, value % 1000);

            } else {
                p = ngx_sprintf(p, " %A\n", value);
            }
        }
    }

    b->last = p;

    return ngx_http_cx_send_text(r, NGX_HTTP_OK, "text/plain; version=0.0.4",
                                 b);
}
