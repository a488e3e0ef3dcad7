
/*
 * The journey log: cx_log destinations, a buffer per file and worker, and the
 * writes.  A write always ends on a line boundary, so workers appending to one
 * file (O_APPEND) never split a line.
 */


#include "ngx_http_cx_module.h"


#define NGX_HTTP_CX_LOG_BUFFER  65536
#define NGX_HTTP_CX_LOG_FLUSH   1000


typedef struct {
    u_char                   *start;
    u_char                   *pos;
    u_char                   *last;
    ngx_event_t              *event;
    ngx_msec_t                flush;
    time_t                    error_logged;   /* second of the last alert */
} ngx_http_cx_log_buf_t;


static void ngx_http_cx_log_append(ngx_http_request_t *r,
    ngx_open_file_t *file, ngx_str_t *line);
static void ngx_http_cx_log_syslog(ngx_http_request_t *r,
    ngx_syslog_peer_t *peer, ngx_str_t *line);
static void ngx_http_cx_log_write_fd(ngx_open_file_t *file, u_char *data,
    size_t len, ngx_log_t *log);
static void ngx_http_cx_log_flush(ngx_open_file_t *file, ngx_log_t *log);
static void ngx_http_cx_log_flush_handler(ngx_event_t *ev);
static char *ngx_http_cx_log_buffer(ngx_conf_t *cf, ngx_open_file_t *file,
    size_t size, ngx_msec_t flush);


void
ngx_http_cx_log_write(ngx_http_request_t *r, ngx_array_t *logs,
    ngx_str_t *line)
{
    ngx_uint_t          i;
    ngx_http_cx_log_t  *log;

    log = logs->elts;

    for (i = 0; i < logs->nelts; i++) {

        if (log[i].syslog) {
            ngx_http_cx_log_syslog(r, log[i].syslog, line);

        } else {
            ngx_http_cx_log_append(r, log[i].file, line);
        }
    }

    ngx_http_cx_metrics_log(1, 0);
}


static void
ngx_http_cx_log_append(ngx_http_request_t *r, ngx_open_file_t *file,
    ngx_str_t *line)
{
    ngx_http_cx_log_buf_t  *buffer;

    buffer = file->data;

    if ((size_t) (buffer->last - buffer->pos) < line->len) {
        ngx_http_cx_log_flush(file, r->connection->log);
    }

    if ((size_t) (buffer->last - buffer->pos) < line->len) {

        /* a line larger than the whole buffer goes out on its own */

        ngx_http_cx_log_write_fd(file, line->data, line->len,
                                 r->connection->log);
        return;
    }

    buffer->pos = ngx_cpymem(buffer->pos, line->data, line->len);

    if (!buffer->event->timer_set) {
        ngx_add_timer(buffer->event, buffer->flush);
    }
}


static void
ngx_http_cx_log_syslog(ngx_http_request_t *r, ngx_syslog_peer_t *peer,
    ngx_str_t *line)
{
    u_char  *message, *p;
    size_t   header;

    if (peer->busy) {
        return;
    }

    header = sizeof("<255>Jan 01 00:00:00 ") - 1 + ngx_cycle->hostname.len + 1
             + peer->tag.len + 2;

    message = ngx_pnalloc(r->pool, header + line->len);
    if (message == NULL) {
        return;
    }

    p = ngx_syslog_add_header(peer, message);

    /* one message per line, without the line's '\n' */

    p = ngx_cpymem(p, line->data, line->len - 1);

    peer->busy = 1;
    (void) ngx_syslog_send(peer, message, p - message);
    peer->busy = 0;
}


static void
ngx_http_cx_log_write_fd(ngx_open_file_t *file, u_char *data, size_t len,
    ngx_log_t *log)
{
    ssize_t                 n;
    ngx_http_cx_log_buf_t  *buffer;

    n = ngx_write_fd(file->fd, data, len);

    if (n == (ssize_t) len) {
        return;
    }

    buffer = file->data;
    ngx_http_cx_metrics_log(0, 1);

    /* a full disk fails every write: say so once a second, not each time */

    if (buffer->error_logged == ngx_time()) {
        return;
    }

    buffer->error_logged = ngx_time();

    if (n == -1) {
        ngx_log_error(NGX_LOG_ALERT, log, ngx_errno,
                      "cx_log: " ngx_write_fd_n " to \"%s\" failed",
                      file->name.data);

    } else {
        ngx_log_error(NGX_LOG_ALERT, log, 0,
                      "cx_log: " ngx_write_fd_n " to \"%s\" was incomplete: "
                      "%z of %uz", file->name.data, n, len);
    }
}


/* also called by nginx before a reopen (USR1) and when a worker exits */
static void
ngx_http_cx_log_flush(ngx_open_file_t *file, ngx_log_t *log)
{
    size_t                  len;
    ngx_http_cx_log_buf_t  *buffer;

    buffer = file->data;

    len = buffer->pos - buffer->start;

    if (len) {
        ngx_http_cx_log_write_fd(file, buffer->start, len, log);
        buffer->pos = buffer->start;
    }

    if (buffer->event->timer_set) {
        ngx_del_timer(buffer->event);
    }
}


