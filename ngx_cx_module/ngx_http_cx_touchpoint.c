
/*
 * Touchpoints: cx_touchpoint names the pages of a journey (PCRE2 rules on the
 * path, compiled once through ngx_regex), marks conversions as goals, and the
 * cookie carries the last one so the next page knows where the visitor was.
 */


#include "ngx_http_cx_common.h"
#include "cx_hash.h"
#include "cx_prefix.h"
#include "cx_url.h"


#define NGX_HTTP_CX_NAME_MAX  64

/*
 * A visitor's page views walk the same pages again: a worker keeps the
 * answers for the last paths it matched, since a match costs the path's
 * check for "//" and dot segments and a compare or PCRE2 for each rule
 * before the one that matches, and finding the answer again one compare.
 */
#define NGX_HTTP_CX_TOUCHPOINT_CACHE_SIZE  256    /* a power of two */
#define NGX_HTTP_CX_TOUCHPOINT_CACHE_TEXT  64     /* longer paths: not kept */


typedef struct {
    ngx_array_t              *touchpoints;     /* the rules it was matched
                                                  against; NULL: empty */
    ngx_http_cx_touchpoint_t *touchpoint;      /* NULL: no rule matched */
    uint32_t                  hash;            /* the path's, FNV-1a */
    u_char                    merge_slashes;   /* the server's */
    u_char                    len;
    u_char                    path[NGX_HTTP_CX_TOUCHPOINT_CACHE_TEXT];
} ngx_http_cx_touchpoint_cached_t;


static ngx_http_cx_touchpoint_t *ngx_http_cx_touchpoint_cached(
    ngx_http_request_t *r, ngx_array_t *touchpoints, ngx_http_cx_ctx_t *ctx);
static char *ngx_http_cx_touchpoint_name_add(ngx_conf_t *cf,
    ngx_http_cx_touchpoint_t *tp);
static ngx_http_cx_touchpoint_t *ngx_http_cx_touchpoint_find(
    ngx_http_request_t *r, ngx_array_t *touchpoints, ngx_str_t *path,
    ngx_flag_t merge_slashes, ngx_uint_t *failed);
static ngx_http_cx_touchpoint_t *ngx_http_cx_touchpoint_match(
    ngx_http_request_t *r, ngx_array_t *touchpoints, ngx_str_t *path,
    ngx_uint_t *failed);
static ngx_str_t *ngx_http_cx_touchpoint_name(ngx_http_request_t *r,
    uint32_t hash);
static ngx_int_t ngx_http_cx_touchpoint_prefix(ngx_conf_t *cf,
    ngx_http_cx_touchpoint_t *tp, ngx_str_t *rule);


/* this page's touchpoint, and the one the visitor came from */
void
ngx_http_cx_touchpoint_resolve(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf, ngx_http_cx_ctx_t *ctx)
{
    ngx_str_t  *prev;

    if (lcf->touchpoints) {
        ctx->touchpoint = ngx_http_cx_touchpoint_cached(r, lcf->touchpoints,
                                                        ctx);
    }

    if (ctx->bot || ctx->cookieless) {
        return;
    }

    if (!ctx->session.new_session && ctx->prev.touchpoint) {
        prev = ngx_http_cx_touchpoint_name(r, ctx->prev.touchpoint);

        if (prev) {
            ctx->prev_touchpoint = *prev;
        }
    }

    ctx->state.touchpoint = ctx->touchpoint ? ctx->touchpoint->hash : 0;

    /* page views in a row on one touchpoint: three without a goal loop */

    if (ctx->touchpoint == NULL) {
        ctx->state.repeat = 0;

    } else if (!ctx->session.new_session
               && ctx->prev.touchpoint == ctx->touchpoint->hash)
    {
        if (ctx->state.repeat < UINT8_MAX) {
            ctx->state.repeat++;
        }

    } else {
        ctx->state.repeat = 1;
    }

    /* what the backend hears of the session so far */

    ctx->prev_experience = ctx->session.new_session
                           ? CX_EXPERIENCE_NONE
                           : cx_experience_worst(ctx->prev.experience);

    if (ctx->touchpoint && ctx->touchpoint->goal) {
        ctx->state.flags |= CX_COOKIE_GOAL;
    }
}


