
/*
 * The request's context: created once per request, found again after an
 * internal redirect (index, error_page, try_files) has reset module contexts,
 * so the visitor is resolved and counted once, on the path they asked for.
 */


#include "ngx_http_cx_common.h"
#include "cx_hash.h"
#include "cx_url.h"


/* the lengths of the names ngx_http_cx_fetch() looks for, as bits */
#define NGX_HTTP_CX_FETCH_NAME_LENS                                          \
    ((1 << (sizeof("DNT") - 1)) | (1 << (sizeof("Sec-GPC") - 1))              \
     | (1 << (sizeof("Purpose") - 1)) | (1 << (sizeof("Sec-Purpose") - 1))   \
     | (1 << (sizeof("Sec-Fetch-Dest") - 1)))

/* whether header h is named lowcase, a literal */
#define ngx_http_cx_header_is(h, lowcase)                                    \
    ((h)->key.len == sizeof(lowcase) - 1                                     \
     && ngx_memcmp((h)->lowcase_key, lowcase, sizeof(lowcase) - 1) == 0)


static cx_fetch_e ngx_http_cx_fetch(ngx_http_request_t *r,
    ngx_http_cx_ctx_t *ctx);
static void ngx_http_cx_unresolve(ngx_http_cx_ctx_t *ctx);
static void ngx_http_cx_beacon_resolve(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf, ngx_http_cx_ctx_t *ctx);
static ngx_int_t ngx_http_cx_speculation_resolve(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf, ngx_http_cx_ctx_t *ctx);
static void ngx_http_cx_ctx_cleanup(void *data);


/*
 * The context and the pool cleanup that is its second home, in one
 * allocation: the cleanup has nothing to free, it is how an internal
 * redirect finds the context again
 */
typedef struct {
    ngx_pool_cleanup_t        cln;
    ngx_http_cx_ctx_t         ctx;
} ngx_http_cx_ctx_home_t;


/* after an internal redirect: the context, from its second home */
ngx_http_cx_ctx_t *
ngx_http_cx_find_ctx(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t  *cln;
    ngx_http_cx_ctx_t   *ctx;

    for (cln = r->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler == ngx_http_cx_ctx_cleanup) {
            ctx = cln->data;
            ngx_http_set_ctx(r, ctx, ngx_http_cx_module);
            return ctx;
        }
    }

    return NULL;
}


/* a new context; ngx_http_cx_create_ctx(), inline, looks for one first */
ngx_http_cx_ctx_t *
ngx_http_cx_new_ctx(ngx_http_request_t *r)
{
    u_char                  *decoded;
    cx_str_t                 path, query;
    ngx_http_cx_ctx_t       *ctx;
    ngx_http_cx_ctx_home_t  *home;

    /*
     * One allocation instead of ngx_pool_cleanup_add()'s two; zeroed by
     * ngx_pcalloc()'s memset(), which costs fewer instructions than the
     * "rep stos" a zeroing of a known size is compiled into
     */

    home = ngx_pcalloc(r->pool, sizeof(ngx_http_cx_ctx_home_t));
    if (home == NULL) {
        return NULL;
    }

    ctx = &home->ctx;

    home->cln.handler = ngx_http_cx_ctx_cleanup;
    home->cln.data = ctx;
    home->cln.next = r->pool->cleanup;
    r->pool->cleanup = &home->cln;

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

    /* memchr(): a few vector compares, not a loop of bytes */

    if (path.len && memchr(path.data, '%', path.len) != NULL) {
        decoded = ngx_pnalloc(r->pool, path.len);
        if (decoded == NULL) {
            return NULL;
        }

        path.len = cx_url_decode(decoded, path, 0);
        path.data = decoded;
    }

    ctx->path.data = (u_char *) path.data;
    ctx->path.len = path.len;
    ctx->path_hash = cx_fnv1a32(path);
    ctx->query.data = (u_char *) query.data;
    ctx->query.len = query.len;
    ctx->fetch = ngx_http_cx_fetch(r, ctx);

    ngx_http_set_ctx(r, ctx, ngx_http_cx_module);

    return ctx;
}


/*
 * What the request fetches, from the method and the headers the browser
 * sent: only a GET can show a page; a browser that says where the response
 * goes (Sec-Fetch-Dest) and says anything but a document is fetching no
 * page (cx_fetch_classify() has the one exception); a speculative fetch is
 * no page yet.  The same walk of the headers finds the visitor's privacy
 * signal, which a request of any method may carry.
 */
