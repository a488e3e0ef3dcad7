
/*
 * Filling the journey record from the request, for the core to write.
 */


#include "ngx_http_cx_common.h"
#include "cx_record.h"


/* a line's variants, on the stack up to this many, in r->pool past it */
#define NGX_HTTP_CX_RECORD_VARIANTS  8

/*
 * Where a worker writes the lines that do not go straight into a log's
 * buffer: every record with a few experiments fits (cx_record_bound_max()),
 * so that a line costs no pool block, and with it no malloc.  The log
 * writer copies the line before the next request runs.
 */
#define NGX_HTTP_CX_RECORD_SCRATCH  (96 * 1024)

static u_char  ngx_http_cx_record_scratch[NGX_HTTP_CX_RECORD_SCRATCH];

/*
 * Each combination of device, browser and os as a line writes them, made
 * the first time a worker meets it: a line copies it instead of writing
 * three names.
 */
static u_char  ngx_http_cx_record_agents[CX_DEVICE_COUNT][CX_BROWSER_COUNT]
                                        [CX_OS_COUNT][CX_RECORD_AGENT_LEN];
static u_char  ngx_http_cx_record_agent_lens[CX_DEVICE_COUNT]
                                            [CX_BROWSER_COUNT][CX_OS_COUNT];


static int64_t ngx_http_cx_upstream_ms(ngx_http_request_t *r);
static int64_t ngx_http_cx_body_bytes(ngx_http_request_t *r);
static ngx_int_t ngx_http_cx_record_fill(ngx_http_request_t *r,
    ngx_http_cx_ctx_t *ctx, cx_record_t *rec, cx_record_variant_t *variants);
static ngx_int_t ngx_http_cx_record_line(ngx_http_request_t *r,
    cx_record_t *rec, ngx_str_t *line);
static void ngx_http_cx_record_journey(ngx_http_cx_ctx_t *ctx,
    cx_record_t *rec);
static cx_str_t ngx_http_cx_record_agent(cx_agent_t *agent,
    cx_record_t *rec);
static void ngx_http_cx_record_geo(ngx_http_request_t *r,
    ngx_http_cx_ctx_t *ctx, cx_record_t *rec);
static ngx_int_t ngx_http_cx_record_experiments(ngx_http_request_t *r,
    ngx_http_cx_ctx_t *ctx, cx_record_t *rec, cx_record_variant_t *v);
static void ngx_http_cx_record_beacon(ngx_http_cx_ctx_t *ctx,
    cx_record_t *rec);
static void ngx_http_cx_record_speculation(ngx_http_cx_ctx_t *ctx,
    cx_record_t *rec);
static void ngx_http_cx_record_as_read(ngx_http_cx_ctx_t *ctx,
    cx_record_t *rec);


/*
 * The record of the request's page view, beacon or prefetch; v holds
 * NGX_HTTP_CX_RECORD_VARIANTS of its variants, more go to r->pool.
 */
static ngx_int_t
ngx_http_cx_record_fill(ngx_http_request_t *r, ngx_http_cx_ctx_t *ctx,
    cx_record_t *rec, cx_record_variant_t *variants)
{
    ngx_memzero(rec, sizeof(cx_record_t));

    rec->event = CX_EVENT_PAGE_VIEW;
    rec->start_sec = r->start_sec;
    rec->start_msec = r->start_msec;

    rec->host = ngx_http_cx_str(r->headers_in.server);
    rec->method = ngx_http_cx_str(r->method_name);

    /* a method nginx knows is one of its names */

    if (r->method != NGX_HTTP_UNKNOWN) {
        rec->plain |= CX_RECORD_PLAIN_METHOD;
    }
    rec->path = ngx_http_cx_str(ctx->path);
    rec->query = ngx_http_cx_str(ctx->query);

    if (r->headers_in.referer) {
        rec->referrer = ngx_http_cx_str(r->headers_in.referer->value);
    }

    rec->status = r->err_status ? r->err_status : r->headers_out.status;
    rec->bytes = ngx_http_cx_body_bytes(r);
    rec->request_ms = ctx->request_ms;
    rec->upstream_ms = ngx_http_cx_upstream_ms(r);

    if (ctx->consent_asked) {
        rec->consent = ctx->consent ? CX_CONSENT_GIVEN : CX_CONSENT_REFUSED;
    }

    ngx_http_cx_record_journey(ctx, rec);
    ngx_http_cx_record_geo(r, ctx, rec);

    if (ngx_http_cx_record_experiments(r, ctx, rec, variants) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ctx->beacon_ok) {
        ngx_http_cx_record_beacon(ctx, rec);

    } else if (ctx->speculative) {
        ngx_http_cx_record_speculation(ctx, rec);

    } else {
        rec->friction = ctx->friction;
        rec->experience = cx_experience_name(ctx->experience);
    }

    return NGX_OK;
}


