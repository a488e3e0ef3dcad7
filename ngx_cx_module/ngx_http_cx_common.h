
/*
 * ngx_cx_module: what the glue files share.
 */


#ifndef _NGX_HTTP_CX_COMMON_H_INCLUDED_
#define _NGX_HTTP_CX_COMMON_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "cx_str.h"
#include "cx_agent.h"
#include "cx_beacon.h"
#include "cx_channel.h"
#include "cx_cookie.h"
#include "cx_experience.h"
#include "cx_experiment.h"
#include "cx_fetch.h"
#include "cx_record.h"
#include "cx_session.h"


/* a function, not a macro: ngx_http_cx_str(f(r)) calls f once */
static ngx_inline cx_str_t
ngx_http_cx_str(ngx_str_t s)
{
    cx_str_t  c;

    c.data = s.data;
    c.len = s.len;

    return c;
}

/* names from nginx.conf that become labels and JSON: [A-Za-z0-9_.:-] */
#define ngx_http_cx_name_char(c)                                             \
    (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z')                \
     || ((c) >= '0' && (c) <= '9') || (c) == '_' || (c) == '.'               \
     || (c) == ':' || (c) == '-')


/* where a directive was written: for what only the merge can judge */
typedef struct {
    ngx_str_t                 file;
    ngx_uint_t                line;
} ngx_http_cx_conf_pos_t;


typedef struct ngx_http_cx_log_dest_s  ngx_http_cx_log_dest_t;


/* a cx_log directive */
typedef struct {
    ngx_http_cx_log_dest_t   *dest;
    ngx_syslog_peer_t        *syslog;      /* NULL for a file */
} ngx_http_cx_log_t;


/* a cx_touchpoint rule */
typedef struct {
    ngx_str_t                 name;
    uint32_t                  hash;        /* of the name, as the cookie
                                              keeps it */
    ngx_regex_t              *regex;       /* NULL: path, below */
    ngx_str_t                 path;        /* exact, or prefix */
    ngx_msec_t                slow;        /* NGX_CONF_UNSET_MSEC: cx_slow's */
    ngx_uint_t                index;       /* among all names: metrics */
    unsigned                  goal:1;
    unsigned                  prefix:1;    /* a "~^literal" rule */
    unsigned                  caseless:1;  /* a "~*^literal" rule */
} ngx_http_cx_touchpoint_t;


typedef struct ngx_http_cx_geoip_s  ngx_http_cx_geoip_t;


typedef struct {
    ngx_str_t                 name;
    uint32_t                  hash;        /* as the cookie's forces keep it */
    uint32_t                  weight;      /* hundredths of a percent */
    unsigned                  rest:1;      /* "*": what the others leave */
} ngx_http_cx_variant_t;


typedef struct {
    ngx_str_t                 name;
    uint32_t                  hash;
    ngx_array_t               variants;    /* of ngx_http_cx_variant_t */
    cx_experiment_ranges_t    ranges;
    int8_t                   *choices;     /* each bucket's variant from
                                              the ranges, -1: none */
    ngx_uint_t                index;       /* in the main conf's list */
    ngx_uint_t                metric_offset;  /* of its first variant */
} ngx_http_cx_experiment_t;


/* a visitor's variant of one experiment */
typedef struct {
    ngx_http_cx_experiment_t *experiment;
    ngx_http_cx_variant_t    *variant;
    unsigned                  forced:1;    /* by cx_experiment_override */
} ngx_http_cx_assignment_t;


/* a request's answers from the cx_geoip2 databases */
typedef struct {
    ngx_str_t                 country;
    ngx_str_t                 region;
    ngx_str_t                 city;
    ngx_str_t                 as_org;
    double                    lat;
    double                    lon;
    int64_t                   asn;         /* CX_NONE without one */
    unsigned                  has_location:1;
    u_char                    location_len;
    u_char                    location[CX_RECORD_LOCATION_LEN];
    ngx_str_t                 ip;          /* the address anonymised, as
                                              cx_privacy ip=anonymize logs
                                              it; data NULL: not made */
    unsigned                  plain;       /* CX_RECORD_PLAIN_* of the names
                                              the cache saw plain */
} ngx_http_cx_geo_t;


/* the metrics of a cx_metrics_zone: indexes of each family's series */
typedef struct {
    ngx_shm_zone_t           *zone;
    u_char                   *file;           /* of cx_metrics_zone */
    ngx_uint_t                line;
    ngx_pool_t               *pool;
    ngx_array_t              *series;
    ngx_array_t              *families;
    ngx_uint_t                ntouchpoints;   /* configured ones + "other" */
    ngx_str_t                *touchpoint_label;
    unsigned                  ready:1;        /* the zone holds them */

    ngx_uint_t                page_views;
    ngx_uint_t                visitors_new;
    ngx_uint_t                sessions;
    ngx_uint_t                goals;
    ngx_uint_t                friction;
    ngx_uint_t                experience;
    ngx_uint_t                duration;
    ngx_uint_t                exposures;
    ngx_uint_t                experiment_goals;
    ngx_uint_t                cookie_rejected;
    ngx_uint_t                cookie_ahead;
    ngx_uint_t                log_written;    /* each destination's */
    ngx_uint_t                log_lost;
    ngx_uint_t                log_errors;
    ngx_uint_t                bot_requests;
    ngx_uint_t                consent;        /* given, then refused */
    ngx_uint_t                feedback;
    ngx_uint_t                beacon_rejected;
    ngx_uint_t                speculative;    /* by kind and outcome */
} ngx_http_cx_metrics_t;


/*
 * The lines a worker holds in its buffers are counted in the metrics zone
 * for each process slot below the first and destination below the second:
 * a worker killed before it flushed leaves them there, and the next one in
 * its slot counts them lost.
 */
#define NGX_HTTP_CX_LOG_WORKERS   64
#define NGX_HTTP_CX_LOG_PENDING   8


/*
 * Where journey lines go: a file (with the workers' buffer) or a syslog
 * server, each counted and reported on its own.
 */
struct ngx_http_cx_log_dest_s {
    ngx_str_t                 name;        /* the path, "syslog:address" */
    ngx_str_t                 label;       /* name, as a label value */
    ngx_uint_t                index;       /* in the main conf's list */
    ngx_http_cx_metrics_t    *metrics;     /* NULL without cx_metrics_zone */
    ngx_http_cx_conf_pos_t    conf;        /* of its first cx_log */

    ngx_open_file_t          *file;        /* NULL for syslog */
    u_char                   *start;       /* the buffer of whole lines */
    u_char                   *pos;
    u_char                   *last;
    ngx_uint_t                lines;       /* in the buffer */
    ngx_atomic_t             *pending;     /* the same, in the zone: NULL
                                              when not counted there */
    ngx_event_t              *event;
    ngx_msec_t                flush;

    ngx_msec_t                error_time;  /* of the last error reported */
    ngx_uint_t                suppressed;  /* errors since, not reported */
    unsigned                  error_reported:1;
    unsigned                  partial:1;   /* this worker left a partial
                                              line at the file's end */
};


/* the beacon's reasons, a body too large and a body of another type */
#define NGX_HTTP_CX_BEACON_TOO_LARGE  CX_BEACON_REASONS
#define NGX_HTTP_CX_BEACON_BAD_TYPE   (CX_BEACON_REASONS + 1)
#define NGX_HTTP_CX_BEACON_REASONS    (CX_BEACON_REASONS + 2)


#define NGX_HTTP_CX_IP_ANONYMIZE  0
#define NGX_HTTP_CX_IP_FULL       1
#define NGX_HTTP_CX_IP_OFF        2


/* cx_speculation */
#define NGX_HTTP_CX_SPECULATION_LOG     0
#define NGX_HTTP_CX_SPECULATION_REFUSE  1


typedef struct {
    ngx_array_t              *geoip;       /* of ngx_http_cx_geoip_t * */
    ngx_http_cx_metrics_t    *metrics;     /* NULL without cx_metrics_zone */
    ngx_array_t              *experiments; /* of ngx_http_cx_experiment_t * */
    cx_experiment_cache_t    *bucket_cache;  /* the worker's, by visitor id:
                                                NULL without experiments */
    ngx_array_t              *keys;        /* of cx_cookie_key_t; the first
                                              signs, every one verifies */
    cx_cookie_cache_t        *cookie_cache;     /* the cookies signed last,
                                                   of these keys */
    u_char                    session_key[16];  /* of the first key: next
                                                   sessions' ids */
    ngx_array_t              *touchpoint_names;   /* of
                                                     ngx_http_cx_touchpoint_t,
                                                     each name once */
    void                     *touchpoint_cache;   /* the answers by path,
                                                     each worker's copy */
    ngx_array_t              *log_dests;   /* of ngx_http_cx_log_dest_t *,
                                              each file and server once */
    ngx_array_t              *checked_files;  /* of ngx_open_file_t *:
                                                 the access_log and
                                                 error_log files checked
                                                 against cx_log's */

} ngx_http_cx_main_conf_t;


typedef struct {
    ngx_flag_t                enable;
    ngx_http_cx_conf_pos_t    enable_pos;

    ngx_str_t                 cookie_name;
    ngx_str_t                 cookie_domain;
    ngx_str_t                 cookie_path;
    time_t                    cookie_max_age;
    ngx_flag_t                cookie_secure;
    ngx_uint_t                cookie_samesite;
    ngx_str_t                 cookie_attributes;  /* "; Max-Age=...", built
                                                     at config time */
    ngx_str_t                 cookie_expired;     /* "name=; Max-Age=0..." */
    ngx_msec_t                session_timeout;
    ngx_msec_t                slow;

    ngx_array_t              *touchpoints;        /* of
                                                     ngx_http_cx_touchpoint_t */
    ngx_array_t              *internal_hosts;     /* of cx_str_t */
    ngx_array_t              *channel_sources;    /* of cx_channel_host_t */
    ngx_array_t              *bot_tokens;         /* of cx_str_t, lowercase */
    ngx_array_t              *bot_regexes;        /* of ngx_regex_t * */
    ngx_flag_t                log_bots;
    ngx_uint_t                privacy_ip;
    ngx_uint_t                speculation;        /* cx_speculation */
    ngx_int_t                 consent;            /* cx_consent's variable
                                                     index, NGX_CONF_UNSET:
                                                     no cx_consent */

    ngx_array_t              *experiment_names;   /* cx_experiments */
    ngx_http_cx_conf_pos_t    experiments_pos;
    ngx_array_t              *experiments;        /* running here, of
                                                     ngx_http_cx_experiment_t *
                                                     (NULL: none defined) */
    ngx_str_t                 experiment_override;

    ngx_flag_t                beacon;
    ngx_flag_t                metrics;            /* cx_metrics is here */

    /* cx_beacon's or cx_metrics': another content handler replaced it if
       clcf's differs at the merge */
    ngx_http_handler_pt       content_handler;
    const char               *content_directive;
    ngx_http_cx_conf_pos_t    content_pos;

    ngx_flag_t                headers;
    ngx_str_t                 header_prefix;
    ngx_array_t              *header_names;       /* of ngx_table_elt_t */

    ngx_array_t              *logs;        /* of ngx_http_cx_log_t */
    ngx_flag_t                logs_off;

    ngx_hash_t                types;
    ngx_array_t              *types_keys;
    ngx_flag_t                types_html;  /* "text/html" is one of them */
} ngx_http_cx_loc_conf_t;


/* one per request, found again after an internal redirect */
typedef struct {
    ngx_str_t                 path;        /* as the visitor asked, decoded */
    uint32_t                  path_hash;   /* its FNV-1a, as the cookie
                                              keeps it */
    ngx_str_t                 query;       /* raw; data NULL when none */
    cx_fetch_e                fetch;       /* what the browser fetches */

    cx_cookie_state_t         prev;        /* the cookie as sent, if valid */
    cx_cookie_kept_t          prev_kept;   /* what its Set-Cookie reuses */
    cx_cookie_state_t         state;       /* after this page view: what
                                              the Set-Cookie carries */
    cx_session_result_t       session;

    u_char                    visitor_hex[32];
    u_char                    session_hex[16];

    ngx_http_cx_touchpoint_t *touchpoint;  /* NULL: no rule matched */
    ngx_str_t                 prev_touchpoint;
    cx_channel_result_t       channel;     /* the strings on landings only */
    cx_agent_t                agent;
    ngx_http_cx_geo_t         geo;
    struct sockaddr          *geo_sockaddr;       /* the address geo.ip
                                                     was made of */

    ngx_http_cx_assignment_t *assignments;
    ngx_uint_t                nassignments;
    ngx_str_t                 variants_text;      /* "exp=var; exp2=var" */

    cx_experience_e           prev_experience;    /* the worst of the
                                                     session's last three */
    unsigned                  friction;           /* CX_FRICTION_* */
    cx_experience_e           experience;
    ngx_msec_int_t            request_ms;
    cx_experience_input_t     judged;      /* what friction and experience
                                              were judged from */

    cx_beacon_t               beacon;             /* when beacon_ok */
    cx_cookie_status_e        cookie_rejected;    /* why the cookie sent
                                                     was refused, counted
                                                     if a page view
                                                     re-issues it */

    ngx_http_cx_loc_conf_t   *resolved_lcf;       /* the level it was
                                                     resolved under */
    ngx_http_cx_loc_conf_t   *headers_lcf;        /* the level whose
                                                     prefix was dropped */
    ngx_array_t              *header_names;       /* of the headers added,
                                                     NULL: none */

    /* for new ids, drawn once and kept: the pool they come from is
       refilled for other requests */
    u_char                    random[CX_SESSION_RANDOM_LEN];

    unsigned                  resolved:1;
    unsigned                  cookie_read:1;
    unsigned                  random_drawn:1;
    unsigned                  page_view:1;
    unsigned                  has_prev:1;      /* a valid cookie came */
    unsigned                  sent_cookie:1;   /* a cookie of ours came,
                                                  valid or not */
    unsigned                  cookieless:1;    /* DNT, Sec-GPC or no
                                                  consent: no cookie, an
                                                  anonymous session */
    unsigned                  bot:1;           /* no cookie, no visitor,
                                                  no session */
    unsigned                  anonymous:1;     /* no valid cookie and no
                                                  navigation: no visitor,
                                                  no session, no variants */
    unsigned                  cookie_ahead:1;  /* the cookie's times were
                                                  ahead of our clock,
                                                  counted if a page view
                                                  re-issues it */
    unsigned                  geo_done:1;
    unsigned                  judged_once:1;      /* judged is set */
    unsigned                  headers_set:1;
    unsigned                  beacon_ok:1;        /* its line is due */
    unsigned                  dest_document:1;    /* Sec-Fetch-Dest says
                                                     "document" */
    unsigned                  privacy_signal:1;   /* "DNT: 1" or
                                                     "Sec-GPC: 1": the
                                                     visitor asks not to
                                                     be tracked */
    unsigned                  speculative:1;      /* a page fetched ahead:
                                                     its line is due */
    unsigned                  refused:1;          /* by cx_speculation
                                                     refuse */
    unsigned                  consent_asked:1;    /* cx_consent is set */
    unsigned                  consent:1;          /* and its variable says
                                                     yes */
} ngx_http_cx_ctx_t;


extern ngx_module_t  ngx_http_cx_module;
extern ngx_http_output_header_filter_pt  ngx_http_cx_next_header_filter;


/* ngx_http_cx_module.c */
void ngx_http_cx_conf_pos(ngx_conf_t *cf, ngx_http_cx_conf_pos_t *pos);
void ngx_cdecl ngx_http_cx_conf_error(ngx_conf_t *cf,
    ngx_http_cx_conf_pos_t *pos, const char *fmt, ...);
char *ngx_http_cx_content_handler(ngx_conf_t *cf,
    ngx_http_cx_loc_conf_t *lcf, ngx_http_handler_pt handler,
    const char *directive);

/* ngx_http_cx_request.c */
ngx_http_cx_ctx_t *ngx_http_cx_find_ctx(ngx_http_request_t *r);
ngx_http_cx_ctx_t *ngx_http_cx_new_ctx(ngx_http_request_t *r);
ngx_http_cx_ctx_t *ngx_http_cx_resolve(ngx_http_request_t *r);
ngx_uint_t ngx_http_cx_is_page_view(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf);
cx_fetch_e ngx_http_cx_page(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf);
ngx_flag_t ngx_http_cx_types_html(ngx_hash_t *types);
ngx_int_t ngx_http_cx_send_text(ngx_http_request_t *r, ngx_uint_t status,
    const char *type, ngx_buf_t *b);
ngx_int_t ngx_http_cx_speculation_handler(ngx_http_request_t *r);


/*
 * The request's context, if made; inline, as it is asked for several times
 * a request: only after an internal redirect (which resets module
 * contexts) is it looked for in the pool's cleanups
 */
static ngx_inline ngx_http_cx_ctx_t *
ngx_http_cx_get_ctx(ngx_http_request_t *r)
{
    ngx_http_cx_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_cx_module);

    if (ctx == NULL && r == r->main && (r->internal || r->filter_finalize)) {
        ctx = ngx_http_cx_find_ctx(r);
    }

    return ctx;
}