static cx_fetch_e
ngx_http_cx_fetch(ngx_http_request_t *r, ngx_http_cx_ctx_t *ctx)
{
    cx_str_t          dest;
    cx_fetch_e        speculation;
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    dest.data = NULL;
    dest.len = 0;
    speculation = CX_FETCH_NAVIGATION;

    part = &r->headers_in.headers.part;
    h = part->elts;

    /* memcmp() of a known length is a few compares, strncmp() a call */

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        /* most headers are none of these, as their name's length says */

        if (h[i].key.len >= 16
            || ((1 << h[i].key.len) & NGX_HTTP_CX_FETCH_NAME_LENS) == 0)
        {
            continue;
        }

        if (ngx_http_cx_header_is(&h[i], "sec-fetch-dest")) {
            /* a second one can only make it less of a page */

            if (dest.data == NULL || cx_fetch_dest_document(dest)) {
                dest = ngx_http_cx_str(h[i].value);
            }

        } else if (speculation == CX_FETCH_NAVIGATION
                   && (ngx_http_cx_header_is(&h[i], "sec-purpose")
                       || ngx_http_cx_header_is(&h[i], "purpose")))
        {
            speculation = cx_fetch_speculation(ngx_http_cx_str(h[i].value));

        } else if (h[i].value.len == 1 && h[i].value.data[0] == '1'
                   && (ngx_http_cx_header_is(&h[i], "dnt")
                       || ngx_http_cx_header_is(&h[i], "sec-gpc")))
        {
            ctx->privacy_signal = 1;
        }
    }

    if (r->method != NGX_HTTP_GET) {
        return CX_FETCH_OTHER;
    }

    ctx->dest_document = dest.data != NULL && cx_fetch_dest_document(dest);

    return cx_fetch_classify(dest, speculation);
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
            || ctx->beacon_ok || ctx->speculative)
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

    if (ctx->fetch == CX_FETCH_PREFETCH || ctx->fetch == CX_FETCH_PRERENDER) {
        return ngx_http_cx_speculation_resolve(r, lcf, ctx) == NGX_OK
               ? ctx : NULL;
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
    ctx->anonymous = 0;
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


/*
 * A page fetched ahead: nobody has seen it yet, and may never.  The cookie
 * is read as a beacon reads it, nothing advanced; only the touchpoint is of
 * the page fetched.
 */
static ngx_int_t
ngx_http_cx_speculation_resolve(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf, ngx_http_cx_ctx_t *ctx)
{
    cx_cookie_state_t  state;

    ngx_http_cx_session_read(r, ctx);

    state = ctx->state;
    ngx_http_cx_touchpoint_resolve(r, lcf, ctx);
    ctx->state = state;
    ngx_str_null(&ctx->prev_touchpoint);

    if (!ctx->has_prev) {

        /* no one: whence, as for any request that is no navigation */

        return ngx_http_cx_channel_resolve(r, lcf, ctx);
    }

    ctx->channel.channel = ctx->state.channel;
    ngx_http_cx_experiment_resolve(r, lcf, ctx);

    return NGX_OK;
}


static void
ngx_http_cx_ctx_cleanup(void *data)
{
    return;
}


ngx_uint_t
ngx_http_cx_is_page_view(ngx_http_request_t *r, ngx_http_cx_loc_conf_t *lcf)
{
    return ngx_http_cx_page(r, lcf) == CX_FETCH_NAVIGATION;
}


/*
 * Whether the response is a page a person sees, and how it was fetched:
 * CX_FETCH_NAVIGATION, a page view; CX_FETCH_PREFETCH or _PRERENDER, a
 * page fetched ahead; CX_FETCH_OTHER, no page.  The rule, in this order
 * (README, "What a page view is"):
 */
cx_fetch_e
ngx_http_cx_page(ngx_http_request_t *r, ngx_http_cx_loc_conf_t *lcf)
{
    ngx_uint_t          status;
    ngx_http_cx_ctx_t  *ctx;

    /*
     * 1. A request nginx refused before it found a location (a URI or
     * header too long, a malformed request line, no Host) names no page;
     * the beacon's and the metrics' answers are not pages either.
     */

    if (r != r->main || !r->valid_location || lcf->beacon || lcf->metrics) {
        return CX_FETCH_OTHER;
    }

    /* 2. GET only: nobody sees a HEAD's answer (link checkers, monitors) */

    if (r->method != NGX_HTTP_GET) {
        return CX_FETCH_OTHER;
    }

    /*
     * 3. and 4. what the browser says it fetches (Sec-Fetch-Dest) and
     * whether it fetches ahead (Sec-Purpose, Purpose): ngx_http_cx_fetch()
     */

    ctx = ngx_http_cx_create_ctx(r);

    if (ctx == NULL || ctx->fetch == CX_FETCH_OTHER) {
        return CX_FETCH_OTHER;
    }

    /*
     * 5. A part of a response (a video, a resumed download) is no page
     * seen; the range filter turns a static 200 into the 206 after this
     * filter, so the request's Range says it first.
     */

    status = r->headers_out.status;

    if (status == NGX_HTTP_PARTIAL_CONTENT || r->headers_in.range) {
        return CX_FETCH_OTHER;
    }

    /*
     * 6. A redirect is not a page the visitor sees, nor a "204 No
     * Content"; "304 Not Modified" is: the browser shows its copy.
     */

    if (status == NGX_HTTP_NO_CONTENT
        || (status >= NGX_HTTP_MOVED_PERMANENTLY
            && status < NGX_HTTP_BAD_REQUEST
            && status != NGX_HTTP_NOT_MODIFIED))
    {
        return CX_FETCH_OTHER;
    }

    /*
     * 7. The type, by cx_types.  This filter runs before nginx's own 304
     * (it comes in as a 200 with its type); an upstream's 304 usually
     * comes without one: then only a browser saying "document" tells.
     */

    if (status == NGX_HTTP_NOT_MODIFIED
        && r->headers_out.content_type.len == 0)
    {
        return ctx->dest_document ? ctx->fetch : CX_FETCH_OTHER;
    }

    /*
     * most pages: no lower-casing and hashing of "text/html" each time;
     * memcmp() of a known length is a few compares where strncmp() was a
     * call, with the same answer: "text/html" has no NUL
     */

    if (lcf->types_html
        && r->headers_out.content_type_len == sizeof("text/html") - 1
        && r->headers_out.content_type.len >= sizeof("text/html") - 1
        && ngx_memcmp(r->headers_out.content_type.data, "text/html",
                      sizeof("text/html") - 1)
           == 0)
    {
        return ctx->fetch;
    }

    return ngx_http_test_content_type(r, &lcf->types) != NULL
           ? ctx->fetch : CX_FETCH_OTHER;
}


/*
 * Whether cx_types holds "text/html", for ngx_http_cx_page(): what
 * ngx_http_test_content_type() answers for a response of exactly that type
 */
ngx_flag_t
ngx_http_cx_types_html(ngx_hash_t *types)
{
    u_char  html[] = "text/html";

    if (types->size == 0) {
        return 1;
    }

    return ngx_hash_find(types, ngx_hash_key(html, sizeof(html) - 1), html,
                         sizeof(html) - 1)
           != NULL;
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


/*
 * cx_speculation refuse: a page fetched ahead is answered 503 before the
 * location's rewrites and content, so the browser drops it and the click
 * that follows comes as a real navigation.  The rewrite phase, not the
 * access one: a location's "return" answers in it.
 */
ngx_int_t
ngx_http_cx_speculation_handler(ngx_http_request_t *r)
{
    ngx_http_cx_ctx_t       *ctx;
    ngx_http_cx_loc_conf_t  *lcf;

    if (r != r->main) {
        return NGX_DECLINED;
    }

    lcf = ngx_http_get_module_loc_conf(r, ngx_http_cx_module);

    if (!lcf->enable || lcf->speculation != NGX_HTTP_CX_SPECULATION_REFUSE
        || lcf->beacon || lcf->metrics)
    {
        return NGX_DECLINED;
    }

    ctx = ngx_http_cx_create_ctx(r);

    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the 503's own error_page, if any, is served */

    if (ctx->refused
        || (ctx->fetch != CX_FETCH_PREFETCH
            && ctx->fetch != CX_FETCH_PRERENDER))
    {
        return NGX_DECLINED;
    }

    ctx->refused = 1;
    ngx_http_cx_metrics_speculative(r, ctx->fetch, 1);

    return NGX_HTTP_SERVICE_UNAVAILABLE;
}
