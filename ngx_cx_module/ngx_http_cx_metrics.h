
/*
 * What the metrics' two files share: the series table, built from the
 * configuration (ngx_http_cx_series.c), and its counters in the zone
 * (ngx_http_cx_metrics.c).
 */


#ifndef _NGX_HTTP_CX_METRICS_H_INCLUDED_
#define _NGX_HTTP_CX_METRICS_H_INCLUDED_


#include "ngx_http_cx_common.h"


#define NGX_HTTP_CX_SERIES_COUNTER  0
#define NGX_HTTP_CX_SERIES_BUCKET   1     /* cumulative over its histogram */
#define NGX_HTTP_CX_SERIES_SECONDS  2     /* kept in ms, shown in seconds */

#define NGX_HTTP_CX_SCORES          11    /* 0 to 10: every scale's scores */

/* a series' name, "{" and labels: its labels are at most 512 bytes */
#define NGX_HTTP_CX_SERIES_TEXT     640

/* cx_request_duration_seconds' buckets in ms, and +Inf */
#define NGX_HTTP_CX_BUCKETS         9


typedef struct {
    ngx_str_t                 name;
    ngx_str_t                 labels;     /* without braces; may be empty */
    ngx_uint_t                kind;
    ngx_atomic_t             *value;
} ngx_http_cx_series_t;


typedef struct {
    const char               *name;
    const char               *type;
    const char               *help;
    ngx_uint_t                first;      /* its series, in order */
    ngx_uint_t                count;
} ngx_http_cx_family_t;


extern ngx_msec_t  ngx_http_cx_duration_buckets[NGX_HTTP_CX_BUCKETS - 1];


ngx_int_t ngx_http_cx_metrics_build(ngx_conf_t *cf, ngx_http_cx_metrics_t *m,
    ngx_http_cx_main_conf_t *mcf);


#endif /* _NGX_HTTP_CX_METRICS_H_INCLUDED_ */
