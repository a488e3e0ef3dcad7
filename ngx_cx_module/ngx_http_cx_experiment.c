
/*
 * A/B experiments: cx_experiment blocks compiled into GrowthBook's bucket
 * ranges at config time (cx_experiment.c), sticky stateless assignment from
 * the visitor id, cx_experiments to say where they run, and the QA override
 * that forces a variant and keeps it in the cookie.
 */


#include "ngx_http_cx_common.h"
#include "cx_experiment.h"
#include "cx_hash.h"
#include "cx_query.h"
#include "cx_url.h"


#define NGX_HTTP_CX_EXPERIMENT_NAME_MAX  64

/* the bucket cache of each worker: 4096 visitors of 2 experiments, 160 KB */
#define NGX_HTTP_CX_BUCKET_CACHE_SLOTS   4096
#define NGX_HTTP_CX_BUCKET_CACHE_MAX     (256 * 1024)


static void ngx_http_cx_experiment_override(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf, ngx_http_cx_ctx_t *ctx);
static void ngx_http_cx_experiment_force(ngx_http_request_t *r,
    ngx_http_cx_ctx_t *ctx, ngx_str_t *pair);
static ngx_http_cx_variant_t *ngx_http_cx_experiment_forced(
    ngx_http_cx_experiment_t *exp, cx_cookie_state_t *state);
static ngx_http_cx_experiment_t *ngx_http_cx_experiment_find(
    ngx_array_t *experiments, ngx_str_t *name);
static ngx_http_cx_variant_t *ngx_http_cx_variant_find(
    ngx_http_cx_experiment_t *exp, ngx_str_t *name);
static char *ngx_http_cx_experiment_line(ngx_conf_t *cf, ngx_command_t *dummy,
    void *conf);
static char *ngx_http_cx_experiment_ranges(ngx_conf_t *cf,
    ngx_http_cx_experiment_t *exp);
static ngx_int_t ngx_http_cx_experiment_name_valid(ngx_str_t *name);
static char *ngx_http_cx_bucket_cache_create(ngx_conf_t *cf,
    ngx_http_cx_main_conf_t *mcf);
static ngx_int_t ngx_http_cx_variant_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


/* this visitor's variants of the experiments that run here */
void
ngx_http_cx_experiment_resolve(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf, ngx_http_cx_ctx_t *ctx)
{
    int                          index;
    uint16_t                    *buckets;
    uint32_t                     bucket;
    cx_str_t                     id;
    ngx_uint_t                   i;
    ngx_http_cx_variant_t       *variant, *variants, *forced;
    ngx_http_cx_main_conf_t     *mcf;
    ngx_http_cx_experiment_t   **active, *exp;
    ngx_http_cx_assignment_t    *a;

    /* without a visitor id nothing is sticky: no experiment */

    if (ctx->bot || ctx->cookieless || ctx->anonymous
        || lcf->experiments == NULL || lcf->experiments->nelts == 0)
    {
        return;
    }

    ctx->assignments = ngx_pnalloc(r->pool, lcf->experiments->nelts
                                            * sizeof(ngx_http_cx_assignment_t));
    if (ctx->assignments == NULL) {
        return;
    }

    if (lcf->experiment_override.len) {
        ngx_http_cx_experiment_override(r, lcf, ctx);
    }

    id.data = ctx->visitor_hex;
    id.len = sizeof(ctx->visitor_hex);

    mcf = ngx_http_get_module_main_conf(r, ngx_http_cx_module);

    buckets = mcf->bucket_cache
              ? cx_experiment_cache_buckets(mcf->bucket_cache, id) : NULL;

    active = lcf->experiments->elts;

    for (i = 0; i < lcf->experiments->nelts; i++) {
        exp = active[i];

        forced = ngx_http_cx_experiment_forced(exp, &ctx->state);
        variant = forced;

        if (variant == NULL) {
            /* exp->hash: FNV-1a of the name, GrowthBook's seed */
            bucket = cx_experiment_bucket_cached(buckets, exp->index,
                                                 exp->hash, id);

            index = exp->choices[bucket];

            if (index < 0) {
                continue;
            }

            variants = exp->variants.elts;
            variant = &variants[index];
        }

        a = &ctx->assignments[ctx->nassignments++];
        a->experiment = exp;
        a->variant = variant;
        a->forced = (forced != NULL);
    }
}


