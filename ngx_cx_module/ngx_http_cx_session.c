
/*
 * Who this is: the visitor and session of a request, from the cookie and the
 * core's state machine (cx_session.c), or an anonymous daily session for a
 * visitor who sends DNT or Sec-GPC or did not consent (cx_consent).
 * Resolved once per request, when the access phase, a filter, a variable or
 * the log first needs it.
 */


#include "ngx_http_cx_common.h"
#include "cx_hash.h"
#include "cx_query.h"
#include "cx_siphash.h"
#include "cx_url.h"

#include <sys/random.h>


#define NGX_HTTP_CX_RANDOM_BATCH  4096


static void ngx_http_cx_session_cookieless(ngx_http_request_t *r,
    ngx_http_cx_ctx_t *ctx, uint64_t now_ms);
static uint32_t ngx_http_cx_campaign_hash(ngx_http_request_t *r,
    ngx_http_cx_ctx_t *ctx);
static u_char *ngx_http_cx_random(ngx_log_t *log, size_t n);


/* the cookie's ids in hex are the visitor's, then the session's */
typedef char  ngx_http_cx_ids_hex_fit[
    sizeof(((ngx_http_cx_ctx_t *) 0)->visitor_hex)
    + sizeof(((ngx_http_cx_ctx_t *) 0)->session_hex)
    == CX_COOKIE_IDS_HEX_LEN ? 1 : -1];


/* refilled with one getrandom() call every few hundred new sessions */
static u_char      ngx_http_cx_random_pool[NGX_HTTP_CX_RANDOM_BATCH];
static size_t      ngx_http_cx_random_left;

static int64_t     ngx_http_cx_daily_day = -1;
static u_char      ngx_http_cx_daily_key[16];


ngx_int_t
ngx_http_cx_session_resolve(ngx_http_request_t *r, ngx_http_cx_ctx_t *ctx)
{
    uint64_t                  now_ms;
    ngx_uint_t                consent;
    cx_session_input_t        in;
    ngx_http_cx_loc_conf_t   *lcf;
    ngx_http_cx_main_conf_t  *mcf;

    lcf = ngx_http_get_module_loc_conf(r, ngx_http_cx_module);

    /* asked even of a DNT visitor or a bot: the line tells the answer */

    consent = ngx_http_cx_consent(r, lcf, ctx);

    /* a bot has neither cookie nor visitor nor session */

    if (ctx->bot) {
        return NGX_OK;
    }

    now_ms = (uint64_t) r->start_sec * 1000 + r->start_msec;

    if (ctx->privacy_signal || !consent) {
        ngx_http_cx_session_cookieless(r, ctx, now_ms);
        return NGX_OK;
    }

    /* read once: a second resolution must not count a bad cookie twice */

    if (!ctx->cookie_read) {
        ctx->cookie_read = 1;
        (void) ngx_http_cx_cookie_read(r, lcf, ctx, now_ms);
    }

    /*
     * Only a navigation may make a visitor up: an API call, an asset or a
     * prefetch without a valid cookie would get an id of its own each time.
     */

    if (!ctx->has_prev && ctx->fetch != CX_FETCH_NAVIGATION) {
        ctx->anonymous = 1;
        return NGX_OK;
    }

    if (!ctx->has_prev && !ctx->random_drawn) {
        ngx_memcpy(ctx->random,
                   ngx_http_cx_random(r->connection->log,
                                      CX_SESSION_RANDOM_LEN),
                   CX_SESSION_RANDOM_LEN);
        ctx->random_drawn = 1;
    }

    mcf = ngx_http_get_module_main_conf(r, ngx_http_cx_module);

    in.now_ms = now_ms;
    in.timeout_ms = lcf->session_timeout;
    in.path_hash = ctx->path_hash;
    in.campaign = ngx_http_cx_campaign_hash(r, ctx);
    in.random = ctx->random;
    in.key = mcf->session_key;

    cx_session_advance(ctx->has_prev ? &ctx->prev : NULL, &in, &ctx->state,
                       &ctx->session);

    /* the cookie's ids came in hex with it; a new session's id did not */

    if (ctx->has_prev) {
        ngx_memcpy(ctx->visitor_hex, ctx->prev_kept.ids_hex,
                   sizeof(ctx->visitor_hex));

    } else {
        cx_session_hex(ctx->visitor_hex, ctx->state.visitor,
                       sizeof(ctx->state.visitor));
    }

    if (ctx->has_prev && !ctx->session.new_session) {
        ngx_memcpy(ctx->session_hex,
                   ctx->prev_kept.ids_hex + sizeof(ctx->visitor_hex),
                   sizeof(ctx->session_hex));

    } else {
        cx_session_hex(ctx->session_hex, ctx->state.session,
                       sizeof(ctx->state.session));
    }

    return NGX_OK;
}


/*
 * The cookie as it came, for a beacon or a prefetch: nothing advanced,
 * nothing drawn.
 */