/* the record's line, for logs that ngx_http_cx_log_record() cannot take */
static ngx_int_t
ngx_http_cx_record_line(ngx_http_request_t *r, cx_record_t *rec,
    ngx_str_t *line)
{
    size_t  size;

    size = cx_record_bound_max(rec->nvariants);

    if (size <= NGX_HTTP_CX_RECORD_SCRATCH) {
        line->data = ngx_http_cx_record_scratch;

    } else {
        size = cx_record_bound(rec);

        line->data = ngx_pnalloc(r->pool, size);
        if (line->data == NULL) {
            return NGX_ERROR;
        }
    }

    line->len = cx_record_write(rec, line->data, size);

    if (line->len == 0) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "cx: journey record larger than its bound %uz", size);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* who and where in the journey: none of who is known without a cookie */
static void
ngx_http_cx_record_journey(ngx_http_cx_ctx_t *ctx, cx_record_t *rec)
{
    cx_channel_result_t  *channel;

    if (ctx->touchpoint) {
        rec->touchpoint = ngx_http_cx_str(ctx->touchpoint->name);
    }

    rec->goal = ctx->touchpoint && ctx->touchpoint->goal;
    rec->prev_touchpoint = ngx_http_cx_str(ctx->prev_touchpoint);

    /* names that cx_touchpoint checked, ids that cx_session_hex() made */

    rec->plain |= CX_RECORD_PLAIN_TOUCHPOINT
                  | CX_RECORD_PLAIN_PREV_TOUCHPOINT
                  | CX_RECORD_PLAIN_VISITOR | CX_RECORD_PLAIN_SESSION;

    channel = &ctx->channel;
    rec->channel = cx_channel_name(channel->channel);
    rec->source = channel->source;
    rec->medium = channel->medium;
    rec->campaign = channel->campaign;
    rec->term = channel->term;
    rec->content = channel->content;

    rec->device = cx_device_name(ctx->agent.device);
    rec->browser = cx_browser_name(ctx->agent.browser);
    rec->os = cx_os_name(ctx->agent.os);
    rec->agent = ngx_http_cx_record_agent(&ctx->agent, rec);
    rec->bot = ctx->bot;

    if (ctx->bot || ctx->cookieless || ctx->anonymous) {
        rec->session_index = CX_NONE;
        rec->seq = CX_NONE;
        rec->new_visitor = CX_UNKNOWN;
        rec->new_session = CX_UNKNOWN;
        rec->landing = CX_UNKNOWN;
        rec->since_prev_ms = CX_NONE;

        if (ctx->cookieless) {
            rec->session.data = ctx->session_hex;
            rec->session.len = sizeof(ctx->session_hex);
        }

        return;
    }

    rec->visitor.data = ctx->visitor_hex;
    rec->visitor.len = sizeof(ctx->visitor_hex);
    rec->session.data = ctx->session_hex;
    rec->session.len = sizeof(ctx->session_hex);
    rec->session_index = ctx->state.session_index;
    rec->seq = ctx->state.seq;
    rec->new_visitor = ctx->session.new_visitor;
    rec->new_session = ctx->session.new_session;
    rec->landing = ctx->state.seq == 1;
    rec->since_prev_ms = ctx->session.since_prev_ms;
}


