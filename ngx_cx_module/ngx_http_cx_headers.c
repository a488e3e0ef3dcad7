
/*
 * Headers to the backend: what the module knows of the visitor, added to the
 * request headers so that proxy_pass, fastcgi_pass, uwsgi_pass and grpc_pass
 * pass them on, after every header the client sent with the same prefix is
 * dropped: a backend never sees a spoofed value.
 */


#include "ngx_http_cx_common.h"
#include "cx_header.h"


typedef enum {
    NGX_HTTP_CX_HEADER_VISITOR = 0,
    NGX_HTTP_CX_HEADER_SESSION,
    NGX_HTTP_CX_HEADER_SESSION_INDEX,
    NGX_HTTP_CX_HEADER_SEQ,
    NGX_HTTP_CX_HEADER_TOUCHPOINT,
    NGX_HTTP_CX_HEADER_CHANNEL,
    NGX_HTTP_CX_HEADER_DEVICE,
    NGX_HTTP_CX_HEADER_COUNTRY,
    NGX_HTTP_CX_HEADER_VARIANTS,
    NGX_HTTP_CX_HEADER_SEGMENT,
    NGX_HTTP_CX_HEADER_EXPERIENCE,
    NGX_HTTP_CX_HEADER_COUNT
} ngx_http_cx_header_e;


static ngx_int_t ngx_http_cx_headers_filter(ngx_http_request_t *r,
    ngx_str_t *prefix, ngx_http_cx_ctx_t *ctx);
static ngx_uint_t ngx_http_cx_header_ours(ngx_str_t *prefix,
    ngx_http_cx_ctx_t *ctx, ngx_table_elt_t *h);
static ngx_int_t ngx_http_cx_header_add(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf, ngx_http_cx_header_e which, u_char *value,
    size_t len);
static ngx_int_t ngx_http_cx_header_number(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf, ngx_http_cx_header_e which, ngx_uint_t n);


static ngx_str_t  ngx_http_cx_header_suffixes[NGX_HTTP_CX_HEADER_COUNT] = {
    ngx_string("Visitor"),
    ngx_string("Session"),
    ngx_string("Session-Index"),
    ngx_string("Seq"),
    ngx_string("Touchpoint"),
    ngx_string("Channel"),
    ngx_string("Device"),
    ngx_string("Country"),
    ngx_string("Variants"),
    ngx_string("Segment"),
    ngx_string("Experience")
};


