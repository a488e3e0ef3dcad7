
/*
 * ngx_cx_module: what the glue files share.
 */


#ifndef _NGX_HTTP_CX_MODULE_H_INCLUDED_
#define _NGX_HTTP_CX_MODULE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "cx_str.h"


#define ngx_http_cx_str(s)  ((cx_str_t) { (s).data, (s).len })


typedef struct {
    ngx_open_file_t          *file;        /* NULL for syslog */
    ngx_syslog_peer_t        *syslog;
} ngx_http_cx_log_t;


typedef struct {
    ngx_flag_t                enable;

    ngx_array_t              *logs;        /* of ngx_http_cx_log_t */
    ngx_flag_t                logs_off;

    ngx_hash_t                types;
    ngx_array_t              *types_keys;
} ngx_http_cx_loc_conf_t;


/* one per request, found again after an internal redirect */
typedef struct {
    ngx_str_t                 path;        /* as the visitor asked, decoded */
    ngx_str_t                 query;       /* raw; data NULL when none */

    unsigned                  page_view:1;
} ngx_http_cx_ctx_t;


extern ngx_module_t  ngx_http_cx_module;


/* ngx_http_cx_request.c */
ngx_http_cx_ctx_t *ngx_http_cx_get_ctx(ngx_http_request_t *r);
ngx_http_cx_ctx_t *ngx_http_cx_create_ctx(ngx_http_request_t *r);
ngx_uint_t ngx_http_cx_is_page_view(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf);

/* ngx_http_cx_record.c */
ngx_int_t ngx_http_cx_record_line(ngx_http_request_t *r,
    ngx_http_cx_ctx_t *ctx, ngx_str_t *line);

/* ngx_http_cx_log.c */
char *ngx_http_cx_log_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
void ngx_http_cx_log_write(ngx_http_request_t *r, ngx_array_t *logs,
    ngx_str_t *line);


#endif /* _NGX_HTTP_CX_MODULE_H_INCLUDED_ */