/* the text of the record's device, browser and os names */
static cx_str_t
ngx_http_cx_record_agent(cx_agent_t *agent, cx_record_t *rec)
{
    u_char    *len;
    cx_str_t   text;

    text.data = NULL;
    text.len = 0;

    if ((ngx_uint_t) agent->device >= CX_DEVICE_COUNT
        || (ngx_uint_t) agent->browser >= CX_BROWSER_COUNT
        || (ngx_uint_t) agent->os >= CX_OS_COUNT)
    {
        return text;
    }

    len = &ngx_http_cx_record_agent_lens[agent->device][agent->browser]
                                        [agent->os];
    text.data = ngx_http_cx_record_agents[agent->device][agent->browser]
                                         [agent->os];

    if (*len == 0) {
        *len = (u_char) cx_record_agent((u_char *) text.data, rec->device,
                                        rec->browser, rec->os);
    }

    text.len = *len;

    return text;
}


/* where from: looked up from the full address, which is then dropped */
static void
ngx_http_cx_record_geo(ngx_http_request_t *r, ngx_http_cx_ctx_t *ctx,
    cx_record_t *rec)
{
    ngx_http_cx_geo_t       *geo;
    ngx_http_cx_loc_conf_t  *lcf;

    geo = ngx_http_cx_geo(r, ctx);

    rec->country = ngx_http_cx_str(geo->country);
    rec->region = ngx_http_cx_str(geo->region);
    rec->city = ngx_http_cx_str(geo->city);
    rec->lat = geo->lat;
    rec->lon = geo->lon;
    rec->has_location = geo->has_location;
    rec->location.data = geo->location;
    rec->location.len = geo->has_location ? geo->location_len : 0;
    rec->asn = geo->asn;
    rec->as_org = ngx_http_cx_str(geo->as_org);
    rec->plain |= geo->plain;

    lcf = ngx_http_get_module_loc_conf(r, ngx_http_cx_module);
    rec->ip = ngx_http_cx_str(ngx_http_cx_geo_ip(r, lcf));

    /* an address's text as nginx or cx_ip_text4() writes it; a unix
       socket's path is anything */

    if (r->connection->sockaddr->sa_family != AF_UNIX) {
        rec->plain |= CX_RECORD_PLAIN_IP;
    }
}


/*
 * A feedback or an event: of the session as the cookie tells it, the page
 * view it follows being the one the cookie's seq and touchpoint describe.
 */
static void
ngx_http_cx_record_beacon(ngx_http_cx_ctx_t *ctx, cx_record_t *rec)
{
    cx_beacon_t  *b;

    b = &ctx->beacon;

    rec->event = (b->kind == CX_BEACON_FEEDBACK) ? CX_EVENT_FEEDBACK
                                                 : CX_EVENT_EVENT;

    ngx_http_cx_record_as_read(ctx, rec);
    rec->prev_touchpoint.data = NULL;
    rec->prev_touchpoint.len = 0;

    if (rec->event == CX_EVENT_FEEDBACK) {
        rec->score = b->score;
        rec->scale = cx_scale_name(b->scale);
        rec->comment = b->comment;

        if (ctx->touchpoint) {
            rec->feedback_touchpoint = ngx_http_cx_str(ctx->touchpoint->name);
        }

        return;
    }

    rec->name = b->event;
    rec->value = b->value;
    rec->has_value = b->has_value;
}


/*
 * A page fetched ahead: of the session as the cookie tells it, like a
 * beacon; no seq of its own, no rating, since nobody has seen it yet.
 */
static void
ngx_http_cx_record_speculation(ngx_http_cx_ctx_t *ctx, cx_record_t *rec)
{
    rec->event = CX_EVENT_PREFETCH;
    rec->speculation = cx_fetch_name(ctx->fetch);

    ngx_http_cx_record_as_read(ctx, rec);
}


/*
 * A line of the session as the cookie tells it, nothing advanced: a
 * beacon's, a prefetch's.  Without a valid cookie, of no one.
 */