/* "?cx_force=checkout:B,hero:A" forces; "checkout:" forgets the force */
static void
ngx_http_cx_experiment_override(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf, ngx_http_cx_ctx_t *ctx)
{
    u_char     *decoded, *p, *last, *comma;
    cx_str_t    value;
    ngx_str_t   pair;

    if (ctx->query.data == NULL
        || !cx_query_get(ngx_http_cx_str(ctx->query),
                         (const char *) lcf->experiment_override.data,
                         &value)
        || value.len == 0)
    {
        return;
    }

    decoded = ngx_pnalloc(r->pool, value.len);
    if (decoded == NULL) {
        return;
    }

    last = decoded + cx_url_decode(decoded, value, 1);

    for (p = decoded; p < last; p = comma + 1) {
        comma = ngx_strlchr(p, last, ',');

        if (comma == NULL) {
            comma = last;
        }

        pair.data = p;
        pair.len = comma - p;

        if (pair.len) {
            ngx_http_cx_experiment_force(r, ctx, &pair);
        }
    }
}


static void
ngx_http_cx_experiment_force(ngx_http_request_t *r, ngx_http_cx_ctx_t *ctx,
    ngx_str_t *pair)
{
    u_char                    *colon;
    uint32_t                   variant_hash;
    ngx_str_t                  name, variant;
    ngx_uint_t                 i, n;
    cx_cookie_forced_t        *forced;
    ngx_http_cx_variant_t     *v;
    ngx_http_cx_main_conf_t   *mcf;
    ngx_http_cx_experiment_t  *exp;

    colon = ngx_strlchr(pair->data, pair->data + pair->len, ':');

    if (colon == NULL) {
        goto ignored;
    }

    name.data = pair->data;
    name.len = colon - pair->data;
    variant.data = colon + 1;
    variant.len = pair->data + pair->len - variant.data;

    mcf = ngx_http_get_module_main_conf(r, ngx_http_cx_module);

    exp = ngx_http_cx_experiment_find(mcf->experiments, &name);

    if (exp == NULL) {
        goto ignored;
    }

    variant_hash = 0;

    if (variant.len) {
        v = ngx_http_cx_variant_find(exp, &variant);

        if (v == NULL) {
            goto ignored;
        }

        variant_hash = v->hash;
    }

    /* the experiment's old force goes, the new one comes last */

    forced = ctx->state.forced;
    n = 0;

    for (i = 0; i < ctx->state.nforced; i++) {
        if (forced[i].experiment != exp->hash) {
            forced[n++] = forced[i];
        }
    }

    if (variant_hash) {
        if (n == CX_COOKIE_MAX_FORCED) {
            ngx_memmove(&forced[0], &forced[1],
                        (n - 1) * sizeof(cx_cookie_forced_t));
            n--;
        }

        forced[n].experiment = exp->hash;
        forced[n].variant = variant_hash;
        n++;
    }

    ctx->state.nforced = (uint8_t) n;

    return;

ignored:

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "cx: override \"%V\" ignored: no such experiment "
                  "and variant", pair);
}


/* the variant the cookie forces; a force the config no longer knows is moot */
static ngx_http_cx_variant_t *
ngx_http_cx_experiment_forced(ngx_http_cx_experiment_t *exp,
    cx_cookie_state_t *state)
{
    ngx_uint_t              i, j;
    ngx_http_cx_variant_t  *variants;

    for (i = 0; i < state->nforced; i++) {

        if (state->forced[i].experiment != exp->hash) {
            continue;
        }

        variants = exp->variants.elts;

        for (j = 0; j < exp->variants.nelts; j++) {
            if (variants[j].hash == state->forced[i].variant) {
                return &variants[j];
            }
        }
    }

    return NULL;
}


static ngx_http_cx_experiment_t *
ngx_http_cx_experiment_find(ngx_array_t *experiments, ngx_str_t *name)
{
    ngx_uint_t                  i;
    ngx_http_cx_experiment_t  **exp;

    if (experiments == NULL) {
        return NULL;
    }

    exp = experiments->elts;

    for (i = 0; i < experiments->nelts; i++) {
        if (exp[i]->name.len == name->len
            && ngx_strncmp(exp[i]->name.data, name->data, name->len) == 0)
        {
            return exp[i];
        }
    }

    return NULL;
}


static ngx_http_cx_variant_t *
ngx_http_cx_variant_find(ngx_http_cx_experiment_t *exp, ngx_str_t *name)
{
    ngx_uint_t              i;
    ngx_http_cx_variant_t  *variants;

    variants = exp->variants.elts;

    for (i = 0; i < exp->variants.nelts; i++) {
        if (variants[i].name.len == name->len
            && ngx_strncmp(variants[i].name.data, name->data, name->len) == 0)
        {
            return &variants[i];
        }
    }

    return NULL;
}


