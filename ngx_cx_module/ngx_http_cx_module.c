
/*
 * ngx_cx_module: directives, configuration and where the module plugs into
 * the request, in the order a request takes: the rewrite phase's refusal of
 * speculative requests (ngx_http_cx_request.c), the access phase
 * (ngx_http_cx_headers.c), the header filter (ngx_http_cx_cookie.c) and the
 * log phase (ngx_http_cx_record.c).  What the glue files share is in
 * ngx_http_cx_common.h.
 */


#include "ngx_http_cx_common.h"


#define NGX_HTTP_CX_CONTENT_ALONE                                            \
    "%s cannot share a location with another content handler "             \
    "(proxy_pass, fastcgi_pass, cx_beacon, cx_metrics, ...)"


static ngx_int_t ngx_http_cx_preconfiguration(ngx_conf_t *cf);
static void *ngx_http_cx_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_cx_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_cx_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static ngx_int_t ngx_http_cx_init(ngx_conf_t *cf);
static ngx_int_t ngx_http_cx_init_process(ngx_cycle_t *cycle);
static char *ngx_http_cx_enable_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_cx_positive_msec(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_cx_speculation_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);


static ngx_conf_post_t  ngx_http_cx_positive_msec_post = {
    ngx_http_cx_positive_msec
};


