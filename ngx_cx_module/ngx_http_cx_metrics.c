
/*
 * Metrics for Prometheus: counters in a shared memory zone, added to with
 * atomic adds (no lock on the request path), kept across reloads, served in
 * the text exposition format by cx_metrics.
 *
 * Every series is known at config time (labels are bounded by nginx.conf:
 * touchpoints and experiments are named there, anything else is "other").
 * The zone is a table of slots, one counter each, found by the series' key
 * so that a reload finds its counters again, even when the configuration
 * changed; a reload frees the slots of the series it no longer has.  The
 * table's size follows from the zone's alone, so nginx -t and a reload
 * judge alike whether a configuration's series fit.
 */


#include "ngx_http_cx_metrics.h"
#include "cx_siphash.h"


/*
 * A counter.  Slots never move and hold no pointer: a worker of an older
 * configuration that still counts (a request ending after a reload) adds to
 * a slot's value and nothing else, even once the slot is reused.
 */
typedef struct {
    ngx_atomic_t              value;
    uint64_t                  key;        /* the series' key; 0: free */
} ngx_http_cx_slot_t;


/*
 * The journey lines a worker's buffer holds for a destination, and the key
 * of that destination's cx_log_lines_lost_total: the next worker in the
 * process slot finds the counter by it, whatever a reload did meanwhile.
 * Only the slot's worker writes it, and its successor once it is gone.
 */
typedef struct {
    ngx_atomic_t              lines;
    uint64_t                  key;        /* 0: none */
} ngx_http_cx_pending_t;


/* the pending lines take a fixed space, so the slots' capacity stays fixed */
typedef struct {
    ngx_uint_t                nslots;
    ngx_uint_t                next;       /* where to look for a free one */
    ngx_http_cx_pending_t     pending[NGX_HTTP_CX_LOG_WORKERS]
                                     [NGX_HTTP_CX_LOG_PENDING];
    ngx_http_cx_slot_t        slots[1];
} ngx_http_cx_metrics_shm_t;


#define NGX_HTTP_CX_NO_SLOT  ((ngx_uint_t) -1)


/* a used slot of the zone, to find it by key while it is reconfigured */
typedef struct {
    uint64_t                  key;
    ngx_uint_t                slot;
} ngx_http_cx_slot_index_t;


static ngx_int_t ngx_http_cx_metrics_init_zone(ngx_shm_zone_t *shm_zone,
    void *data);
static ngx_uint_t ngx_http_cx_metrics_capacity(size_t size);
static ngx_int_t ngx_http_cx_metrics_assign(ngx_shm_zone_t *shm_zone,
    ngx_http_cx_metrics_shm_t *shm, ngx_http_cx_metrics_t *m);
static ngx_uint_t ngx_http_cx_slot_take(ngx_http_cx_metrics_shm_t *shm);
static uint64_t ngx_http_cx_series_key(ngx_http_cx_series_t *series);
static int ngx_libc_cdecl ngx_http_cx_slot_index_cmp(const void *one,
    const void *two);
static ngx_http_cx_slot_index_t *ngx_http_cx_slot_find(
    ngx_http_cx_slot_index_t *index, ngx_uint_t n, uint64_t key);
static void ngx_http_cx_count(ngx_http_cx_metrics_t *m, ngx_uint_t index,
    ngx_atomic_int_t n);
static ngx_inline void ngx_http_cx_add(ngx_http_cx_series_t *series,
    ngx_uint_t index, ngx_atomic_int_t n);
static ngx_int_t ngx_http_cx_metrics_handler(ngx_http_request_t *r);


/* any fixed key: the series' keys need only be the same at every reload */
static const u_char  ngx_http_cx_series_secret[CX_SIPHASH_KEY_LEN] =
    "cx metrics slot";


/*
 * What one journey line adds up to.  Each atomic add is a compiler
 * barrier: the series and the touchpoint are read once, into locals, not
 * again after every add.
 */