/*
 * The answer for the request's path, from the worker's cache when these
 * rules gave it for this path in a server that merges slashes alike; an
 * answer that failed (no memory, a PCRE2 error) is not kept.
 */
static ngx_http_cx_touchpoint_t *
ngx_http_cx_touchpoint_cached(ngx_http_request_t *r, ngx_array_t *touchpoints,
    ngx_http_cx_ctx_t *ctx)
{
    ngx_uint_t                        failed;
    ngx_http_cx_main_conf_t          *mcf;
    ngx_http_core_srv_conf_t         *cscf;
    ngx_http_cx_touchpoint_t         *tp;
    ngx_http_cx_touchpoint_cached_t  *slot;

    mcf = ngx_http_get_module_main_conf(r, ngx_http_cx_module);
    cscf = ngx_http_get_module_srv_conf(r, ngx_http_core_module);
    failed = 0;

    if (mcf->touchpoint_cache == NULL
        || ctx->path.len > NGX_HTTP_CX_TOUCHPOINT_CACHE_TEXT)
    {
        return ngx_http_cx_touchpoint_find(r, touchpoints, &ctx->path,
                                           cscf->merge_slashes, &failed);
    }

    slot = (ngx_http_cx_touchpoint_cached_t *) mcf->touchpoint_cache
           + ((ctx->path_hash ^ (ctx->path_hash >> 16))
              & (NGX_HTTP_CX_TOUCHPOINT_CACHE_SIZE - 1));

    if (slot->touchpoints == touchpoints && slot->hash == ctx->path_hash
        && slot->len == ctx->path.len
        && slot->merge_slashes == (cscf->merge_slashes ? 1 : 0)
        && (ctx->path.len == 0
            || ngx_memcmp(slot->path, ctx->path.data, ctx->path.len) == 0))
    {
        return slot->touchpoint;
    }

    tp = ngx_http_cx_touchpoint_find(r, touchpoints, &ctx->path,
                                     cscf->merge_slashes, &failed);

    if (failed) {
        return tp;
    }

    slot->touchpoints = touchpoints;
    slot->touchpoint = tp;
    slot->hash = ctx->path_hash;
    slot->merge_slashes = cscf->merge_slashes ? 1 : 0;
    slot->len = (u_char) ctx->path.len;

    if (ctx->path.len) {
        ngx_memcpy(slot->path, ctx->path.data, ctx->path.len);
    }

    return tp;
}


/*
 * The rules see the path as nginx's locations do ("//checkout/done" and
 * "/x/../checkout/done" serve the page of "/checkout/done"), while the
 * journey keeps the path as it was asked for.
 */
static ngx_http_cx_touchpoint_t *
ngx_http_cx_touchpoint_find(ngx_http_request_t *r, ngx_array_t *touchpoints,
    ngx_str_t *path, ngx_flag_t merge_slashes, ngx_uint_t *failed)
{
    size_t      len;
    ngx_str_t   normal;

    /* most paths are normal already: no copy */

    if (cx_url_is_normal(ngx_http_cx_str(*path), merge_slashes)) {
        return ngx_http_cx_touchpoint_match(r, touchpoints, path, failed);
    }

    normal.data = ngx_pnalloc(r->pool, path->len);
    if (normal.data == NULL) {
        *failed = 1;
        return NULL;
    }

    len = cx_url_normalize(normal.data, ngx_http_cx_str(*path),
                           merge_slashes);

    /* nginx answers 400 before a ".." above the root reaches a location */

    if (len == CX_URL_ABOVE_ROOT) {
        return NULL;
    }

    normal.len = len;

    return ngx_http_cx_touchpoint_match(r, touchpoints, &normal, failed);
}