ngx_int_t
ngx_http_cx_headers_set(ngx_http_request_t *r, ngx_http_cx_loc_conf_t *lcf,
    ngx_http_cx_ctx_t *ctx)
{
    ngx_str_t          *s;
    const char         *name;
    ngx_http_cx_geo_t  *geo;

    if (ctx->header_names == lcf->header_names) {
        return NGX_OK;
    }

    /* the values stay those of the first location that sent them */

    ctx->headers_set = 1;
    ctx->header_names = lcf->header_names;

    if (!ctx->bot && !ctx->cookieless && !ctx->anonymous) {
        if (ngx_http_cx_header_add(r, lcf, NGX_HTTP_CX_HEADER_VISITOR,
                                   ctx->visitor_hex,
                                   sizeof(ctx->visitor_hex))
            != NGX_OK
            || ngx_http_cx_header_number(r, lcf,
                                         NGX_HTTP_CX_HEADER_SESSION_INDEX,
                                         ctx->state.session_index)
               != NGX_OK
            || ngx_http_cx_header_number(r, lcf, NGX_HTTP_CX_HEADER_SEQ,
                                         ctx->state.seq)
               != NGX_OK)
        {
            return NGX_ERROR;
        }

        name = ngx_http_cx_segment(ctx);

        if (ngx_http_cx_header_add(r, lcf, NGX_HTTP_CX_HEADER_SEGMENT,
                                   (u_char *) name, ngx_strlen(name))
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (ctx->prev_experience != CX_EXPERIENCE_NONE) {
            name = cx_experience_name(ctx->prev_experience);

            if (ngx_http_cx_header_add(r, lcf, NGX_HTTP_CX_HEADER_EXPERIENCE,
                                       (u_char *) name, ngx_strlen(name))
                != NGX_OK)
            {
                return NGX_ERROR;
            }
        }
    }

    if (!ctx->bot && !ctx->anonymous
        && ngx_http_cx_header_add(r, lcf, NGX_HTTP_CX_HEADER_SESSION,
                                  ctx->session_hex, sizeof(ctx->session_hex))
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ctx->touchpoint
        && ngx_http_cx_header_add(r, lcf, NGX_HTTP_CX_HEADER_TOUCHPOINT,
                                  ctx->touchpoint->name.data,
                                  ctx->touchpoint->name.len)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    name = cx_channel_name(ctx->channel.channel);

    if (name
        && ngx_http_cx_header_add(r, lcf, NGX_HTTP_CX_HEADER_CHANNEL,
                                  (u_char *) name, ngx_strlen(name))
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    name = cx_device_name(ctx->agent.device);

    if (ngx_http_cx_header_add(r, lcf, NGX_HTTP_CX_HEADER_DEVICE,
                               (u_char *) name, ngx_strlen(name))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* a database's value is no header unless it is a token */

    geo = ngx_http_cx_geo(r, ctx);

    if (cx_header_token_valid(ngx_http_cx_str(geo->country))
        && ngx_http_cx_header_add(r, lcf, NGX_HTTP_CX_HEADER_COUNTRY,
                                  geo->country.data, geo->country.len)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    s = ngx_http_cx_experiment_variants(r, ctx);

    if (s->len
        && ngx_http_cx_header_add(r, lcf, NGX_HTTP_CX_HEADER_VARIANTS,
                                  s->data, s->len)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * The client's headers with the location's prefix go, and so do those the
 * module added in another location before an internal redirect (try_files,
 * error_page): the backend sees the headers of the location that passes the
 * request to it, and no client's header with the prefix of any location the
 * request went through.
 */
ngx_int_t
ngx_http_cx_headers_drop(ngx_http_request_t *r, ngx_http_cx_loc_conf_t *lcf,
    ngx_http_cx_ctx_t *ctx)
{
    if (ctx->headers_lcf == lcf) {
        return NGX_OK;
    }

    ctx->headers_lcf = lcf;

    return ngx_http_cx_headers_filter(r, &lcf->header_prefix, ctx);
}


/* a redirect into a location with cx off: what the module added goes */
ngx_int_t
ngx_http_cx_headers_take_back(ngx_http_request_t *r, ngx_http_cx_ctx_t *ctx)
{
    ctx->headers_lcf = NULL;

    if (ctx->header_names == NULL) {
        return NGX_OK;
    }

    return ngx_http_cx_headers_filter(r, NULL, ctx);
}


/*
 * Headers cannot be taken out of nginx's list: the list is built again in
 * place without them, the first time one is seen.  Pointers such as
 * r->headers_in.host keep pointing to the old elements, which stay valid.
 */
static ngx_int_t
ngx_http_cx_headers_filter(ngx_http_request_t *r, ngx_str_t *prefix,
    ngx_http_cx_ctx_t *ctx)
{
    ngx_uint_t        i;
    ngx_list_part_t   first, *part;
    ngx_table_elt_t  *h, *copy;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                ctx->header_names = NULL;
                return NGX_OK;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (ngx_http_cx_header_ours(prefix, ctx, &h[i])) {
            break;
        }
    }

    /* the old first part is copied out: the list's own is reused */

    first = r->headers_in.headers.part;

    if (ngx_list_init(&r->headers_in.headers, r->pool, 20,
                      sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    part = &first;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                ctx->header_names = NULL;
                return NGX_OK;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (ngx_http_cx_header_ours(prefix, ctx, &h[i])) {
            ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                           "cx: request header \"%V\" dropped", &h[i].key);
            continue;
        }

        copy = ngx_list_push(&r->headers_in.headers);
        if (copy == NULL) {
            return NGX_ERROR;
        }

        *copy = h[i];
    }
}


static ngx_int_t
ngx_http_cx_header_add(ngx_http_request_t *r, ngx_http_cx_loc_conf_t *lcf,
    ngx_http_cx_header_e which, u_char *value, size_t len)
{
    ngx_table_elt_t  *h, *name;

    h = ngx_list_push(&r->headers_in.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    name = lcf->header_names->elts;

    *h = name[which];
    h->value.data = value;
    h->value.len = len;

    return NGX_OK;
}


/*
 * A client's header with the prefix, however a backend spells it back
 * (letter case, '_' for '-'), or one the module added: its name is the
 * module's own copy.
 */
static ngx_uint_t
ngx_http_cx_header_ours(ngx_str_t *prefix, ngx_http_cx_ctx_t *ctx,
    ngx_table_elt_t *h)
{
    ngx_uint_t        i;
    ngx_table_elt_t  *name;

    if (prefix
        && cx_header_has_prefix(ngx_http_cx_str(h->key),
                                ngx_http_cx_str(*prefix)))
    {
        return 1;
    }

    if (ctx->header_names == NULL) {
        return 0;
    }

    name = ctx->header_names->elts;

    for (i = 0; i < ctx->header_names->nelts; i++) {
        if (h->key.data == name[i].key.data) {
            return 1;
        }
    }

    return 0;
}


static ngx_int_t
ngx_http_cx_header_number(ngx_http_request_t *r, ngx_http_cx_loc_conf_t *lcf,
    ngx_http_cx_header_e which, ngx_uint_t n)
{
    u_char  *p, *last;

    p = ngx_pnalloc(r->pool, NGX_INT_T_LEN);
    if (p == NULL) {
        return NGX_ERROR;
    }

    last = ngx_sprintf(p, "%ui", n);

    return ngx_http_cx_header_add(r, lcf, which, p, last - p);
}


/*
 * new: the first session; loyal: five sessions or more, or a goal reached
 * in an earlier session (the cookie's flag); returning: the rest.
 */
const char *
ngx_http_cx_segment(ngx_http_cx_ctx_t *ctx)
{
    if ((ctx->state.flags & CX_COOKIE_LOYAL) || ctx->state.session_index >= 5) {
        return "loyal";
    }

    return ctx->state.session_index > 1 ? "returning" : "new";
}


/* every header's name, key and hash, made once per prefix and level */
char *
ngx_http_cx_headers_merge(ngx_conf_t *cf, ngx_http_cx_loc_conf_t *prev,
    ngx_http_cx_loc_conf_t *conf)
{
    u_char           *p;
    ngx_uint_t        i;
    ngx_table_elt_t  *h;

    ngx_conf_merge_value(conf->headers, prev->headers, 1);
    ngx_conf_merge_str_value(conf->header_prefix, prev->header_prefix,
                             "X-CX-");

    if (conf->header_prefix.data == prev->header_prefix.data
        && prev->header_names)
    {
        conf->header_names = prev->header_names;
        return NGX_CONF_OK;
    }

    conf->header_names = ngx_array_create(cf->pool, NGX_HTTP_CX_HEADER_COUNT,
                                          sizeof(ngx_table_elt_t));
    if (conf->header_names == NULL) {
        return NGX_CONF_ERROR;
    }

    for (i = 0; i < NGX_HTTP_CX_HEADER_COUNT; i++) {
        h = ngx_array_push(conf->header_names);
        if (h == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_memzero(h, sizeof(ngx_table_elt_t));

        h->key.len = conf->header_prefix.len
                     + ngx_http_cx_header_suffixes[i].len;
        h->key.data = ngx_pnalloc(cf->pool, h->key.len);
        h->lowcase_key = ngx_pnalloc(cf->pool, h->key.len);

        if (h->key.data == NULL || h->lowcase_key == NULL) {
            return NGX_CONF_ERROR;
        }

        p = ngx_cpymem(h->key.data, conf->header_prefix.data,
                       conf->header_prefix.len);
        ngx_memcpy(p, ngx_http_cx_header_suffixes[i].data,
                   ngx_http_cx_header_suffixes[i].len);

        h->hash = ngx_hash_strlow(h->lowcase_key, h->key.data, h->key.len);
    }

    return NGX_CONF_OK;
}


/*
 * Checked where it is written, whether or not a server inherits it: an
 * empty prefix would drop every header of the client (Cookie,
 * Authorization...), and one that is not a token is no header name.
 */
char *
ngx_http_cx_header_prefix_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_cx_loc_conf_t *lcf = conf;

    ngx_str_t          *value;
    ngx_http_header_t  *known;

    if (lcf->header_prefix.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (!cx_header_token_valid(ngx_http_cx_str(value[1]))) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid cx_header_prefix \"%V\", it must be a "
                           "token: letters, digits and "
                           "!#$%%&'*+-.^_`|~", &value[1]);
        return NGX_CONF_ERROR;
    }

    /* "C" or "X-" would take the client's Cookie or X-Forwarded-For away */

    for (known = ngx_http_headers_in; known->name.len; known++) {
        if (cx_header_has_prefix(ngx_http_cx_str(known->name),
                                 ngx_http_cx_str(value[1])))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid cx_header_prefix \"%V\", the "
                               "client's \"%V\" would be dropped",
                               &value[1], &known->name);
            return NGX_CONF_ERROR;
        }
    }

    lcf->header_prefix = value[1];

    return NGX_CONF_OK;
}


/*
 * The client's own headers with our prefix go first, whatever the location:
 * subrequests (SSI, auth_request, mirror) copy the request's headers to
 * their upstreams, and an internal redirect comes here again, in a location
 * that may have another prefix.  A location with a content handler
 * (proxy_pass, fastcgi_pass, ...) then learns who the visitor is, before its
 * upstream request is built; static files wait for the header filter, and
 * assets never pay for it.
 */
ngx_int_t
ngx_http_cx_access_handler(ngx_http_request_t *r)
{
    ngx_http_cx_ctx_t         *ctx;
    ngx_http_cx_loc_conf_t    *lcf;
    ngx_http_core_loc_conf_t  *clcf;

    if (r != r->main) {
        return NGX_DECLINED;
    }

    lcf = ngx_http_get_module_loc_conf(r, ngx_http_cx_module);

    if (!lcf->enable) {

        /* an internal redirect from a location where cx is on */

        ctx = ngx_http_cx_get_ctx(r);

        if (ctx && ngx_http_cx_headers_take_back(r, ctx) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return NGX_DECLINED;
    }

    ctx = ngx_http_cx_create_ctx(r);

    if (ctx == NULL || ngx_http_cx_headers_drop(r, lcf, ctx) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    if (clcf->handler == NULL || lcf->beacon || !lcf->headers) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_cx_resolve(r);

    if (ctx == NULL || ngx_http_cx_headers_set(r, lcf, ctx) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_DECLINED;
}
