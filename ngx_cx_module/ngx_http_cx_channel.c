
/*
 * The session's channel: classified once, on the session's landing page,
 * from its query and Referer by the core (cx_channel.c), then carried by the
 * cookie to every later page of the session.
 */


#include "ngx_http_cx_common.h"


static ngx_int_t ngx_http_cx_channel_host(ngx_conf_t *cf, ngx_str_t *value,
    cx_str_t *host);


ngx_int_t
ngx_http_cx_channel_resolve(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf, ngx_http_cx_ctx_t *ctx)
{
    u_char           *scratch;
    size_t            size;
    cx_str_t          referrer;
    cx_channel_e      session_channel;
    ngx_table_elt_t  *h;

    /*
     * A later page of the session: its channel is the landing's.  A cookie
     * without one (made by hand with cx-cookie) is classified here.
     */

    if (!ctx->bot && !ctx->cookieless && !ctx->session.new_session
        && ctx->state.channel != CX_CHANNEL_NONE)
    {
        ctx->channel.channel = ctx->state.channel;
        return NGX_OK;
    }

    h = r->headers_in.referer;
    referrer.data = h ? h->value.data : NULL;
    referrer.len = h ? h->value.len : 0;

    size = ctx->query.len + referrer.len;

    scratch = ngx_pnalloc(r->pool, size ? size : 1);
    if (scratch == NULL) {
        return NGX_ERROR;
    }

    cx_channel_classify(ngx_http_cx_str(ctx->query), referrer,
                        ngx_http_cx_str(r->headers_in.server),
                        lcf->channel_sources ? lcf->channel_sources->elts
                                             : NULL,
                        lcf->channel_sources ? lcf->channel_sources->nelts : 0,
                        lcf->internal_hosts ? lcf->internal_hosts->elts : NULL,
                        lcf->internal_hosts ? lcf->internal_hosts->nelts : 0,
                        scratch, size, &ctx->channel);

    if (ctx->bot || ctx->cookieless) {
        return NGX_OK;
    }

    /*
     * A session that begins on a link of the site itself (the visitor left
     * a tab open past the timeout) came from where the last one came from.
     */

    session_channel = ctx->channel.channel;

    if (session_channel == CX_CHANNEL_INTERNAL && ctx->has_prev
        && ctx->prev.channel != CX_CHANNEL_NONE
        && ctx->prev.channel != CX_CHANNEL_INTERNAL)
    {
        session_channel = ctx->prev.channel;
        ctx->channel.channel = session_channel;
    }

    ctx->state.channel = (uint8_t) session_channel;

    return NGX_OK;
}


char *
ngx_http_cx_internal_hosts_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_cx_loc_conf_t *lcf = conf;

    cx_str_t    *host;
    ngx_str_t   *value;
    ngx_uint_t   i;

    value = cf->args->elts;

    if (lcf->internal_hosts == NULL) {
        lcf->internal_hosts = ngx_array_create(cf->pool, cf->args->nelts - 1,
                                               sizeof(cx_str_t));
        if (lcf->internal_hosts == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    for (i = 1; i < cf->args->nelts; i++) {
        host = ngx_array_push(lcf->internal_hosts);
        if (host == NULL) {
            return NGX_CONF_ERROR;
        }

        if (ngx_http_cx_channel_host(cf, &value[i], host) != NGX_OK) {
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


char *
ngx_http_cx_channel_source_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_cx_loc_conf_t *lcf = conf;

    ngx_str_t          *value;
    cx_channel_e        channel;
    cx_channel_host_t  *source;

    value = cf->args->elts;

    channel = cx_channel_from_name(ngx_http_cx_str(value[2]));

    if (channel == CX_CHANNEL_NONE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "unknown channel \"%V\", it must be \"direct\", "
                           "\"internal\", \"search\", \"social\", \"email\", "
                           "\"paid\", \"referral\" or \"campaign\"",
                           &value[2]);
        return NGX_CONF_ERROR;
    }

    if (lcf->channel_sources == NULL) {
        lcf->channel_sources = ngx_array_create(cf->pool, 4,
                                                sizeof(cx_channel_host_t));
        if (lcf->channel_sources == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    source = ngx_array_push(lcf->channel_sources);
    if (source == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(source, sizeof(cx_channel_host_t));

    if (ngx_http_cx_channel_host(cf, &value[1], &source->host) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    source->channel = channel;

    if (cf->args->nelts == 4) {
        source->source = ngx_http_cx_str(value[3]);
    }

    return NGX_CONF_OK;
}


/* as the core matches hosts: lowercase, "*.example.com" as ".example.com" */
static ngx_int_t
ngx_http_cx_channel_host(ngx_conf_t *cf, ngx_str_t *value, cx_str_t *host)
{
    u_char      *p;
    ngx_str_t    s;
    ngx_uint_t   i;

    s = *value;

    if (s.len > 2 && s.data[0] == '*' && s.data[1] == '.') {
        s.data++;
        s.len--;
    }

    for (i = 0; i < s.len; i++) {
        if (s.data[i] <= ' ' || s.data[i] >= 0x7f
            || ngx_strchr("/?#@:*", s.data[i]))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid host \"%V\"", value);
            return NGX_ERROR;
        }
    }

    if (s.len == 0 || (s.len == 1 && s.data[0] == '.')) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "invalid host \"%V\"", value);
        return NGX_ERROR;
    }

    p = ngx_pnalloc(cf->pool, s.len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ngx_strlow(p, s.data, s.len);

    host->data = p;
    host->len = s.len;

    return NGX_OK;
}