/* the first rule in configuration order that matches the path */
static ngx_http_cx_touchpoint_t *
ngx_http_cx_touchpoint_match(ngx_http_request_t *r, ngx_array_t *touchpoints,
    ngx_str_t *path, ngx_uint_t *failed)
{
    ngx_int_t                  rc;
    ngx_uint_t                 i;
    ngx_http_cx_touchpoint_t  *tp;

    tp = touchpoints->elts;

    for (i = 0; i < touchpoints->nelts; i++) {

        if (tp[i].prefix) {
            if (cx_prefix_match(ngx_http_cx_str(tp[i].path), tp[i].caseless,
                                ngx_http_cx_str(*path)))
            {
                return &tp[i];
            }

            continue;
        }

        if (tp[i].regex == NULL) {
            if (tp[i].path.len == path->len
                && ngx_memcmp(tp[i].path.data, path->data, path->len) == 0)
            {
                return &tp[i];
            }

            continue;
        }

        rc = ngx_regex_exec(tp[i].regex, path, NULL, 0);

        if (rc >= 0) {
            return &tp[i];
        }

        if (rc != NGX_REGEX_NO_MATCHED) {
            *failed = 1;
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          ngx_regex_exec_n " failed: %i on \"%V\" "
                          "for touchpoint \"%V\"", rc, path, &tp[i].name);
        }
    }

    return NULL;
}


/* a touchpoint the cookie names by its hash; NULL if the config dropped it */
static ngx_str_t *
ngx_http_cx_touchpoint_name(ngx_http_request_t *r, uint32_t hash)
{
    ngx_uint_t                 i;
    ngx_http_cx_main_conf_t   *mcf;
    ngx_http_cx_touchpoint_t  *names;

    mcf = ngx_http_get_module_main_conf(r, ngx_http_cx_module);

    if (mcf->touchpoint_names == NULL) {
        return NULL;
    }

    names = mcf->touchpoint_names->elts;

    for (i = 0; i < mcf->touchpoint_names->nelts; i++) {
        if (names[i].hash == hash) {
            return &names[i].name;
        }
    }

    return NULL;
}


char *
ngx_http_cx_touchpoint_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_cx_loc_conf_t *lcf = conf;

    ngx_str_t                 *value, s;
    ngx_uint_t                 i;
    ngx_http_cx_touchpoint_t  *tp;

    value = cf->args->elts;

    if (value[1].len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "empty cx_touchpoint path for \"%V\", it must be "
                           "a path or a ~regex", &value[2]);
        return NGX_CONF_ERROR;
    }

    if (value[2].len == 0 || value[2].len > NGX_HTTP_CX_NAME_MAX) {
        goto invalid_name;
    }

    for (i = 0; i < value[2].len; i++) {
        if (ngx_http_cx_name_char(value[2].data[i]) == 0) {
            goto invalid_name;
        }
    }

    if (lcf->touchpoints == NULL) {
        lcf->touchpoints = ngx_array_create(cf->pool, 8,
                                            sizeof(ngx_http_cx_touchpoint_t));
        if (lcf->touchpoints == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    tp = ngx_array_push(lcf->touchpoints);
    if (tp == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(tp, sizeof(ngx_http_cx_touchpoint_t));

    tp->name = value[2];
    tp->hash = cx_fnv1a32(ngx_http_cx_str(value[2]));
    tp->slow = NGX_CONF_UNSET_MSEC;

    if (value[1].data[0] == '~') {
        tp->regex = ngx_http_cx_regex_compile(cf, &value[1], "cx_touchpoint");

        if (tp->regex == NULL) {
            return NGX_CONF_ERROR;
        }

        /* compiled above for its errors; a literal prefix needs no PCRE2 */

        if (ngx_http_cx_touchpoint_prefix(cf, tp, &value[1]) != NGX_OK) {
            return NGX_CONF_ERROR;
        }

    } else {
        tp->path = value[1];
    }

    for (i = 3; i < cf->args->nelts; i++) {

        if (ngx_strcmp(value[i].data, "goal") == 0) {
            tp->goal = 1;
            continue;
        }

        if (ngx_strncmp(value[i].data, "slow=", 5) == 0) {
            s.data = value[i].data + 5;
            s.len = value[i].len - 5;

            tp->slow = ngx_parse_time(&s, 0);

            if (tp->slow == (ngx_msec_t) NGX_ERROR || tp->slow == 0) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid slow time \"%V\"", &s);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "unknown cx_touchpoint parameter \"%V\"",
                           &value[i]);
        return NGX_CONF_ERROR;
    }

    return ngx_http_cx_touchpoint_name_add(cf, tp);

invalid_name:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid touchpoint name \"%V\": 1 to 64 letters, "
                       "digits, \"_\", \".\", \":\" or \"-\"", &value[2]);
    return NGX_CONF_ERROR;
}