/* "checkout=B; hero=A", made once per request */
ngx_str_t *
ngx_http_cx_experiment_variants(ngx_http_request_t *r,
    ngx_http_cx_ctx_t *ctx)
{
    u_char                    *p;
    size_t                     len;
    ngx_uint_t                 i;
    ngx_http_cx_assignment_t  *a;

    if (ctx->variants_text.data || ctx->nassignments == 0) {
        return &ctx->variants_text;
    }

    a = ctx->assignments;
    len = 0;

    for (i = 0; i < ctx->nassignments; i++) {
        len += a[i].experiment->name.len + 1 + a[i].variant->name.len + 2;
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return &ctx->variants_text;
    }

    ctx->variants_text.data = p;

    for (i = 0; i < ctx->nassignments; i++) {
        if (i) {
            *p++ = ';';
            *p++ = ' ';
        }

        p = ngx_cpymem(p, a[i].experiment->name.data,
                       a[i].experiment->name.len);
        *p++ = '=';
        p = ngx_cpymem(p, a[i].variant->name.data, a[i].variant->name.len);
    }

    ctx->variants_text.len = p - ctx->variants_text.data;

    return &ctx->variants_text;
}


char *
ngx_http_cx_experiment_block(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_cx_main_conf_t *mcf = conf;

    u_char                     *p;
    char                       *rv;
    ngx_str_t                  *value, name;
    ngx_conf_t                  save;
    ngx_http_variable_t        *var;
    ngx_http_cx_experiment_t   *exp, **slot;

    value = cf->args->elts;

    if (ngx_http_cx_experiment_name_valid(&value[1]) != NGX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid experiment name \"%V\": 1 to 64 letters, "
                           "digits, \"_\" or \"-\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    if (ngx_http_cx_experiment_find(mcf->experiments, &value[1])) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "duplicate experiment \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    exp = ngx_pcalloc(cf->pool, sizeof(ngx_http_cx_experiment_t));
    if (exp == NULL) {
        return NGX_CONF_ERROR;
    }

    exp->name = value[1];
    exp->hash = cx_fnv1a32(ngx_http_cx_str(exp->name));

    if (ngx_array_init(&exp->variants, cf->pool, 4,
                       sizeof(ngx_http_cx_variant_t))
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    save = *cf;
    cf->handler = ngx_http_cx_experiment_line;
    cf->handler_conf = (char *) exp;

    rv = ngx_conf_parse(cf, NULL);

    *cf = save;

    if (rv != NGX_CONF_OK) {
        return rv;
    }

    if (ngx_http_cx_experiment_ranges(cf, exp) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    if (mcf->experiments == NULL) {
        mcf->experiments = ngx_array_create(cf->pool, 4,
                                           sizeof(ngx_http_cx_experiment_t *));
        if (mcf->experiments == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    exp->index = mcf->experiments->nelts;

    slot = ngx_array_push(mcf->experiments);
    if (slot == NULL) {
        return NGX_CONF_ERROR;
    }

    *slot = exp;

    /* $cx_variant_<name>, so map and split_clients users can switch on it */

    name.len = sizeof("cx_variant_") - 1 + exp->name.len;
    name.data = ngx_pnalloc(cf->pool, name.len);
    if (name.data == NULL) {
        return NGX_CONF_ERROR;
    }

    p = ngx_cpymem(name.data, "cx_variant_", sizeof("cx_variant_") - 1);
    ngx_memcpy(p, exp->name.data, exp->name.len);

    var = ngx_http_add_variable(cf, &name, NGX_HTTP_VAR_NOCACHEABLE);
    if (var == NULL) {
        return NGX_CONF_ERROR;
    }

    var->get_handler = ngx_http_cx_variant_variable;
    var->data = exp->index;

    return NGX_CONF_OK;
}


/* "12.5% A;" or "* B;" inside cx_experiment { } */
static char *
ngx_http_cx_experiment_line(ngx_conf_t *cf, ngx_command_t *dummy, void *conf)
{
    ngx_http_cx_experiment_t *exp = (ngx_http_cx_experiment_t *) conf;

    int64_t                 weight;
    ngx_str_t              *value;
    ngx_uint_t              i;
    ngx_http_cx_variant_t  *variant, *variants;

    value = cf->args->elts;

    if (cf->args->nelts != 2) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid line in experiment \"%V\": it must be "
                           "\"weight%% variant;\" or \"* variant;\"",
                           &exp->name);
        return NGX_CONF_ERROR;
    }

    if (ngx_http_cx_experiment_name_valid(&value[1]) != NGX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid variant name \"%V\" in experiment \"%V\"",
                           &value[1], &exp->name);
        return NGX_CONF_ERROR;
    }

    variants = exp->variants.elts;

    for (i = 0; i < exp->variants.nelts; i++) {

        if (variants[i].name.len == value[1].len
            && ngx_strncmp(variants[i].name.data, value[1].data,
                           value[1].len)
               == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "duplicate variant \"%V\" in experiment "
                               "\"%V\"", &value[1], &exp->name);
            return NGX_CONF_ERROR;
        }

        if (variants[i].rest && value[0].len == 1 && value[0].data[0] == '*') {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "a second \"*\" in experiment \"%V\"",
                               &exp->name);
            return NGX_CONF_ERROR;
        }
    }

    variant = ngx_array_push(&exp->variants);
    if (variant == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(variant, sizeof(ngx_http_cx_variant_t));

    variant->name = value[1];
    variant->hash = cx_fnv1a32(ngx_http_cx_str(value[1]));

    if (value[0].len == 1 && value[0].data[0] == '*') {
        variant->rest = 1;
        return NGX_CONF_OK;
    }

    weight = cx_experiment_parse_percent(ngx_http_cx_str(value[0]));

    if (weight < 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid weight \"%V\" in experiment \"%V\": a "
                           "percent with up to two decimals, like \"12.5%%\"",
                           &value[0], &exp->name);
        return NGX_CONF_ERROR;
    }

    variant->weight = (uint32_t) weight;

    return NGX_CONF_OK;
}