/* the request's context, made on first need (ngx_http_cx_new_ctx()) */
static ngx_inline ngx_http_cx_ctx_t *
ngx_http_cx_create_ctx(ngx_http_request_t *r)
{
    ngx_http_cx_ctx_t  *ctx;

    ctx = ngx_http_cx_get_ctx(r);

    return ctx ? ctx : ngx_http_cx_new_ctx(r);
}


/* ngx_http_cx_session.c */
ngx_int_t ngx_http_cx_session_resolve(ngx_http_request_t *r,
    ngx_http_cx_ctx_t *ctx);
void ngx_http_cx_session_read(ngx_http_request_t *r, ngx_http_cx_ctx_t *ctx);
void ngx_http_cx_session_init_process(void);

/* ngx_http_cx_consent.c */
ngx_uint_t ngx_http_cx_consent(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf, ngx_http_cx_ctx_t *ctx);
char *ngx_http_cx_consent_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

/* ngx_http_cx_cookie.c */
char *ngx_http_cx_secret_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_cx_cookie_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_cx_cookie_merge(ngx_conf_t *cf, ngx_http_cx_loc_conf_t *prev,
    ngx_http_cx_loc_conf_t *conf);
ngx_int_t ngx_http_cx_cookie_value(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf, cx_str_t *value);
ngx_int_t ngx_http_cx_cookie_read(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf, ngx_http_cx_ctx_t *ctx, uint64_t now_ms);
ngx_int_t ngx_http_cx_cookie_set(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf, ngx_http_cx_ctx_t *ctx);
ngx_int_t ngx_http_cx_cookie_expire(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf);
ngx_int_t ngx_http_cx_header_filter(ngx_http_request_t *r);