static void
ngx_http_cx_record_as_read(ngx_http_cx_ctx_t *ctx, cx_record_t *rec)
{
    rec->new_visitor = CX_UNKNOWN;
    rec->new_session = CX_UNKNOWN;
    rec->landing = CX_UNKNOWN;
    rec->goal = 0;
    rec->since_prev_ms = ctx->session.since_prev_ms;

    if (ctx->has_prev) {
        return;
    }

    rec->visitor.data = NULL;
    rec->visitor.len = 0;
    rec->session_index = CX_NONE;
    rec->seq = CX_NONE;

    if (!ctx->cookieless) {
        rec->session.data = NULL;
        rec->session.len = 0;
    }
}


/* v: room for NGX_HTTP_CX_RECORD_VARIANTS, the record's variants mostly */
static ngx_int_t
ngx_http_cx_record_experiments(ngx_http_request_t *r, ngx_http_cx_ctx_t *ctx,
    cx_record_t *rec, cx_record_variant_t *v)
{
    ngx_uint_t                 i;
    ngx_http_cx_assignment_t  *a;

    if (ctx->nassignments == 0) {
        return NGX_OK;
    }

    if (ctx->nassignments > NGX_HTTP_CX_RECORD_VARIANTS) {
        v = ngx_palloc(r->pool,
                       ctx->nassignments * sizeof(cx_record_variant_t));
        if (v == NULL) {
            return NGX_ERROR;
        }
    }

    a = ctx->assignments;

    for (i = 0; i < ctx->nassignments; i++) {
        v[i].experiment = ngx_http_cx_str(a[i].experiment->name);
        v[i].variant = ngx_http_cx_str(a[i].variant->name);
        v[i].forced = a[i].forced;
    }

    /* names that cx_experiment checked */

    rec->plain |= CX_RECORD_PLAIN_VARIANTS;

    rec->variants = v;
    rec->nvariants = ctx->nassignments;

    return NGX_OK;
}


/* the sum over every upstream tried, as $upstream_response_time lists them */
static int64_t
ngx_http_cx_upstream_ms(ngx_http_request_t *r)
{
    int64_t                     total;
    ngx_uint_t                  i, answered;
    ngx_http_upstream_state_t  *state;

    if (r->upstream_states == NULL || r->upstream_states->nelts == 0) {
        return CX_NONE;
    }

    state = r->upstream_states->elts;
    total = 0;
    answered = 0;

    for (i = 0; i < r->upstream_states->nelts; i++) {
        if (state[i].response_time != (ngx_msec_t) -1) {
            total += state[i].response_time;
            answered = 1;
        }
    }

    return answered ? total : CX_NONE;
}


static int64_t
ngx_http_cx_body_bytes(ngx_http_request_t *r)
{
    off_t  length;

    length = r->connection->sent - r->header_size;

    return length > 0 ? length : 0;
}


ngx_int_t
ngx_http_cx_log_handler(ngx_http_request_t *r)
{
    ngx_str_t                line;
    cx_record_t              rec;
    ngx_http_cx_ctx_t       *ctx;
    cx_record_variant_t      variants[NGX_HTTP_CX_RECORD_VARIANTS];
    ngx_http_cx_loc_conf_t  *lcf;

    /* a subrequest (SSI, log_subrequest on) is part of its page view */

    if (r != r->main) {
        return NGX_OK;
    }

    ctx = ngx_http_cx_get_ctx(r);

    if (ctx == NULL || !(ctx->page_view || ctx->beacon_ok || ctx->speculative))
    {
        return NGX_OK;
    }

    lcf = ngx_http_get_module_loc_conf(r, ngx_http_cx_module);

    if (ctx->page_view) {
        ngx_http_cx_experience_judge(r, ctx);
        ngx_http_cx_metrics_page_view(r, ctx);

    } else if (ctx->speculative) {
        ngx_http_cx_metrics_speculative(r, ctx->fetch, 0);
    }

    if (lcf->logs == NULL || lcf->logs_off || (ctx->bot && !lcf->log_bots)) {
        return NGX_OK;
    }

    if (ngx_http_cx_record_fill(r, ctx, &rec, variants) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_cx_log_record(r, lcf->logs, &rec) == NGX_OK) {
        return NGX_OK;
    }

    if (ngx_http_cx_record_line(r, &rec, &line) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_http_cx_log_write(r, lcf->logs, &line);

    return NGX_OK;
}
