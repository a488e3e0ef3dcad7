
/*
 * The module's nginx variables, so log_format, proxy_set_header, add_header
 * and map can use what the module knows of a request.
 */


#include "ngx_http_cx_common.h"
#include "cx_header.h"


typedef enum {
    NGX_HTTP_CX_VAR_VISITOR = 0,
    NGX_HTTP_CX_VAR_SESSION,
    NGX_HTTP_CX_VAR_SESSION_INDEX,
    NGX_HTTP_CX_VAR_SEQ,
    NGX_HTTP_CX_VAR_NEW_SESSION,
    NGX_HTTP_CX_VAR_TOUCHPOINT,
    NGX_HTTP_CX_VAR_CHANNEL,
    NGX_HTTP_CX_VAR_DEVICE,
    NGX_HTTP_CX_VAR_COUNTRY,
    NGX_HTTP_CX_VAR_REGION,
    NGX_HTTP_CX_VAR_CITY,
    NGX_HTTP_CX_VAR_ASN,
    NGX_HTTP_CX_VAR_VARIANTS,
    NGX_HTTP_CX_VAR_SEGMENT,
    NGX_HTTP_CX_VAR_FRICTION,
    NGX_HTTP_CX_VAR_EXPERIENCE
} ngx_http_cx_var_e;


static ngx_int_t ngx_http_cx_journey_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_cx_class_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_cx_geo_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_cx_experience_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_cx_number(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, ngx_uint_t n);
static ngx_http_cx_ctx_t *ngx_http_cx_variable_ctx(ngx_http_request_t *r);
static ngx_uint_t ngx_http_cx_variable_beacon(ngx_http_cx_ctx_t *ctx);