/* ngx_http_cx_regex.c */
ngx_regex_t *ngx_http_cx_regex_compile(ngx_conf_t *cf, ngx_str_t *pattern,
    const char *directive);

/* ngx_http_cx_touchpoint.c */
char *ngx_http_cx_touchpoint_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
void ngx_http_cx_touchpoint_resolve(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf, ngx_http_cx_ctx_t *ctx);

/* ngx_http_cx_channel.c */
char *ngx_http_cx_internal_hosts_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
char *ngx_http_cx_channel_source_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
ngx_int_t ngx_http_cx_channel_resolve(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf, ngx_http_cx_ctx_t *ctx);

/* ngx_http_cx_agent.c */
char *ngx_http_cx_bots_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
void ngx_http_cx_agent_resolve(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf, ngx_http_cx_ctx_t *ctx);
ngx_int_t ngx_http_cx_agent_init_process(ngx_cycle_t *cycle);

/* ngx_http_cx_experiment.c */
char *ngx_http_cx_experiment_block(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_cx_experiments_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_cx_experiment_merge(ngx_conf_t *cf,
    ngx_http_cx_loc_conf_t *prev, ngx_http_cx_loc_conf_t *conf);
void ngx_http_cx_experiment_resolve(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf, ngx_http_cx_ctx_t *ctx);
ngx_str_t *ngx_http_cx_experiment_variants(ngx_http_request_t *r,
    ngx_http_cx_ctx_t *ctx);

/* ngx_http_cx_headers.c */
ngx_int_t ngx_http_cx_access_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_cx_headers_drop(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf, ngx_http_cx_ctx_t *ctx);
ngx_int_t ngx_http_cx_headers_take_back(ngx_http_request_t *r,
    ngx_http_cx_ctx_t *ctx);
ngx_int_t ngx_http_cx_headers_set(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf, ngx_http_cx_ctx_t *ctx);
char *ngx_http_cx_header_prefix_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_cx_headers_merge(ngx_conf_t *cf, ngx_http_cx_loc_conf_t *prev,
    ngx_http_cx_loc_conf_t *conf);
const char *ngx_http_cx_segment(ngx_http_cx_ctx_t *ctx);

/* ngx_http_cx_experience.c */
void ngx_http_cx_experience_judge(ngx_http_request_t *r,
    ngx_http_cx_ctx_t *ctx);

/* ngx_http_cx_metrics.c */
char *ngx_http_cx_metrics_zone_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_cx_metrics_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_cx_metrics_postconfiguration(ngx_conf_t *cf);
ngx_int_t ngx_http_cx_metrics_init_module(ngx_cycle_t *cycle);
ngx_int_t ngx_http_cx_metrics_init_process(ngx_cycle_t *cycle);
void ngx_http_cx_metrics_page_view(ngx_http_request_t *r,
    ngx_http_cx_ctx_t *ctx);
void ngx_http_cx_metrics_cookie_rejected(ngx_http_request_t *r,
    cx_cookie_status_e reason);
void ngx_http_cx_metrics_cookie_ahead(ngx_http_request_t *r);
void ngx_http_cx_metrics_log(ngx_http_cx_log_dest_t *dest,
    ngx_uint_t written, ngx_uint_t lost, ngx_uint_t errors);
void ngx_http_cx_metrics_feedback(ngx_http_request_t *r,
    ngx_http_cx_touchpoint_t *tp, ngx_int_t score);
void ngx_http_cx_metrics_beacon_rejected(ngx_http_request_t *r,
    ngx_uint_t reason);
void ngx_http_cx_metrics_speculative(ngx_http_request_t *r,
    cx_fetch_e fetch, ngx_uint_t refused);

/* ngx_http_cx_beacon.c */
char *ngx_http_cx_beacon_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
const char *ngx_http_cx_beacon_reason_name(ngx_uint_t reason);

/* ngx_http_cx_geo.c */
char *ngx_http_cx_geoip2_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_cx_privacy_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_http_cx_geo_t *ngx_http_cx_geo(ngx_http_request_t *r,
    ngx_http_cx_ctx_t *ctx);
ngx_str_t ngx_http_cx_geo_ip(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf);
ngx_int_t ngx_http_cx_geo_init_process(ngx_cycle_t *cycle);

/* ngx_http_cx_variables.c */
ngx_int_t ngx_http_cx_add_variables(ngx_conf_t *cf);

/* ngx_http_cx_record.c */
ngx_int_t ngx_http_cx_log_handler(ngx_http_request_t *r);

/* ngx_http_cx_log_conf.c */
char *ngx_http_cx_log_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_cx_log_merge(ngx_conf_t *cf);
ngx_int_t ngx_http_cx_log_postconfiguration(ngx_conf_t *cf);

/* ngx_http_cx_log.c */
ngx_int_t ngx_http_cx_log_record(ngx_http_request_t *r, ngx_array_t *logs,
    const cx_record_t *rec);
void ngx_http_cx_log_write(ngx_http_request_t *r, ngx_array_t *logs,
    ngx_str_t *line);
void ngx_http_cx_log_flush(ngx_open_file_t *file, ngx_log_t *log);
void ngx_http_cx_log_flush_handler(ngx_event_t *ev);


#endif /* _NGX_HTTP_CX_COMMON_H_INCLUDED_ */