void
ngx_http_cx_metrics_page_view(ngx_http_request_t *r, ngx_http_cx_ctx_t *ctx)
{
    ngx_uint_t                 i, tp, goal, variant, duration;
    ngx_msec_int_t             ms;
    ngx_http_cx_series_t      *series;
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

    series = m->series->elts;

    if (ctx->touchpoint) {
        tp = ctx->touchpoint->index;
        goal = ctx->touchpoint->goal;

    } else {
        tp = m->ntouchpoints - 1;
        goal = 0;
    }

    ngx_http_cx_add(series, m->page_views + tp, 1);

    if (ctx->consent_asked) {
        ngx_http_cx_add(series, m->consent + !ctx->consent, 1);
    }

    if (ctx->session.new_visitor && !ctx->cookieless) {
        ngx_http_cx_add(series, m->visitors_new, 1);
    }

    /* a DNT visitor's session begins on a page not reached from the site */

    if ((ctx->session.new_session && !ctx->cookieless)
        || (ctx->cookieless && ctx->channel.channel != CX_CHANNEL_INTERNAL))
    {
        ngx_http_cx_add(series, m->sessions + ctx->channel.channel, 1);
    }

    if (goal) {
        ngx_http_cx_add(series, m->goals + tp, 1);
    }

    /* most page views have no friction: no look at each kind */

    for (i = 0; ctx->friction && i < CX_FRICTION_KINDS; i++) {
        if (ctx->friction & (1u << i)) {
            ngx_http_cx_add(series, m->friction + tp * CX_FRICTION_KINDS + i,
                            1);
        }
    }

    if (ctx->experience != CX_EXPERIENCE_NONE) {
        ngx_http_cx_add(series, m->experience + tp * 3 + ctx->experience - 1,
                        1);
    }

    ms = ctx->request_ms;

    for (i = 0; i < NGX_HTTP_CX_BUCKETS - 1; i++) {
        if ((ngx_msec_t) ms <= ngx_http_cx_duration_buckets[i]) {
            break;
        }
    }

    duration = m->duration + tp * (NGX_HTTP_CX_BUCKETS + 2);

    ngx_http_cx_add(series, duration + i, 1);
    ngx_http_cx_add(series, duration + NGX_HTTP_CX_BUCKETS, ms);
    ngx_http_cx_add(series, duration + NGX_HTTP_CX_BUCKETS + 1, 1);

    a = ctx->assignments;

    /* a variant forced for QA is no sample of the experiment */

    for (i = 0; i < ctx->nassignments; i++) {
        if (a[i].forced) {
            continue;
        }

        variants = a[i].experiment->variants.elts;
        variant = a[i].experiment->metric_offset + (a[i].variant - variants);

        ngx_http_cx_add(series, m->exposures + variant, 1);

        if (goal) {
            ngx_http_cx_add(series, m->experiment_goals + variant, 1);
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
        && reason < CX_COOKIE_FUTURE)
    {
        ngx_http_cx_count(mcf->metrics,
                          mcf->metrics->cookie_rejected + reason - 1, 1);
    }
}


void
ngx_http_cx_metrics_cookie_ahead(ngx_http_request_t *r)
{
    ngx_http_cx_main_conf_t  *mcf;

    mcf = ngx_http_get_module_main_conf(r, ngx_http_cx_module);

    if (mcf->metrics && mcf->metrics->ready) {
        ngx_http_cx_count(mcf->metrics, mcf->metrics->cookie_ahead, 1);
    }
}


/* the log writer may have no request: the destination knows its zone */
void
ngx_http_cx_metrics_log(ngx_http_cx_log_dest_t *dest, ngx_uint_t written,
    ngx_uint_t lost, ngx_uint_t errors)
{
    ngx_http_cx_metrics_t  *m;

    m = dest->metrics;

    if (m == NULL || !m->ready) {
        return;
    }

    if (written) {
        ngx_http_cx_count(m, m->log_written + dest->index, written);
    }

    if (lost) {
        ngx_http_cx_count(m, m->log_lost + dest->index, lost);
    }

    if (errors) {
        ngx_http_cx_count(m, m->log_errors + dest->index, errors);
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


/* a page fetched ahead: served (its line written) or refused */
void
ngx_http_cx_metrics_speculative(ngx_http_request_t *r, cx_fetch_e fetch,
    ngx_uint_t refused)
{
    ngx_http_cx_main_conf_t  *mcf;

    mcf = ngx_http_get_module_main_conf(r, ngx_http_cx_module);

    if (mcf->metrics && mcf->metrics->ready
        && (fetch == CX_FETCH_PREFETCH || fetch == CX_FETCH_PRERENDER))
    {
        ngx_http_cx_count(mcf->metrics, mcf->metrics->speculative
                                        + (fetch - CX_FETCH_PREFETCH) * 2
                                        + (refused ? 1 : 0), 1);
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


static ngx_inline void
ngx_http_cx_add(ngx_http_cx_series_t *series, ngx_uint_t index,
    ngx_atomic_int_t n)
{
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

    m->file = cf->conf_file->file.name.data;
    m->line = cf->conf_file->line;

    mcf->metrics = m;

    return NGX_CONF_OK;
}


/*
 * The series, built once the whole http{} block is known, and whether the
 * zone holds them: nginx -t says what a reload would.
 */
ngx_int_t
ngx_http_cx_metrics_postconfiguration(ngx_conf_t *cf)
{
    ngx_uint_t                capacity;
    ngx_http_cx_metrics_t    *m;
    ngx_http_cx_main_conf_t  *mcf;

    mcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_cx_module);
    m = mcf->metrics;

    if (m == NULL) {
        return NGX_OK;
    }

    if (ngx_http_cx_metrics_build(cf, m, mcf) != NGX_OK) {
        return NGX_ERROR;
    }

    capacity = ngx_http_cx_metrics_capacity(m->zone->shm.size);

    if (m->series->nelts > capacity) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "cx_metrics_zone \"%V\" is too small for its %ui "
                      "series, it holds %ui, in %s:%ui",
                      &m->zone->shm.name, m->series->nelts, capacity,
                      m->file, m->line);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * A process starting in a slot of the master's: what its predecessor there
 * still held in its buffers is lost (a graceful exit, a reload and a reopen
 * flush first, so only a killed or crashed worker leaves lines), and counted
 * so now.  Then the slot counts this worker's.  A process in a slot from
 * NGX_HTTP_CX_LOG_WORKERS on, or a destination from NGX_HTTP_CX_LOG_PENDING
 * on, is not counted: its lines die with it uncounted.
 */
ngx_int_t
ngx_http_cx_metrics_init_process(ngx_cycle_t *cycle)
{
    uint64_t                    key;
    ngx_uint_t                  i, j, n, lost;
    ngx_str_t                  *name;
    ngx_slab_pool_t            *shpool;
    ngx_http_cx_series_t       *series;
    ngx_http_cx_pending_t      *pending;
    ngx_http_cx_metrics_t      *m;
    ngx_http_cx_log_dest_t    **dests;
    ngx_http_cx_main_conf_t    *mcf;
    ngx_http_cx_metrics_shm_t  *shm;

    mcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_cx_module);

    if (mcf == NULL || mcf->metrics == NULL || !mcf->metrics->ready
        || ngx_process_slot < 0
        || ngx_process_slot >= NGX_HTTP_CX_LOG_WORKERS)
    {
        return NGX_OK;
    }

    m = mcf->metrics;
    series = m->series->elts;
    shpool = (ngx_slab_pool_t *) m->zone->shm.addr;
    shm = shpool->data;
    pending = shm->pending[ngx_process_slot];

    n = mcf->log_dests ? mcf->log_dests->nelts : 0;
    dests = n ? mcf->log_dests->elts : NULL;

    for (i = 0; i < NGX_HTTP_CX_LOG_PENDING; i++) {
        lost = pending[i].lines;
        key = pending[i].key;

        pending[i].lines = 0;
        pending[i].key = 0;

        if (lost == 0 || key == 0) {
            continue;
        }

        for (j = 0; j < shm->nslots; j++) {
            if (shm->slots[j].key == key) {
                (void) ngx_atomic_fetch_add(&shm->slots[j].value, lost);
                break;
            }
        }

        name = NULL;

        for (j = 0; j < n; j++) {
            if (ngx_http_cx_series_key(&series[m->log_lost + j]) == key) {
                name = &dests[j]->name;
                break;
            }
        }

        if (name) {
            ngx_log_error(NGX_LOG_WARN, cycle->log, 0,
                          "cx_log: %ui lines for \"%V\" lost: the process "
                          "before this one exited without writing them",
                          lost, name);

        } else {
            ngx_log_error(NGX_LOG_WARN, cycle->log, 0,
                          "cx_log: %ui lines lost: the process before this "
                          "one exited without writing them", lost);
        }
    }

    for (i = 0; i < n && i < NGX_HTTP_CX_LOG_PENDING; i++) {

        /* syslog keeps no line */

        if (dests[i]->file == NULL) {
            continue;
        }

        pending[i].key = ngx_http_cx_series_key(&series[m->log_lost + i]);
        dests[i]->pending = &pending[i].lines;
    }

    return NGX_OK;
}


/*
 * How many slots a zone of this size holds: what is left after what the
 * slab allocator keeps for itself (its pool, a page descriptor per page, a
 * page of alignment), taken with a margin so that the one allocation of the
 * table always succeeds.  The zone's size alone decides it.
 */
static ngx_uint_t
ngx_http_cx_metrics_capacity(size_t size)
{
    size_t  reserved;

    reserved = size / 128 + 2 * ngx_pagesize
               + offsetof(ngx_http_cx_metrics_shm_t, slots);

    if (size <= reserved) {
        return 0;
    }

    return (size - reserved) / sizeof(ngx_http_cx_slot_t);
}


/*
 * Runs in the master at every (re)configuration, before nginx knows whether
 * the new one will be taken (its listening sockets are opened after): it
 * only makes the table, once, and changes nothing the running
 * configuration counts in.
 */
static ngx_int_t
ngx_http_cx_metrics_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_uint_t                  nslots;
    ngx_slab_pool_t            *shpool;
    ngx_http_cx_metrics_shm_t  *shm;

    shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (!shm_zone->shm.exists && data == NULL) {
        nslots = ngx_http_cx_metrics_capacity(shm_zone->shm.size);

        shm = ngx_slab_calloc(shpool,
                              offsetof(ngx_http_cx_metrics_shm_t, slots)
                              + nslots * sizeof(ngx_http_cx_slot_t));
        if (shm == NULL) {
            ngx_log_error(NGX_LOG_EMERG, shm_zone->shm.log, 0,
                          "cx_metrics_zone \"%V\": no room for %ui slots",
                          &shm_zone->shm.name, nslots);
            return NGX_ERROR;
        }

        shm->nslots = nslots;
        shpool->data = shm;
        shpool->log_nomem = 0;
    }

    return NGX_OK;
}


/*
 * Once nginx has taken the configuration (a reload that fails, say on a
 * busy port, never gets here): a slot for each series, the one the
 * previous configuration used when its key is the same.
 */
ngx_int_t
ngx_http_cx_metrics_init_module(ngx_cycle_t *cycle)
{
    ngx_slab_pool_t          *shpool;
    ngx_http_cx_metrics_t    *m;
    ngx_http_cx_main_conf_t  *mcf;

    mcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_cx_module);

    if (mcf == NULL || mcf->metrics == NULL) {
        return NGX_OK;
    }

    m = mcf->metrics;
    shpool = (ngx_slab_pool_t *) m->zone->shm.addr;

    if (ngx_http_cx_metrics_assign(m->zone, shpool->data, m) != NGX_OK) {
        return NGX_ERROR;
    }

    m->ready = 1;

    return NGX_OK;
}


/*
 * Each series keeps the slot its key had; the slots of series that are
 * gone are freed; new series take free slots, zeroed.  Free slots are
 * taken round the table, the least recently taken first, so that a slot
 * freed now is reused late: workers of the old configuration may still
 * count for a while.
 */
static ngx_int_t
ngx_http_cx_metrics_assign(ngx_shm_zone_t *shm_zone,
    ngx_http_cx_metrics_shm_t *shm, ngx_http_cx_metrics_t *m)
{
    u_char                    *kept;
    uint64_t                  *keys;
    ngx_int_t                  rc;
    ngx_uint_t                 i, j, n, nused;
    ngx_http_cx_slot_t        *slot;
    ngx_http_cx_series_t      *series;
    ngx_http_cx_slot_index_t  *used, *found;

    series = m->series->elts;
    n = m->series->nelts;
    slot = shm->slots;

    rc = NGX_ERROR;

    keys = ngx_alloc(n * sizeof(uint64_t), shm_zone->shm.log);
    used = ngx_alloc(shm->nslots * sizeof(ngx_http_cx_slot_index_t),
                     shm_zone->shm.log);
    kept = ngx_calloc(shm->nslots, shm_zone->shm.log);

    if (keys == NULL || used == NULL || kept == NULL) {
        goto done;
    }

    nused = 0;

    for (i = 0; i < shm->nslots; i++) {
        if (slot[i].key) {
            used[nused].key = slot[i].key;
            used[nused].slot = i;
            nused++;
        }
    }

    ngx_qsort(used, nused, sizeof(ngx_http_cx_slot_index_t),
              ngx_http_cx_slot_index_cmp);

    for (i = 0; i < n; i++) {
        keys[i] = ngx_http_cx_series_key(&series[i]);
        series[i].value = NULL;

        found = ngx_http_cx_slot_find(used, nused, keys[i]);

        if (found) {
            series[i].value = &slot[found->slot].value;
            kept[found->slot] = 1;
        }
    }

    for (i = 0; i < shm->nslots; i++) {
        if (!kept[i]) {
            slot[i].key = 0;
        }
    }

    for (i = 0; i < n; i++) {

        if (series[i].value) {
            continue;
        }

        j = ngx_http_cx_slot_take(shm);

        if (j == NGX_HTTP_CX_NO_SLOT) {
            ngx_log_error(NGX_LOG_EMERG, shm_zone->shm.log, 0,
                          "cx_metrics_zone \"%V\" is too small for its %ui "
                          "series, it holds %ui", &shm_zone->shm.name, n,
                          shm->nslots);
            goto done;
        }

        slot[j].value = 0;
        slot[j].key = keys[i];
        series[i].value = &slot[j].value;
    }

    rc = NGX_OK;

done:

    ngx_free(keys);
    ngx_free(used);
    ngx_free(kept);

    return rc;
}


/* the next free slot round the table from where the last was taken */
static ngx_uint_t
ngx_http_cx_slot_take(ngx_http_cx_metrics_shm_t *shm)
{
    ngx_uint_t  i, j;

    for (i = 0; i < shm->nslots; i++) {
        j = (shm->next + i) % shm->nslots;

        if (shm->slots[j].key == 0) {
            shm->next = j + 1;
            return j;
        }
    }

    return NGX_HTTP_CX_NO_SLOT;
}


/*
 * A series' key: SipHash of its text under a fixed key.  Two series of a
 * zone share a counter only if 64-bit keys collide.  0 marks a free slot.
 */
static uint64_t
ngx_http_cx_series_key(ngx_http_cx_series_t *series)
{
    u_char    *p;
    uint64_t   key;
    u_char     text[NGX_HTTP_CX_SERIES_TEXT];

    p = ngx_cpymem(text, series->name.data,
                   ngx_min(series->name.len, sizeof(text) - 1));
    *p++ = '{';
    p = ngx_cpymem(p, series->labels.data,
                   ngx_min(series->labels.len,
                           (size_t) (text + sizeof(text) - p)));

    key = cx_siphash24(ngx_http_cx_series_secret, text, p - text);

    return key ? key : 1;
}


static int ngx_libc_cdecl
ngx_http_cx_slot_index_cmp(const void *one, const void *two)
{
    const ngx_http_cx_slot_index_t  *a = one, *b = two;

    if (a->key != b->key) {
        return a->key < b->key ? -1 : 1;
    }

    return 0;
}


static ngx_http_cx_slot_index_t *
ngx_http_cx_slot_find(ngx_http_cx_slot_index_t *index, ngx_uint_t n,
    uint64_t key)
{
    ngx_uint_t  lo, hi, mid;

    lo = 0;
    hi = n;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;

        if (index[mid].key == key) {
            return &index[mid];
        }

        if (index[mid].key < key) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    return NULL;
}


char *
ngx_http_cx_metrics_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_cx_loc_conf_t *lcf = conf;

    if (lcf->metrics) {
        return "is duplicate";
    }

    lcf->metrics = 1;

    return ngx_http_cx_content_handler(cf, lcf, ngx_http_cx_metrics_handler,
                                       "cx_metrics");
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