void
ngx_http_cx_session_read(ngx_http_request_t *r, ngx_http_cx_ctx_t *ctx)
{
    uint64_t                 now_ms;
    ngx_uint_t               consent;
    ngx_http_cx_loc_conf_t  *lcf;

    ctx->session.since_prev_ms = CX_NONE;

    lcf = ngx_http_get_module_loc_conf(r, ngx_http_cx_module);

    consent = ngx_http_cx_consent(r, lcf, ctx);

    if (ctx->bot) {
        return;
    }

    now_ms = (uint64_t) r->start_sec * 1000 + r->start_msec;

    if (ctx->privacy_signal || !consent) {
        ngx_http_cx_session_cookieless(r, ctx, now_ms);
        return;
    }

    ctx->cookie_read = 1;

    /* without a valid cookie, no one: nothing is made up for a read */

    if (ngx_http_cx_cookie_read(r, lcf, ctx, now_ms) != NGX_OK) {
        ctx->anonymous = 1;
        return;
    }

    ctx->state = ctx->prev;
    ctx->session.since_prev_ms = now_ms >= ctx->prev.last_seen_ms
                                 ? (int64_t) (now_ms - ctx->prev.last_seen_ms)
                                 : 0;

    ngx_memcpy(ctx->visitor_hex, ctx->prev_kept.ids_hex,
               sizeof(ctx->visitor_hex));
    ngx_memcpy(ctx->session_hex,
               ctx->prev_kept.ids_hex + sizeof(ctx->visitor_hex),
               sizeof(ctx->session_hex));
}


/*
 * No cookie, and no visitor: a session id that is a keyed hash of address,
 * agent and host under a key that changes every UTC day, so sessions can be
 * counted without following anyone from one day to the next.
 */
static void
ngx_http_cx_session_cookieless(ngx_http_request_t *r, ngx_http_cx_ctx_t *ctx,
    uint64_t now_ms)
{
    u_char                   *p, *data;
    size_t                    len;
    int64_t                   day;
    uint64_t                  id;
    cx_str_t                  value;
    ngx_str_t                *agent;
    ngx_http_cx_main_conf_t  *mcf;
    ngx_http_cx_loc_conf_t   *lcf;

    ctx->cookieless = 1;

    lcf = ngx_http_get_module_loc_conf(r, ngx_http_cx_module);

    if (ngx_http_cx_cookie_value(r, lcf, &value) == NGX_OK) {
        ctx->sent_cookie = 1;
    }

    mcf = ngx_http_get_module_main_conf(r, ngx_http_cx_module);
    day = (int64_t) (now_ms / 1000 / 86400);

    if (day != ngx_http_cx_daily_day) {
        cx_cookie_key_daily(mcf->keys->elts, day, ngx_http_cx_daily_key);
        ngx_http_cx_daily_day = day;
    }

    agent = r->headers_in.user_agent ? &r->headers_in.user_agent->value : NULL;

    len = r->connection->addr_text.len + 1 + (agent ? agent->len : 0) + 1
          + r->headers_in.server.len;

    data = ngx_pnalloc(r->pool, len);
    if (data == NULL) {
        return;
    }

    p = ngx_cpymem(data, r->connection->addr_text.data,
                   r->connection->addr_text.len);
    *p++ = '\0';

    if (agent && agent->len) {
        p = ngx_cpymem(p, agent->data, agent->len);
    }

    *p++ = '\0';

    if (r->headers_in.server.len) {
        p = ngx_cpymem(p, r->headers_in.server.data,
                       r->headers_in.server.len);
    }

    id = cx_siphash24(ngx_http_cx_daily_key, data, p - data);

    for (len = 0; len < sizeof(ctx->state.session); len++) {
        ctx->state.session[len] = (u_char) (id >> (8 * len));
    }

    cx_session_hex(ctx->session_hex, ctx->state.session,
                   sizeof(ctx->state.session));
}


/* the decoded utm_campaign of the request, hashed; 0 without one */
static uint32_t
ngx_http_cx_campaign_hash(ngx_http_request_t *r, ngx_http_cx_ctx_t *ctx)
{
    u_char    *decoded;
    cx_str_t   value;

    if (ctx->query.data == NULL
        || !cx_query_get(ngx_http_cx_str(ctx->query), "utm_campaign", &value)
        || value.len == 0)
    {
        return 0;
    }

    decoded = ngx_pnalloc(r->pool, value.len);
    if (decoded == NULL) {
        return 0;
    }

    value.len = cx_url_decode(decoded, value, 1);
    value.data = decoded;

    return cx_fnv1a32(value);
}


static u_char *
ngx_http_cx_random(ngx_log_t *log, size_t n)
{
    size_t   got;
    ssize_t  rc;

    if (ngx_http_cx_random_left < n) {

        for (got = 0; got < sizeof(ngx_http_cx_random_pool); got += rc) {
            rc = getrandom(ngx_http_cx_random_pool + got,
                           sizeof(ngx_http_cx_random_pool) - got, 0);

            if (rc == -1) {
                if (ngx_errno == NGX_EINTR) {
                    rc = 0;
                    continue;
                }

                /* never seen on Linux 3.17+; ids must still differ */

                ngx_log_error(NGX_LOG_ALERT, log, ngx_errno,
                              "cx: getrandom() failed, using ngx_random()");

                for ( /* void */ ; got < sizeof(ngx_http_cx_random_pool);
                     got++)
                {
                    ngx_http_cx_random_pool[got] = (u_char) ngx_random();
                }

                break;
            }
        }

        ngx_http_cx_random_left = sizeof(ngx_http_cx_random_pool);
    }

    ngx_http_cx_random_left -= n;

    return ngx_http_cx_random_pool + ngx_http_cx_random_left;
}


/* a worker starts with no random bytes: none is shared with its siblings */
void
ngx_http_cx_session_init_process(void)
{
    ngx_http_cx_random_left = 0;
    ngx_http_cx_daily_day = -1;
}