static char *
ngx_http_cx_experiment_ranges(ngx_conf_t *cf, ngx_http_cx_experiment_t *exp)
{
    int                     rest;
    uint32_t                weights[CX_EXPERIMENT_MAX_VARIANTS], sum,
                            bucket;
    ngx_uint_t              i;
    ngx_http_cx_variant_t  *variants;

    if (exp->variants.nelts < 2
        || exp->variants.nelts > CX_EXPERIMENT_MAX_VARIANTS)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "experiment \"%V\" has %ui variants, it must have "
                           "2 to %d", &exp->name, exp->variants.nelts,
                           CX_EXPERIMENT_MAX_VARIANTS);
        return NGX_CONF_ERROR;
    }

    variants = exp->variants.elts;
    rest = -1;
    sum = 0;

    for (i = 0; i < exp->variants.nelts; i++) {
        weights[i] = variants[i].weight;
        sum += variants[i].weight;

        if (variants[i].rest) {
            rest = (int) i;
        }
    }

    if (sum > CX_EXPERIMENT_WHOLE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "weights of experiment \"%V\" sum to %uD.%02uD%%, "
                           "over 100%%", &exp->name, sum / 100, sum % 100);
        return NGX_CONF_ERROR;
    }

    if (cx_experiment_ranges(weights, exp->variants.nelts, rest, &exp->ranges)
        != 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "weights of experiment \"%V\" leave no visitor "
                           "to a variant: a weight or \"*\" of 0%%",
                           &exp->name);
        return NGX_CONF_ERROR;
    }

    /* the variant of every bucket, chosen once: a page view reads it */

    exp->choices = ngx_palloc(cf->pool, CX_EXPERIMENT_WHOLE);
    if (exp->choices == NULL) {
        return NGX_CONF_ERROR;
    }

    for (bucket = 0; bucket < CX_EXPERIMENT_WHOLE; bucket++) {
        exp->choices[bucket] = (int8_t) cx_experiment_choose(&exp->ranges,
                                                             bucket);
    }

    return NGX_CONF_OK;
}