static ngx_http_variable_t  ngx_http_cx_vars[] = {

    { ngx_string("cx_visitor"), NULL, ngx_http_cx_journey_variable,
      NGX_HTTP_CX_VAR_VISITOR, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cx_session"), NULL, ngx_http_cx_journey_variable,
      NGX_HTTP_CX_VAR_SESSION, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cx_session_index"), NULL, ngx_http_cx_journey_variable,
      NGX_HTTP_CX_VAR_SESSION_INDEX, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cx_seq"), NULL, ngx_http_cx_journey_variable,
      NGX_HTTP_CX_VAR_SEQ, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cx_new_session"), NULL, ngx_http_cx_journey_variable,
      NGX_HTTP_CX_VAR_NEW_SESSION, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cx_touchpoint"), NULL, ngx_http_cx_class_variable,
      NGX_HTTP_CX_VAR_TOUCHPOINT, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cx_channel"), NULL, ngx_http_cx_class_variable,
      NGX_HTTP_CX_VAR_CHANNEL, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cx_device"), NULL, ngx_http_cx_class_variable,
      NGX_HTTP_CX_VAR_DEVICE, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cx_country"), NULL, ngx_http_cx_geo_variable,
      NGX_HTTP_CX_VAR_COUNTRY, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cx_region"), NULL, ngx_http_cx_geo_variable,
      NGX_HTTP_CX_VAR_REGION, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cx_city"), NULL, ngx_http_cx_geo_variable,
      NGX_HTTP_CX_VAR_CITY, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cx_asn"), NULL, ngx_http_cx_geo_variable,
      NGX_HTTP_CX_VAR_ASN, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cx_variants"), NULL, ngx_http_cx_journey_variable,
      NGX_HTTP_CX_VAR_VARIANTS, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cx_segment"), NULL, ngx_http_cx_journey_variable,
      NGX_HTTP_CX_VAR_SEGMENT, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cx_friction"), NULL, ngx_http_cx_experience_variable,
      NGX_HTTP_CX_VAR_FRICTION, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("cx_experience"), NULL, ngx_http_cx_experience_variable,
      NGX_HTTP_CX_VAR_EXPERIENCE, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


ngx_int_t
ngx_http_cx_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_cx_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


/* the main request's journey, where cx is on; NULL elsewhere */
static ngx_http_cx_ctx_t *
ngx_http_cx_variable_ctx(ngx_http_request_t *r)
{
    ngx_http_cx_loc_conf_t  *lcf;

    lcf = ngx_http_get_module_loc_conf(r->main, ngx_http_cx_module);

    if (!lcf->enable) {
        return NULL;
    }

    return ngx_http_cx_resolve(r->main);
}


/* a request to cx_beacon: the cookie read as it came, nothing advanced */
static ngx_uint_t
ngx_http_cx_variable_beacon(ngx_http_cx_ctx_t *ctx)
{
    return ctx->resolved_lcf && ctx->resolved_lcf->beacon;
}


static ngx_int_t
ngx_http_cx_journey_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t          *s;
    const char         *name;
    ngx_http_cx_ctx_t  *ctx;

    ctx = ngx_http_cx_variable_ctx(r);

    /*
     * A visitor who sent DNT has a session, but no visitor and no counts.
     * A request that is no navigation, without a valid cookie, has none.
     * A beacon has what its cookie says, and nothing without a valid one;
     * it starts no session.  Empty then, as the journey line's nulls.
     */

    if (ctx == NULL || ctx->bot || ctx->anonymous
        || (ctx->cookieless && data != NGX_HTTP_CX_VAR_SESSION)
        || (ngx_http_cx_variable_beacon(ctx)
            && ((!ctx->has_prev && !ctx->cookieless)
                || data == NGX_HTTP_CX_VAR_NEW_SESSION)))
    {
        v->not_found = 1;
        return NGX_OK;
    }

    switch (data) {

    case NGX_HTTP_CX_VAR_VISITOR:
        v->data = ctx->visitor_hex;
        v->len = sizeof(ctx->visitor_hex);
        break;

    case NGX_HTTP_CX_VAR_SESSION:
        v->data = ctx->session_hex;
        v->len = sizeof(ctx->session_hex);
        break;

    case NGX_HTTP_CX_VAR_SESSION_INDEX:
        return ngx_http_cx_number(r, v, ctx->state.session_index);

    case NGX_HTTP_CX_VAR_SEQ:
        return ngx_http_cx_number(r, v, ctx->state.seq);

    case NGX_HTTP_CX_VAR_VARIANTS:
        s = ngx_http_cx_experiment_variants(r->main, ctx);

        if (s->len == 0) {
            v->not_found = 1;
            return NGX_OK;
        }

        v->data = s->data;
        v->len = s->len;
        break;

    case NGX_HTTP_CX_VAR_SEGMENT:
        name = ngx_http_cx_segment(ctx);
        v->data = (u_char *) name;
        v->len = ngx_strlen(name);
        break;

    default: /* NGX_HTTP_CX_VAR_NEW_SESSION */
        v->data = (u_char *) (ctx->session.new_session ? "1" : "0");
        v->len = 1;
        break;
    }

    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}


/* what the request is, which bots have too */
static ngx_int_t
ngx_http_cx_class_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    const char         *name;
    ngx_http_cx_ctx_t  *ctx;

    ctx = ngx_http_cx_variable_ctx(r);
    name = NULL;

    if (ctx) {
        switch (data) {

        case NGX_HTTP_CX_VAR_TOUCHPOINT:
            if (ctx->touchpoint) {
                v->data = ctx->touchpoint->name.data;
                v->len = ctx->touchpoint->name.len;
                goto found;
            }

            break;

        case NGX_HTTP_CX_VAR_CHANNEL:
            name = cx_channel_name(ctx->channel.channel);
            break;

        default: /* NGX_HTTP_CX_VAR_DEVICE */
            name = cx_device_name(ctx->agent.device);
            break;
        }
    }

    if (name == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->data = (u_char *) name;
    v->len = ngx_strlen(name);

found:

    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}


/* the geo lookup happens here if nothing needed it before */
static ngx_int_t
ngx_http_cx_geo_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t          *s;
    ngx_http_cx_ctx_t  *ctx;
    ngx_http_cx_geo_t  *geo;

    ctx = ngx_http_cx_variable_ctx(r);

    if (ctx == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    geo = ngx_http_cx_geo(r->main, ctx);

    switch (data) {

    case NGX_HTTP_CX_VAR_ASN:
        if (geo->asn == CX_NONE) {
            v->not_found = 1;
            return NGX_OK;
        }

        return ngx_http_cx_number(r, v, (ngx_uint_t) geo->asn);

    case NGX_HTTP_CX_VAR_COUNTRY:

        /* as in X-CX-Country: the value may go into a header */

        if (!cx_header_token_valid(ngx_http_cx_str(geo->country))) {
            v->not_found = 1;
            return NGX_OK;
        }

        s = &geo->country;
        break;

    case NGX_HTTP_CX_VAR_REGION:
        s = &geo->region;
        break;

    default: /* NGX_HTTP_CX_VAR_CITY */
        s = &geo->city;
        break;
    }

    /* names have spaces and letters beyond ASCII, never a line's end */

    if (!cx_header_value_valid(ngx_http_cx_str(*s))) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->data = s->data;
    v->len = s->len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}


/*
 * Judged when asked, with the time so far: in log_format that is the whole
 * request's, in add_header the time to the response's headers.
 */
static ngx_int_t
ngx_http_cx_experience_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char             *p;
    unsigned            kind;
    const char         *name;
    ngx_http_cx_ctx_t  *ctx;

    ctx = ngx_http_cx_variable_ctx(r);

    /* a beacon is no page view: nothing to judge, as its line says */

    if (ctx == NULL || ngx_http_cx_variable_beacon(ctx)) {
        v->not_found = 1;
        return NGX_OK;
    }

    ngx_http_cx_experience_judge(r->main, ctx);

    if (data == NGX_HTTP_CX_VAR_EXPERIENCE) {
        name = cx_experience_name(ctx->experience);

        if (name == NULL) {
            v->not_found = 1;
            return NGX_OK;
        }

        v->data = (u_char *) name;
        v->len = ngx_strlen(name);

    } else {
        if (ctx->friction == 0) {
            v->not_found = 1;
            return NGX_OK;
        }

        /* "slow,reload": the longest list fits "backtrack" times six */

        v->data = ngx_pnalloc(r->pool, 6 * (sizeof("backtrack,") - 1));
        if (v->data == NULL) {
            return NGX_ERROR;
        }

        p = v->data;

        for (kind = 0; kind < CX_FRICTION_KINDS; kind++) {
            if (ctx->friction & (1u << kind)) {
                if (p != v->data) {
                    *p++ = ',';
                }

                name = cx_friction_name(kind);
                p = ngx_cpymem(p, name, ngx_strlen(name));
            }
        }

        v->len = p - v->data;
    }

    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}


static ngx_int_t
ngx_http_cx_number(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    ngx_uint_t n)
{
    v->data = ngx_pnalloc(r->pool, NGX_INT_T_LEN);
    if (v->data == NULL) {
        return NGX_ERROR;
    }

    v->len = ngx_sprintf(v->data, "%ui", n) - v->data;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}
