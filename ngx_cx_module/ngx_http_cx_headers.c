
/*
 * Headers to the backend: what the module knows of the visitor, added to the
 * request headers so that proxy_pass, fastcgi_pass, uwsgi_pass and grpc_pass
 * pass them on, after every header the client sent with the same prefix is
 * dropped: a backend never sees a spoofed value.
 */


#include "ngx_http_cx_module.h"


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


static ngx_uint_t ngx_http_cx_header_ours(ngx_http_cx_loc_conf_t *lcf,
    ngx_table_elt_t *h);
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

    if (ctx->headers_set) {
        return NGX_OK;
    }

    ctx->headers_set = 1;

    if (!ctx->bot && !ctx->cookieless) {
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

    if (!ctx->bot
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

    geo = ngx_http_cx_geo(r, ctx);

    if (geo->country.len
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
 * Headers cannot be taken out of nginx's list: the list is built again in
 * place without them, the first time one is seen.  Pointers such as
 * r->headers_in.host keep pointing to the old elements, which stay valid.
 */
ngx_int_t
ngx_http_cx_headers_drop(ngx_http_request_t *r, ngx_http_cx_loc_conf_t *lcf,
    ngx_http_cx_ctx_t *ctx)
{
    ngx_uint_t        i;
    ngx_list_part_t   first, *part;
    ngx_table_elt_t  *h, *copy;

    if (ctx->headers_dropped) {
        return NGX_OK;
    }

    ctx->headers_dropped = 1;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return NGX_OK;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (ngx_http_cx_header_ours(lcf, &h[i])) {
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
                return NGX_OK;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (ngx_http_cx_header_ours(lcf, &h[i])) {
            ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                           "cx: client header \"%V\" dropped", &h[i].key);
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


/* a name with our prefix, whatever its letter case */
static ngx_uint_t
ngx_http_cx_header_ours(ngx_http_cx_loc_conf_t *lcf, ngx_table_elt_t *h)
{
    return h->key.len >= lcf->header_prefix_lower.len
           && ngx_strncmp(h->lowcase_key, lcf->header_prefix_lower.data,
                          lcf->header_prefix_lower.len)
              == 0;
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
        conf->header_prefix_lower = prev->header_prefix_lower;
        return NGX_CONF_OK;
    }

    for (i = 0; i < conf->header_prefix.len; i++) {
        if (conf->header_prefix.data[i] <= ' '
            || conf->header_prefix.data[i] >= 0x7f
            || ngx_strchr("()<>@,;:\\\"/[]?={}", conf->header_prefix.data[i]))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid cx_header_prefix \"%V\"",
                               &conf->header_prefix);
            return NGX_CONF_ERROR;
        }
    }

    conf->header_prefix_lower.len = conf->header_prefix.len;
    conf->header_prefix_lower.data = ngx_pnalloc(cf->pool,
                                                 conf->header_prefix.len);
    if (conf->header_prefix_lower.data == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_strlow(conf->header_prefix_lower.data, conf->header_prefix.data,
               conf->header_prefix.len);

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
