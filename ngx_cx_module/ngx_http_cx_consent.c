
/*
 * Consent: cx_consent names a variable (a map of the consent banner's
 * cookie, typically) whose value says whether the visitor agreed to
 * analytics cookies.  Without that agreement the request is tracked as a
 * DNT one is, without a cookie, and a cookie of ours the visitor still has
 * is expired, so withdrawing consent takes effect on the next page.
 */


#include "ngx_http_cx_common.h"


/*
 * Where cx_consent is set: whether its variable says yes (a value neither
 * empty nor "0"), noted in the context for the journey line and metrics.
 * Where it is not set there is no question and the cookie is allowed.
 */
ngx_uint_t
ngx_http_cx_consent(ngx_http_request_t *r, ngx_http_cx_loc_conf_t *lcf,
    ngx_http_cx_ctx_t *ctx)
{
    ngx_http_variable_value_t  *vv;

    ctx->consent_asked = 0;
    ctx->consent = 0;

    if (lcf->consent == NGX_CONF_UNSET) {
        return 1;
    }

    /*
     * A variable of ours in it ($cx_visitor in a map's source) finds the
     * request being resolved and reads what is known so far: no visitor.
     */

    vv = ngx_http_get_indexed_variable(r, lcf->consent);

    ctx->consent_asked = 1;
    ctx->consent = vv != NULL && !vv->not_found && vv->len != 0
                   && !(vv->len == 1 && vv->data[0] == '0');

    return ctx->consent;
}


char *
ngx_http_cx_consent_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_cx_loc_conf_t *lcf = conf;

    ngx_str_t  *value, name;

    if (lcf->consent != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len < 2 || value[1].data[0] != '$') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid cx_consent \"%V\", it must be a variable "
                           "such as $cx_consent_given", &value[1]);
        return NGX_CONF_ERROR;
    }

    name.data = value[1].data + 1;
    name.len = value[1].len - 1;

    lcf->consent = ngx_http_get_variable_index(cf, &name);

    if (lcf->consent == NGX_ERROR) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}