/* "~^/literal" and "~*^/literal" become a compare (cx_prefix.h) */
static ngx_int_t
ngx_http_cx_touchpoint_prefix(ngx_conf_t *cf, ngx_http_cx_touchpoint_t *tp,
    ngx_str_t *rule)
{
    size_t       len;
    u_char      *literal;
    cx_str_t     pattern;
    ngx_uint_t   caseless;

    pattern.data = rule->data + 1;
    pattern.len = rule->len - 1;
    caseless = 0;

    if (pattern.len && pattern.data[0] == '*') {
        pattern.data++;
        pattern.len--;
        caseless = 1;
    }

    literal = ngx_pnalloc(cf->pool, pattern.len);
    if (literal == NULL) {
        return NGX_ERROR;
    }

    len = cx_prefix_literal(literal, pattern);

    if (len == CX_PREFIX_NONE) {
        return NGX_OK;
    }

    tp->path.data = literal;
    tp->path.len = len;
    tp->prefix = 1;
    tp->caseless = caseless;
    tp->regex = NULL;

    return NGX_OK;
}


/* every name, whatever the level: the cookie's hash finds it again */
static char *
ngx_http_cx_touchpoint_name_add(ngx_conf_t *cf, ngx_http_cx_touchpoint_t *tp)
{
    ngx_uint_t                 i;
    ngx_http_cx_main_conf_t   *mcf;
    ngx_http_cx_touchpoint_t  *names, *name;

    mcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_cx_module);

    if (mcf->touchpoint_names == NULL) {
        mcf->touchpoint_names = ngx_array_create(cf->pool, 8,
                                            sizeof(ngx_http_cx_touchpoint_t));
        if (mcf->touchpoint_names == NULL) {
            return NGX_CONF_ERROR;
        }

        /*
         * made with the configuration, as the rules the answers point to:
         * a reload never finds answers of rules gone; each worker writes
         * its own copy
         */

        mcf->touchpoint_cache = ngx_pcalloc(cf->pool,
                                  NGX_HTTP_CX_TOUCHPOINT_CACHE_SIZE
                                  * sizeof(ngx_http_cx_touchpoint_cached_t));
        if (mcf->touchpoint_cache == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    names = mcf->touchpoint_names->elts;

    for (i = 0; i < mcf->touchpoint_names->nelts; i++) {

        if (names[i].hash != tp->hash) {
            continue;
        }

        if (names[i].name.len == tp->name.len
            && ngx_strncmp(names[i].name.data, tp->name.data, tp->name.len)
               == 0)
        {
            tp->index = i;
            return NGX_CONF_OK;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "touchpoint names \"%V\" and \"%V\" have the same "
                           "hash: rename one", &names[i].name, &tp->name);
        return NGX_CONF_ERROR;
    }

    tp->index = mcf->touchpoint_names->nelts;

    name = ngx_array_push(mcf->touchpoint_names);
    if (name == NULL) {
        return NGX_CONF_ERROR;
    }

    *name = *tp;

    return NGX_CONF_OK;
}
