
/*
 * Device, browser, OS and bots, from the User-Agent (the core's
 * cx_agent.c), with the operator's own bot patterns from cx_bots.
 */


#include "ngx_http_cx_common.h"


/*
 * A visitor sends the same User-Agent on every page: a worker keeps the
 * answers for the last agents it classified, since a classification costs
 * a few thousand instructions and finding it again a few hundred.
 */
#define NGX_HTTP_CX_AGENT_CACHE_SIZE  512      /* a power of two */
#define NGX_HTTP_CX_AGENT_CACHE_TEXT  256      /* longer agents: not kept */


typedef struct {
    ngx_array_t              *tokens;          /* the cx_bots they met */
    ngx_array_t              *regexes;
    size_t                    len;             /* 0: empty */
    cx_agent_t                agent;
    u_char                    text[NGX_HTTP_CX_AGENT_CACHE_TEXT];
} ngx_http_cx_agent_cached_t;


static void ngx_http_cx_agent_classify(ngx_http_cx_loc_conf_t *lcf,
    cx_str_t agent, cx_agent_t *out);


static ngx_http_cx_agent_cached_t  *ngx_http_cx_agent_cache;


void
ngx_http_cx_agent_resolve(ngx_http_request_t *r, ngx_http_cx_loc_conf_t *lcf,
    ngx_http_cx_ctx_t *ctx)
{
    size_t                       i;
    uint64_t                     hash, word;
    cx_str_t                     agent;
    ngx_table_elt_t             *h;
    ngx_http_cx_agent_cached_t  *slot;

    h = r->headers_in.user_agent;
    agent.data = h ? h->value.data : NULL;
    agent.len = h ? h->value.len : 0;

    if (ngx_http_cx_agent_cache == NULL || agent.len == 0
        || agent.len > NGX_HTTP_CX_AGENT_CACHE_TEXT)
    {
        ngx_http_cx_agent_classify(lcf, agent, &ctx->agent);
        ctx->bot = ctx->agent.bot;
        return;
    }

    /* a cheap hash, eight bytes at a time; memcmp() then makes sure */

    hash = agent.len;

    for (i = 0; i + 8 <= agent.len; i += 8) {
        ngx_memcpy(&word, agent.data + i, 8);
        hash = (hash ^ word) * 0x100000001b3ULL;
    }

    /* the tail: the last eight bytes, some of them hashed already */

    if (i < agent.len) {
        if (agent.len >= 8) {
            ngx_memcpy(&word, agent.data + agent.len - 8, 8);
            hash = (hash ^ word) * 0x100000001b3ULL;

        } else {
            for ( /* void */ ; i < agent.len; i++) {
                hash = (hash ^ agent.data[i]) * 0x100000001b3ULL;
            }
        }
    }

    slot = &ngx_http_cx_agent_cache[(hash ^ (hash >> 29))
                                    & (NGX_HTTP_CX_AGENT_CACHE_SIZE - 1)];

    if (slot->len != agent.len || slot->tokens != lcf->bot_tokens
        || slot->regexes != lcf->bot_regexes
        || ngx_memcmp(slot->text, agent.data, agent.len) != 0)
    {
        ngx_http_cx_agent_classify(lcf, agent, &slot->agent);
        ngx_memcpy(slot->text, agent.data, agent.len);
        slot->len = agent.len;
        slot->tokens = lcf->bot_tokens;
        slot->regexes = lcf->bot_regexes;
    }

    ctx->agent = slot->agent;
    ctx->bot = ctx->agent.bot;
}


/* the core's classification, and the operator's cx_bots regexes */
static void
ngx_http_cx_agent_classify(ngx_http_cx_loc_conf_t *lcf, cx_str_t agent,
    cx_agent_t *out)
{
    ngx_str_t      value;
    ngx_uint_t     i;
    ngx_regex_t  **regex;

    cx_agent_classify(agent,
                      lcf->bot_tokens ? lcf->bot_tokens->elts : NULL,
                      lcf->bot_tokens ? lcf->bot_tokens->nelts : 0,
                      out);

    if (out->bot || lcf->bot_regexes == NULL || agent.len == 0) {
        return;
    }

    value.data = (u_char *) agent.data;
    value.len = agent.len;
    regex = lcf->bot_regexes->elts;

    for (i = 0; i < lcf->bot_regexes->nelts; i++) {
        if (ngx_regex_exec(regex[i], &value, NULL, 0) >= 0) {
            out->bot = 1;
            out->device = CX_DEVICE_BOT;
            return;
        }
    }
}


/* each worker its own cache, made once, never on the request path */
ngx_int_t
ngx_http_cx_agent_init_process(ngx_cycle_t *cycle)
{
    ngx_http_cx_agent_cache = ngx_calloc(NGX_HTTP_CX_AGENT_CACHE_SIZE
                                         * sizeof(ngx_http_cx_agent_cached_t),
                                         cycle->log);

    return ngx_http_cx_agent_cache ? NGX_OK : NGX_ERROR;
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
