
/*
 * Device, browser, OS and bots, from the User-Agent (the core's
 * cx_agent.c), with the operator's own bot patterns from cx_bots.
 */


#include "ngx_http_cx_module.h"


void
ngx_http_cx_agent_resolve(ngx_http_request_t *r, ngx_http_cx_loc_conf_t *lcf,
    ngx_http_cx_ctx_t *ctx)
{
    cx_str_t          agent;
    ngx_str_t         value;
    ngx_uint_t        i;
    ngx_regex_t     **regex;
    ngx_table_elt_t  *h;

    h = r->headers_in.user_agent;
    agent.data = h ? h->value.data : NULL;
    agent.len = h ? h->value.len : 0;

    cx_agent_classify(agent,
                      lcf->bot_tokens ? lcf->bot_tokens->elts : NULL,
                      lcf->bot_tokens ? lcf->bot_tokens->nelts : 0,
                      &ctx->agent);

    if (!ctx->agent.bot && lcf->bot_regexes && h) {
        value = h->value;
        regex = lcf->bot_regexes->elts;

        for (i = 0; i < lcf->bot_regexes->nelts; i++) {
            if (ngx_regex_exec(regex[i], &value, NULL, 0) >= 0) {
                ctx->agent.bot = 1;
                ctx->agent.device = CX_DEVICE_BOT;
                break;
            }
        }
    }

    ctx->bot = ctx->agent.bot;
}


/* "token" is a case-insensitive substring; "~regex" and "~*regex" are PCRE */
char *
ngx_http_cx_bots_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_cx_loc_conf_t *lcf = conf;

    u_char        *p;
    cx_str_t      *token;
    ngx_str_t     *value;
    ngx_uint_t     i;
    ngx_regex_t  **regex, *re;

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        if (value[i].data[0] != '~') {

            if (lcf->bot_tokens == NULL) {
                lcf->bot_tokens = ngx_array_create(cf->pool, 4,
                                                   sizeof(cx_str_t));
                if (lcf->bot_tokens == NULL) {
                    return NGX_CONF_ERROR;
                }
            }

            token = ngx_array_push(lcf->bot_tokens);
            if (token == NULL) {
                return NGX_CONF_ERROR;
            }

            p = ngx_pnalloc(cf->pool, value[i].len);
            if (p == NULL) {
                return NGX_CONF_ERROR;
            }

            ngx_strlow(p, value[i].data, value[i].len);
            token->data = p;
            token->len = value[i].len;
            continue;
        }

        re = ngx_http_cx_regex_compile(cf, &value[i], "cx_bots");

        if (re == NULL) {
            return NGX_CONF_ERROR;
        }

        if (lcf->bot_regexes == NULL) {
            lcf->bot_regexes = ngx_array_create(cf->pool, 2,
                                                sizeof(ngx_regex_t *));
            if (lcf->bot_regexes == NULL) {
                return NGX_CONF_ERROR;
            }
        }

        regex = ngx_array_push(lcf->bot_regexes);
        if (regex == NULL) {
            return NGX_CONF_ERROR;
        }

        *regex = re;
    }

    return NGX_CONF_OK;
}