static void
ngx_http_cx_log_flush_handler(ngx_event_t *ev)
{
    ngx_log_debug0(NGX_LOG_DEBUG_EVENT, ev->log, 0, "cx log flush timer");

    ngx_http_cx_log_flush(ev->data, ev->log);
}


char *
ngx_http_cx_log_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_cx_loc_conf_t *lcf = conf;

    size_t              size;
    ngx_str_t          *value, s;
    ngx_msec_t          flush;
    ngx_uint_t          i;
    ngx_http_cx_log_t  *log;

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {

        if (cf->args->nelts != 2) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\" after \"off\"",
                               &value[2]);
            return NGX_CONF_ERROR;
        }

        if (lcf->logs) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"cx_log off\" and a cx_log at one level");
            return NGX_CONF_ERROR;
        }

        lcf->logs_off = 1;
        return NGX_CONF_OK;
    }

    if (lcf->logs_off == 1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"cx_log off\" and a cx_log at one level");
        return NGX_CONF_ERROR;
    }

    /* a level with logs of its own writes them, whatever its parent said */

    lcf->logs_off = 0;

    if (lcf->logs == NULL) {
        lcf->logs = ngx_array_create(cf->pool, 2, sizeof(ngx_http_cx_log_t));
        if (lcf->logs == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    log = ngx_array_push(lcf->logs);
    if (log == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(log, sizeof(ngx_http_cx_log_t));

    if (ngx_strncmp(value[1].data, "syslog:", 7) == 0) {

        if (cf->args->nelts > 2) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "cx_log parameter \"%V\" does not apply "
                               "to syslog", &value[2]);
            return NGX_CONF_ERROR;
        }

        log->syslog = ngx_pcalloc(cf->pool, sizeof(ngx_syslog_peer_t));
        if (log->syslog == NULL) {
            return NGX_CONF_ERROR;
        }

        return ngx_syslog_process_conf(cf, log->syslog);
    }

    if (ngx_strlchr(value[1].data, value[1].data + value[1].len, '$')) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "variables are not supported in cx_log path \"%V\"",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    size = NGX_HTTP_CX_LOG_BUFFER;
    flush = NGX_HTTP_CX_LOG_FLUSH;

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "buffer=", 7) == 0) {
            s.len = value[i].len - 7;
            s.data = value[i].data + 7;

            size = ngx_parse_size(&s);

            if (size == (size_t) NGX_ERROR) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid buffer size \"%V\"", &s);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "flush=", 6) == 0) {
            s.len = value[i].len - 6;
            s.data = value[i].data + 6;

            flush = ngx_parse_time(&s, 0);

            if (flush == (ngx_msec_t) NGX_ERROR || flush == 0) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid flush time \"%V\"", &s);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "unknown cx_log parameter \"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    log->file = ngx_conf_open_file(cf->cycle, &value[1]);
    if (log->file == NULL) {
        return NGX_CONF_ERROR;
    }

    return ngx_http_cx_log_buffer(cf, log->file, size, flush);
}


/* one buffer per file, shared by every cx_log naming it */
static char *
ngx_http_cx_log_buffer(ngx_conf_t *cf, ngx_open_file_t *file, size_t size,
    ngx_msec_t flush)
{
    ngx_http_cx_log_buf_t  *buffer;

    if (file->data) {

        if (file->flush != ngx_http_cx_log_flush) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "cx_log \"%V\" is already used by another log",
                               &file->name);
            return NGX_CONF_ERROR;
        }

        buffer = file->data;

        if ((size_t) (buffer->last - buffer->start) != size
            || buffer->flush != flush)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "cx_log \"%V\" already defined "
                               "with other buffer or flush parameters",
                               &file->name);
            return NGX_CONF_ERROR;
        }

        return NGX_CONF_OK;
    }

    buffer = ngx_pcalloc(cf->pool, sizeof(ngx_http_cx_log_buf_t));
    if (buffer == NULL) {
        return NGX_CONF_ERROR;
    }

    if (size) {
        buffer->start = ngx_pnalloc(cf->pool, size);
        if (buffer->start == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    buffer->pos = buffer->start;
    buffer->last = buffer->start + size;
    buffer->flush = flush;

    buffer->event = ngx_pcalloc(cf->pool, sizeof(ngx_event_t));
    if (buffer->event == NULL) {
        return NGX_CONF_ERROR;
    }

    buffer->event->data = file;
    buffer->event->handler = ngx_http_cx_log_flush_handler;
    buffer->event->log = &cf->cycle->new_log;
    buffer->event->cancelable = 1;

    file->data = buffer;
    file->flush = ngx_http_cx_log_flush;

    return NGX_CONF_OK;
}
