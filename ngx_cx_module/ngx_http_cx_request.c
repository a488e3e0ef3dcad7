
/*
 * The request's context: created once per request, found again after an
 * internal redirect (index, error_page, try_files) has reset module contexts,
 * so the visitor is resolved and counted once, on the path they asked for.
 */


#include "ngx_http_cx_common.h"
#include "cx_url.h"


static void ngx_http_cx_unresolve(ngx_http_cx_ctx_t *ctx);
static void ngx_http_cx_beacon_resolve(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf, ngx_http_cx_ctx_t *ctx);
static void ngx_http_cx_ctx_cleanup(void *data);


ngx_http_cx_ctx_t *
ngx_http_cx_get_ctx(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t  *cln;
    ngx_http_cx_ctx_t   *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_cx_module);

    if (ctx == NULL && r == r->main && (r->internal || r->filter_finalize)) {

        for (cln = r->pool->cleanup; cln; cln = cln->next) {
            if (cln->handler == ngx_http_cx_ctx_cleanup) {
                ctx = cln->data;
                ngx_http_set_ctx(r, ctx, ngx_http_cx_module);
                break;
            }
        }
    }

    return ctx;
}


ngx_http_cx_ctx_t *
ngx_http_cx_create_ctx(ngx_http_request_t *r)
{
    u_char              *decoded;
    cx_str_t             path, query;
    ngx_pool_cleanup_t  *cln;
    ngx_http_cx_ctx_t   *ctx;

    ctx = ngx_http_cx_get_ctx(r);

    if (ctx != NULL) {
        return ctx;
    }

    /* the pool cleanup is the context's second home; it has nothing to free */

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_http_cx_ctx_t));
    if (cln == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_cx_ctx_cleanup;
    ctx = cln->data;
    ngx_memzero(ctx, sizeof(ngx_http_cx_ctx_t));

    /*
     * The request line's target, not r->uri: rewrites and index files
     * change r->uri, while the journey records the page the visitor asked for.
     */

    if (r->unparsed_uri.len) {
        cx_url_split(ngx_http_cx_str(r->unparsed_uri), &path, &query);

    } else {
        path = ngx_http_cx_str(r->uri);
        query.data = NULL;
        query.len = 0;
    }

    if (ngx_strlchr((u_char *) path.data, (u_char *) path.data + path.len, '%')
        != NULL)
    {
        decoded = ngx_pnalloc(r->pool, path.len);
        if (decoded == NULL) {
            return NULL;
        }

        path.len = cx_url_decode(decoded, path, 0);
        path.data = decoded;
    }

    ctx->path.data = (u_char *) path.data;
    ctx->path.len = path.len;
    ctx->query.data = (u_char *) query.data;
    ctx->query.len = query.len;

    ngx_http_set_ctx(r, ctx, ngx_http_cx_module);

    return ctx;
}


/*
 * The context with all the request's journey: who (agent, then visitor and
 * session), where (touchpoint), whence (channel) and which variants, worked
 * out on first need.  A variable read in a server's rewrites resolves it
 * under the server's configuration: the location's resolves it again, as
 * long as nothing of it has been sent yet.
 */
ngx_http_cx_ctx_t *
ngx_http_cx_resolve(ngx_http_request_t *r)
{
    ngx_http_cx_ctx_t       *ctx;
    ngx_http_cx_loc_conf_t  *lcf;

    ctx = ngx_http_cx_create_ctx(r);

    if (ctx == NULL) {
        return NULL;
    }

    lcf = ngx_http_get_module_loc_conf(r, ngx_http_cx_module);

    if (ctx->resolved) {
        if (ctx->resolved_lcf == lcf || ctx->headers_set || ctx->page_view
            || ctx->beacon_ok)
        {
            return ctx;
        }

        ngx_http_cx_unresolve(ctx);
    }

    ctx->resolved = 1;
    ctx->resolved_lcf = lcf;

    ngx_http_cx_agent_resolve(r, lcf, ctx);

    if (lcf->beacon) {
        ngx_http_cx_beacon_resolve(r, lcf, ctx);
        return ctx;
    }

    if (ngx_http_cx_session_resolve(r, ctx) != NGX_OK) {
        return NULL;
    }

    ngx_http_cx_touchpoint_resolve(r, lcf, ctx);

    if (ngx_http_cx_channel_resolve(r, lcf, ctx) != NGX_OK) {
        return NULL;
    }

    ngx_http_cx_experiment_resolve(r, lcf, ctx);

    return ctx;
}


/* what depends on the configuration goes; the cookie as read stays */
static void
ngx_http_cx_unresolve(ngx_http_cx_ctx_t *ctx)
{
    ngx_memzero(&ctx->state, sizeof(cx_cookie_state_t));
    ngx_memzero(&ctx->session, sizeof(cx_session_result_t));
    ngx_memzero(&ctx->channel, sizeof(cx_channel_result_t));
    ngx_memzero(&ctx->agent, sizeof(cx_agent_t));

    ctx->touchpoint = NULL;
    ngx_str_null(&ctx->prev_touchpoint);
    ctx->assignments = NULL;
    ctx->nassignments = 0;
    ngx_str_null(&ctx->variants_text);
    ctx->prev_experience = CX_EXPERIENCE_NONE;
    ctx->cookieless = 0;
    ctx->bot = 0;
}


/*
 * A beacon's journey: who sent it, from the cookie as it is.  The session
 * is neither advanced nor re-issued: the feedback belongs to the page view
 * before it.
 */
static void
ngx_http_cx_beacon_resolve(ngx_http_request_t *r, ngx_http_cx_loc_conf_t *lcf,
    ngx_http_cx_ctx_t *ctx)
{
    ngx_http_cx_session_read(r, ctx);

    ctx->channel.channel = ctx->state.channel;

    if (ctx->has_prev) {
        ngx_http_cx_experiment_resolve(r, lcf, ctx);
    }
}


static void
ngx_http_cx_ctx_cleanup(void *data)
{
    return;
}


ngx_uint_t
ngx_http_cx_is_page_view(ngx_http_request_t *r, ngx_http_cx_loc_conf_t *lcf)
{
    ngx_uint_t  status;

    /*
     * A request nginx refused before it found a location (a URI or header
     * too long, a malformed request line, no Host) names no page; the
     * beacon's and the metrics' answers are not pages either.
     */

    if (r != r->main || !r->valid_location || lcf->beacon || lcf->metrics
        || !(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD)))
    {
        return 0;
    }

    /* a redirect is not a page the visitor sees, nor a "204 No Content";
     * "304 Not Modified" is: the browser shows its copy */

    status = r->headers_out.status;

    if (status == NGX_HTTP_NO_CONTENT
        || (status >= NGX_HTTP_MOVED_PERMANENTLY
            && status < NGX_HTTP_BAD_REQUEST
            && status != NGX_HTTP_NOT_MODIFIED))
    {
        return 0;
    }

    return ngx_http_test_content_type(r, &lcf->types) != NULL;
}


/* a whole response from a buffer: the beacon's reasons, the metrics */
ngx_int_t
ngx_http_cx_send_text(ngx_http_request_t *r, ngx_uint_t status,
    const char *type, ngx_buf_t *b)
{
    ngx_int_t    rc;
    ngx_chain_t  out;

    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    r->headers_out.status = status;
    r->headers_out.content_length_n = b->last - b->pos;
    r->headers_out.content_type.data = (u_char *) type;
    r->headers_out.content_type.len = ngx_strlen(type);
    r->headers_out.content_type_len = r->headers_out.content_type.len;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}