/* ASCII only: GrowthBook hashes UTF-16 units, bytes are the same for ASCII */
static ngx_int_t
ngx_http_cx_experiment_name_valid(ngx_str_t *name)
{
    u_char      c;
    ngx_uint_t  i;

    if (name->len == 0 || name->len > NGX_HTTP_CX_EXPERIMENT_NAME_MAX) {
        return NGX_ERROR;
    }

    for (i = 0; i < name->len; i++) {
        c = name->data[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '_' || c == '-'))
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


char *
ngx_http_cx_experiments_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_cx_loc_conf_t *lcf = conf;

    ngx_str_t   *value, *name;
    ngx_uint_t   i;

    if (lcf->experiment_names) {
        return "is duplicate";
    }

    value = cf->args->elts;

    lcf->experiment_names = ngx_array_create(cf->pool, cf->args->nelts,
                                             sizeof(ngx_str_t));
    if (lcf->experiment_names == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_http_cx_conf_pos(cf, &lcf->experiments_pos);

    if (cf->args->nelts == 2 && ngx_strcmp(value[1].data, "off") == 0) {
        return NGX_CONF_OK;
    }

    for (i = 1; i < cf->args->nelts; i++) {
        name = ngx_array_push(lcf->experiment_names);
        if (name == NULL) {
            return NGX_CONF_ERROR;
        }

        *name = value[i];
    }

    return NGX_CONF_OK;
}


/*
 * The experiments that run at a level: the names cx_experiments gave, known
 * only once the whole http{} block has been read, or all of them.
 */
char *
ngx_http_cx_experiment_merge(ngx_conf_t *cf, ngx_http_cx_loc_conf_t *prev,
    ngx_http_cx_loc_conf_t *conf)
{
    ngx_str_t                  *names;
    ngx_uint_t                  i;
    ngx_http_cx_main_conf_t    *mcf;
    ngx_http_cx_experiment_t   *exp, **slot;

    if (conf->experiment_names == NULL) {
        conf->experiment_names = prev->experiment_names;
        conf->experiments_pos = prev->experiments_pos;
    }

    if (conf->experiment_override.data == NULL) {
        conf->experiment_override = prev->experiment_override;
    }

    mcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_cx_module);

    if (mcf->experiments && mcf->bucket_cache == NULL
        && ngx_http_cx_bucket_cache_create(cf, mcf) != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (conf->experiment_names == NULL) {
        conf->experiments = mcf->experiments;
        return NGX_CONF_OK;
    }

    conf->experiments = ngx_array_create(cf->pool,
                                         conf->experiment_names->nelts + 1,
                                         sizeof(ngx_http_cx_experiment_t *));
    if (conf->experiments == NULL) {
        return NGX_CONF_ERROR;
    }

    names = conf->experiment_names->elts;

    for (i = 0; i < conf->experiment_names->nelts; i++) {
        exp = ngx_http_cx_experiment_find(mcf->experiments, &names[i]);

        if (exp == NULL) {
            ngx_http_cx_conf_error(cf, &conf->experiments_pos,
                                   "cx_experiments: unknown experiment "
                                   "\"%V\"", &names[i]);
            return NGX_CONF_ERROR;
        }

        slot = ngx_array_push(conf->experiments);
        if (slot == NULL) {
            return NGX_CONF_ERROR;
        }

        *slot = exp;
    }

    return NGX_CONF_OK;
}


/*
 * Made at the first merge, when every cx_experiment block has been read
 * (they are allowed in http{} only); the workers each get their own copy
 * with the fork, and a new configuration its own cache.
 */
static char *
ngx_http_cx_bucket_cache_create(ngx_conf_t *cf, ngx_http_cx_main_conf_t *mcf)
{
    void    *mem;
    size_t   size, nslots;

    size = cx_experiment_cache_size(mcf->experiments->nelts,
                                    NGX_HTTP_CX_BUCKET_CACHE_MAX,
                                    NGX_HTTP_CX_BUCKET_CACHE_SLOTS, &nslots);

    if (size == 0) {
        /* too many experiments to keep: each bucket is computed */
        return NGX_CONF_OK;
    }

    mem = ngx_palloc(cf->pool, size);
    if (mem == NULL) {
        return NGX_CONF_ERROR;
    }

    mcf->bucket_cache = ngx_palloc(cf->pool, sizeof(cx_experiment_cache_t));
    if (mcf->bucket_cache == NULL) {
        return NGX_CONF_ERROR;
    }

    cx_experiment_cache_init(mcf->bucket_cache, mem, nslots,
                             mcf->experiments->nelts);

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_cx_variant_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_uint_t                 i;
    ngx_http_cx_ctx_t         *ctx;
    ngx_http_cx_loc_conf_t    *lcf;
    ngx_http_cx_assignment_t  *a;

    lcf = ngx_http_get_module_loc_conf(r->main, ngx_http_cx_module);

    ctx = lcf->enable ? ngx_http_cx_resolve(r->main) : NULL;

    if (ctx) {
        a = ctx->assignments;

        for (i = 0; i < ctx->nassignments; i++) {
            if (a[i].experiment->index == data) {
                v->data = a[i].variant->name.data;
                v->len = a[i].variant->name.len;
                v->valid = 1;
                v->no_cacheable = 0;
                v->not_found = 0;
                return NGX_OK;
            }
        }
    }

    v->not_found = 1;

    return NGX_OK;
}