static ngx_command_t  ngx_http_cx_commands[] = {

    { ngx_string("cx"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_http_cx_enable_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_cx_loc_conf_t, enable),
      NULL },

    { ngx_string("cx_log"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_cx_log_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cx_secret"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_cx_secret_directive,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cx_cookie"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_cx_cookie_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cx_session_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_cx_loc_conf_t, session_timeout),
      &ngx_http_cx_positive_msec_post },

    { ngx_string("cx_touchpoint"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_2MORE,
      ngx_http_cx_touchpoint_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cx_internal_hosts"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_cx_internal_hosts_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cx_channel_source"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE23,
      ngx_http_cx_channel_source_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cx_bots"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_cx_bots_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cx_log_bots"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_cx_loc_conf_t, log_bots),
      NULL },

    { ngx_string("cx_geoip2"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE12,
      ngx_http_cx_geoip2_directive,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cx_privacy"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_cx_privacy_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cx_consent"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_cx_consent_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cx_experiment"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_BLOCK|NGX_CONF_TAKE1,
      ngx_http_cx_experiment_block,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cx_experiments"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_cx_experiments_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cx_experiment_override"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_cx_loc_conf_t, experiment_override),
      NULL },

    { ngx_string("cx_headers"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_cx_loc_conf_t, headers),
      NULL },

    { ngx_string("cx_header_prefix"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_cx_header_prefix_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cx_slow"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_cx_loc_conf_t, slow),
      &ngx_http_cx_positive_msec_post },

    { ngx_string("cx_metrics_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE2,
      ngx_http_cx_metrics_zone_directive,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cx_metrics"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_cx_metrics_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cx_beacon"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_cx_beacon_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cx_speculation"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_cx_speculation_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("cx_types"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_types_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_cx_loc_conf_t, types_keys),
      &ngx_http_html_default_types[0] },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_cx_module_ctx = {
    ngx_http_cx_preconfiguration,          /* preconfiguration */
    ngx_http_cx_init,                      /* postconfiguration */

    ngx_http_cx_create_main_conf,          /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_cx_create_loc_conf,           /* create location configuration */
    ngx_http_cx_merge_loc_conf             /* merge location configuration */
};


ngx_module_t  ngx_http_cx_module = {
    NGX_MODULE_V1,
    &ngx_http_cx_module_ctx,               /* module context */
    ngx_http_cx_commands,                  /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    ngx_http_cx_metrics_init_module,       /* init module */
    ngx_http_cx_init_process,              /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_int_t
ngx_http_cx_preconfiguration(ngx_conf_t *cf)
{
    return ngx_http_cx_add_variables(cf);
}


static void *
ngx_http_cx_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_cx_main_conf_t  *mcf;

    mcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_cx_main_conf_t));
    if (mcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     mcf->geoip = NULL;
     *     mcf->metrics = NULL;
     *     mcf->experiments = NULL;
     *     mcf->keys = NULL;
     *     mcf->cookie_cache = NULL;
     *     mcf->touchpoint_names = NULL;
     *     mcf->log_dests = NULL;
     *     mcf->checked_files = NULL;
     */

    return mcf;
}


static void *
ngx_http_cx_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_cx_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_cx_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->cookie_name = { 0, NULL };
     *     conf->cookie_domain = { 0, NULL };
     *     conf->cookie_path = { 0, NULL };
     *     conf->cookie_attributes = { 0, NULL };
     *     conf->cookie_expired = { 0, NULL };
     *     conf->touchpoints = NULL;
     *     conf->internal_hosts = NULL;
     *     conf->channel_sources = NULL;
     *     conf->bot_tokens = NULL;
     *     conf->bot_regexes = NULL;
     *     conf->experiment_names = NULL;
     *     conf->experiments = NULL;
     *     conf->experiment_override = { 0, NULL };
     *     conf->header_prefix = { 0, NULL };
     *     conf->header_names = NULL;
     *     conf->logs = NULL;
     *     conf->types = { NULL };
     *     conf->types_keys = NULL;
     *     conf->content_handler = NULL;
     *     conf->content_directive = NULL;
     */

    conf->enable = NGX_CONF_UNSET;
    conf->cookie_max_age = NGX_CONF_UNSET;
    conf->cookie_secure = NGX_CONF_UNSET;
    conf->cookie_samesite = NGX_CONF_UNSET_UINT;
    conf->session_timeout = NGX_CONF_UNSET_MSEC;
    conf->slow = NGX_CONF_UNSET_MSEC;
    conf->log_bots = NGX_CONF_UNSET;
    conf->privacy_ip = NGX_CONF_UNSET_UINT;
    conf->consent = NGX_CONF_UNSET;
    conf->headers = NGX_CONF_UNSET;
    conf->logs_off = NGX_CONF_UNSET;
    conf->speculation = NGX_CONF_UNSET_UINT;

    return conf;
}


static char *
ngx_http_cx_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_cx_loc_conf_t  *prev = parent;
    ngx_http_cx_loc_conf_t  *conf = child;

    ngx_http_cx_main_conf_t   *mcf;
    ngx_http_core_loc_conf_t  *clcf;

    if (conf->enable == NGX_CONF_UNSET) {
        conf->enable_pos = prev->enable_pos;
    }

    ngx_conf_merge_value(conf->enable, prev->enable, 0);

    mcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_cx_module);

    /* the secret may follow "cx on" in http{}: known only now */

    if ((conf->enable || conf->beacon) && mcf->keys == NULL) {
        ngx_http_cx_conf_error(cf, conf->enable ? &conf->enable_pos
                                                : &conf->content_pos,
                               "cx_secret is required where \"cx\" is on "
                               "or a cx_beacon is");
        return NGX_CONF_ERROR;
    }

    /* proxy_pass, fastcgi_pass... after cx_beacon or cx_metrics */

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (conf->content_handler && clcf->handler != conf->content_handler) {
        ngx_http_cx_conf_error(cf, &conf->content_pos,
                               NGX_HTTP_CX_CONTENT_ALONE,
                               conf->content_directive);
        return NGX_CONF_ERROR;
    }

    if (ngx_http_cx_cookie_merge(cf, prev, conf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    ngx_conf_merge_msec_value(conf->session_timeout, prev->session_timeout,
                              30 * 60 * 1000);
    ngx_conf_merge_msec_value(conf->slow, prev->slow, 1000);

    /* rule lists are inherited whole by a level with none of its own */

    if (conf->touchpoints == NULL) {
        conf->touchpoints = prev->touchpoints;
    }

    if (conf->internal_hosts == NULL) {
        conf->internal_hosts = prev->internal_hosts;
    }

    if (conf->channel_sources == NULL) {
        conf->channel_sources = prev->channel_sources;
    }

    if (conf->bot_tokens == NULL && conf->bot_regexes == NULL) {
        conf->bot_tokens = prev->bot_tokens;
        conf->bot_regexes = prev->bot_regexes;
    }
    ngx_conf_merge_value(conf->log_bots, prev->log_bots, 1);
    ngx_conf_merge_uint_value(conf->privacy_ip, prev->privacy_ip,
                              NGX_HTTP_CX_IP_ANONYMIZE);
    ngx_conf_merge_uint_value(conf->speculation, prev->speculation,
                              NGX_HTTP_CX_SPECULATION_LOG);
    ngx_conf_merge_value(conf->consent, prev->consent, NGX_CONF_UNSET);

    if (ngx_http_cx_experiment_merge(cf, prev, conf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_cx_headers_merge(cf, prev, conf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    /* like access_log: a level with no cx_log of its own takes its parent's */

    if (conf->logs == NULL && conf->logs_off == NGX_CONF_UNSET) {
        conf->logs = prev->logs;
        conf->logs_off = prev->logs_off;
    }

    ngx_conf_merge_value(conf->logs_off, prev->logs_off, 0);

    if (ngx_http_cx_log_merge(cf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_merge_types(cf, &conf->types_keys, &conf->types,
                             &prev->types_keys, &prev->types,
                             ngx_http_html_default_types)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    conf->types_html = ngx_http_cx_types_html(&conf->types);

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_cx_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_REWRITE_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_cx_speculation_handler;

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_ACCESS_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_cx_access_handler;

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_LOG_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_cx_log_handler;

    ngx_http_cx_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_cx_header_filter;

    if (ngx_http_cx_log_postconfiguration(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_cx_metrics_postconfiguration(cf);
}


static ngx_int_t
ngx_http_cx_init_process(ngx_cycle_t *cycle)
{
    ngx_http_cx_session_init_process();

    if (ngx_http_cx_agent_init_process(cycle) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_cx_metrics_init_process(cycle) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_cx_geo_init_process(cycle);
}


/* "cx": where it is on, for the merge's errors */
static char *
ngx_http_cx_enable_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_cx_loc_conf_t *lcf = conf;

    char  *rv;

    rv = ngx_conf_set_flag_slot(cf, cmd, conf);

    if (rv == NGX_CONF_OK) {
        ngx_http_cx_conf_pos(cf, &lcf->enable_pos);
    }

    return rv;
}


/* a timeout or a threshold of 0 would make every page a new session or slow */
static char *
ngx_http_cx_positive_msec(ngx_conf_t *cf, void *post, void *data)
{
    ngx_msec_t  *msec = data;

    ngx_str_t  *value;

    if (*msec != 0) {
        return NGX_CONF_OK;
    }

    value = cf->args->elts;

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid %V \"%V\", it must be more than 0",
                       &value[0], &value[1]);

    return NGX_CONF_ERROR;
}


/* "cx_speculation log | refuse" */
static char *
ngx_http_cx_speculation_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_cx_loc_conf_t *lcf = conf;

    ngx_str_t  *value;

    if (lcf->speculation != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "log") == 0) {
        lcf->speculation = NGX_HTTP_CX_SPECULATION_LOG;

    } else if (ngx_strcmp(value[1].data, "refuse") == 0) {
        lcf->speculation = NGX_HTTP_CX_SPECULATION_REFUSE;

    } else {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid cx_speculation \"%V\", it must be "
                           "\"log\" or \"refuse\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


void
ngx_http_cx_conf_pos(ngx_conf_t *cf, ngx_http_cx_conf_pos_t *pos)
{
    pos->file = cf->conf_file->file.name;
    pos->line = cf->conf_file->line;
}


/*
 * cx_beacon and cx_metrics answer the location's requests themselves: the
 * last content handler would win silently, so one set before is caught
 * here, one set after by the merge.
 */
char *
ngx_http_cx_content_handler(ngx_conf_t *cf, ngx_http_cx_loc_conf_t *lcf,
    ngx_http_handler_pt handler, const char *directive)
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->handler) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, NGX_HTTP_CX_CONTENT_ALONE,
                           directive);
        return NGX_CONF_ERROR;
    }

    clcf->handler = handler;

    lcf->content_handler = handler;
    lcf->content_directive = directive;
    ngx_http_cx_conf_pos(cf, &lcf->content_pos);

    return NGX_CONF_OK;
}


/*
 * An error the merge finds, at the line of the directive it is about, as
 * nginx itself writes one: the merge's own position is the end of http{}.
 */
void ngx_cdecl
ngx_http_cx_conf_error(ngx_conf_t *cf, ngx_http_cx_conf_pos_t *pos,
    const char *fmt, ...)
{
    u_char   *p;
    va_list   args;
    u_char    text[NGX_MAX_CONF_ERRSTR];

    va_start(args, fmt);
    p = ngx_vslprintf(text, text + NGX_MAX_CONF_ERRSTR, fmt, args);
    va_end(args);

    ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "%*s in %V:%ui",
                  (size_t) (p - text), text, &pos->file, pos->line);
}
