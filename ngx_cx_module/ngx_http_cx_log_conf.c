
/*
 * cx_log's configuration: its destinations, each file and syslog server
 * once, the files' buffers, and no access_log on a journey file.
 */


#include "ngx_http_cx_common.h"


#define NGX_HTTP_CX_LOG_BUFFER  65536
#define NGX_HTTP_CX_LOG_FLUSH   1000

/* a label value in the metrics zone's series keys */
#define NGX_HTTP_CX_LOG_LABEL   400


/*
 * The start of ngx_http_log_module's location conf: the array of its logs,
 * each of which begins with its open file (NULL for syslog and for paths
 * with variables).  Only these first fields are read.
 */
typedef struct {
    ngx_array_t              *logs;
} ngx_http_cx_access_log_conf_t;


extern ngx_module_t  ngx_http_log_module;


static ngx_http_cx_log_dest_t *ngx_http_cx_log_dest(ngx_conf_t *cf,
    ngx_str_t *name, ngx_open_file_t *file);
static char *ngx_http_cx_log_buffer(ngx_conf_t *cf,
    ngx_http_cx_log_dest_t *dest, size_t size, ngx_msec_t flush);
static char *ngx_http_cx_log_check_error_logs(ngx_conf_t *cf,
    ngx_log_t *log);
static char *ngx_http_cx_log_check_file(ngx_conf_t *cf, ngx_open_file_t *file,
    const char *directive);
static char *ngx_http_cx_log_check_access_logs(ngx_conf_t *cf,
    ngx_http_cx_access_log_conf_t *alcf);
static ngx_uint_t ngx_http_cx_log_same_file(ngx_open_file_t *a,
    ngx_open_file_t *b);
static ngx_int_t ngx_http_cx_log_dir_info(ngx_str_t *name,
    ngx_file_info_t *fi);


char *
ngx_http_cx_log_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_cx_loc_conf_t *lcf = conf;

    size_t              size;
    ngx_str_t          *value, s, name;
    ngx_msec_t          flush;
    ngx_uint_t          i;
    ngx_open_file_t    *file;
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

        if (ngx_syslog_process_conf(cf, log->syslog) != NGX_CONF_OK) {
            return NGX_CONF_ERROR;
        }

        /* the server counts, whatever the tag or facility */

        name.len = sizeof("syslog:") - 1 + log->syslog->server.name.len;
        name.data = ngx_pnalloc(cf->pool, name.len);
        if (name.data == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_sprintf(name.data, "syslog:%V", &log->syslog->server.name);

        log->dest = ngx_http_cx_log_dest(cf, &name, NULL);

        return log->dest ? NGX_CONF_OK : NGX_CONF_ERROR;
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

    file = ngx_conf_open_file(cf->cycle, &value[1]);
    if (file == NULL) {
        return NGX_CONF_ERROR;
    }

    log->dest = ngx_http_cx_log_dest(cf, &file->name, file);
    if (log->dest == NULL) {
        return NGX_CONF_ERROR;
    }

    return ngx_http_cx_log_buffer(cf, log->dest, size, flush);
}


/* a destination is counted once, however many cx_log name it */
static ngx_http_cx_log_dest_t *
ngx_http_cx_log_dest(ngx_conf_t *cf, ngx_str_t *name, ngx_open_file_t *file)
{
    u_char                    *p;
    ngx_uint_t                 i;
    ngx_http_cx_log_dest_t    *dest, **dests, **slot;
    ngx_http_cx_main_conf_t   *mcf;

    mcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_cx_module);

    if (mcf->log_dests == NULL) {
        mcf->log_dests = ngx_array_create(cf->pool, 2,
                                          sizeof(ngx_http_cx_log_dest_t *));
        if (mcf->log_dests == NULL) {
            return NULL;
        }
    }

    dests = mcf->log_dests->elts;

    for (i = 0; i < mcf->log_dests->nelts; i++) {
        if (dests[i]->name.len == name->len
            && ngx_strncmp(dests[i]->name.data, name->data, name->len) == 0)
        {
            return dests[i];
        }
    }

    dest = ngx_pcalloc(cf->pool, sizeof(ngx_http_cx_log_dest_t));
    if (dest == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     dest->metrics = NULL;
     *     dest->start = NULL;
     *     dest->lines = 0;
     *     dest->suppressed = 0;
     *     dest->error_reported = 0;
     */

    dest->name = *name;
    dest->file = file;
    dest->index = mcf->log_dests->nelts;
    dest->conf.file = cf->conf_file->file.name;
    dest->conf.line = cf->conf_file->line;

    /* the name as a label value: \, " and newline escaped */

    dest->label.data = ngx_pnalloc(cf->pool, 2 * name->len);
    if (dest->label.data == NULL) {
        return NULL;
    }

    p = dest->label.data;

    for (i = 0; i < name->len; i++) {
        switch (name->data[i]) {

        case '\\':
        case '"':
            *p++ = '\\';
            *p++ = name->data[i];
            break;

        case '\n':
            *p++ = '\\';
            *p++ = 'n';
            break;

        default:
            *p++ = name->data[i];
        }
    }

    dest->label.len = p - dest->label.data;

    if (dest->label.len > NGX_HTTP_CX_LOG_LABEL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "cx_log \"%V\" is too long to name in metrics, "
                           "at most %d bytes", name, NGX_HTTP_CX_LOG_LABEL);
        return NULL;
    }

    slot = ngx_array_push(mcf->log_dests);
    if (slot == NULL) {
        return NULL;
    }

    *slot = dest;

    return dest;
}


/* one buffer per file, shared by every cx_log naming it */
static char *
ngx_http_cx_log_buffer(ngx_conf_t *cf, ngx_http_cx_log_dest_t *dest,
    size_t size, ngx_msec_t flush)
{
    if (dest->event) {

        if ((size_t) (dest->last - dest->start) != size
            || dest->flush != flush)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "cx_log \"%V\" already defined "
                               "with other buffer or flush parameters",
                               &dest->name);
            return NGX_CONF_ERROR;
        }

        return NGX_CONF_OK;
    }

    if (size) {
        dest->start = ngx_pnalloc(cf->pool, size);
        if (dest->start == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    dest->pos = dest->start;
    dest->last = dest->start + size;
    dest->flush = flush;

    dest->event = ngx_pcalloc(cf->pool, sizeof(ngx_event_t));
    if (dest->event == NULL) {
        return NGX_CONF_ERROR;
    }

    dest->event->data = dest;
    dest->event->handler = ngx_http_cx_log_flush_handler;
    dest->event->log = &cf->cycle->new_log;
    dest->event->cancelable = 1;

    return NGX_CONF_OK;
}


/*
 * Called as each level is merged: the access_log files in force there
 * (ngx_http_log_module, an nginx module before this one, is merged already,
 * so inherited and default ones are in its conf too), and the error_log
 * ones (the core's, merged first of all, down to the main error_log).
 */
char *
ngx_http_cx_log_merge(ngx_conf_t *cf)
{
    ngx_http_core_loc_conf_t  *clcf;

    if (ngx_http_cx_log_check_access_logs(cf,
            ngx_http_conf_get_module_loc_conf(cf, ngx_http_log_module))
        != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    return ngx_http_cx_log_check_error_logs(cf, clcf->error_log);
}


/*
 * Once http{} is known: its own logs, then the files are the journey's.
 * Their buffers are claimed only now, so that an access_log with a buffer
 * after a cx_log on the same file meets the error below, not a buffer it
 * would take for its own.
 */
ngx_int_t
ngx_http_cx_log_postconfiguration(ngx_conf_t *cf)
{
    ngx_uint_t                 i;
    ngx_open_file_t           *file;
    ngx_http_cx_log_dest_t   **dests;
    ngx_http_cx_main_conf_t   *mcf;

    /* http{} itself, and the main error_log when no server inherits it */

    if (ngx_http_cx_log_merge(cf) != NGX_CONF_OK
        || ngx_http_cx_log_check_error_logs(cf, &cf->cycle->new_log)
           != NGX_CONF_OK)
    {
        return NGX_ERROR;
    }

    mcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_cx_module);

    if (mcf->log_dests == NULL) {
        return NGX_OK;
    }

    dests = mcf->log_dests->elts;

    for (i = 0; i < mcf->log_dests->nelts; i++) {
        dests[i]->metrics = mcf->metrics;

        file = dests[i]->file;

        if (file == NULL) {
            continue;
        }

        if (file->data || file->flush) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "cx_log \"%V\" in %V:%ui is already used by "
                          "another log", &file->name, &dests[i]->conf.file,
                          dests[i]->conf.line);
            return NGX_ERROR;
        }

        file->data = dests[i];
        file->flush = ngx_http_cx_log_flush;
    }

    return NGX_OK;
}


/*
 * access_log and cx_log on one file would write combined lines into the
 * journey: refused whichever comes first and wherever each is.
 */
static char *
ngx_http_cx_log_check_access_logs(ngx_conf_t *cf,
    ngx_http_cx_access_log_conf_t *alcf)
{
    u_char           *elts;
    ngx_uint_t        i;
    ngx_open_file_t  *file;

    if (alcf == NULL || alcf->logs == NULL) {
        return NGX_CONF_OK;
    }

    elts = alcf->logs->elts;

    for (i = 0; i < alcf->logs->nelts; i++) {

        file = *(ngx_open_file_t **) (elts + i * alcf->logs->size);

        if (ngx_http_cx_log_check_file(cf, file, "access_log")
            != NGX_CONF_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


/* the same for error_log: nginx's own messages in the journey */
static char *
ngx_http_cx_log_check_error_logs(ngx_conf_t *cf, ngx_log_t *log)
{
    for ( /* void */ ; log; log = log->next) {
        if (ngx_http_cx_log_check_file(cf, log->file, "error_log")
            != NGX_CONF_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_cx_log_check_file(ngx_conf_t *cf, ngx_open_file_t *file,
    const char *directive)
{
    ngx_uint_t                 i, k;
    ngx_open_file_t          **checked;
    ngx_http_cx_log_dest_t   **dests;
    ngx_http_cx_main_conf_t   *mcf;

    mcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_cx_module);

    if (mcf->log_dests == NULL || file == NULL) {
        return NGX_CONF_OK;
    }

    if (mcf->checked_files == NULL) {
        mcf->checked_files = ngx_array_create(cf->pool, 4,
                                              sizeof(ngx_open_file_t *));
        if (mcf->checked_files == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    /* every location inherits the same few: each is checked once */

    checked = mcf->checked_files->elts;

    for (k = 0; k < mcf->checked_files->nelts; k++) {
        if (checked[k] == file) {
            return NGX_CONF_OK;
        }
    }

    checked = ngx_array_push(mcf->checked_files);
    if (checked == NULL) {
        return NGX_CONF_ERROR;
    }

    *checked = file;

    dests = mcf->log_dests->elts;

    for (i = 0; i < mcf->log_dests->nelts; i++) {

        if (dests[i]->file == NULL
            || !ngx_http_cx_log_same_file(dests[i]->file, file))
        {
            continue;
        }

        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "cx_log \"%V\" in %V:%ui and %s \"%V\" write to the "
                      "same file: the journey needs a file of its own",
                      &dests[i]->name, &dests[i]->conf.file,
                      dests[i]->conf.line, directive, &file->name);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * One open file, or two names of one file: the same regular file if both
 * exist (not a device: /dev/stdout and /dev/stderr may be one terminal),
 * the same name in the same directory if not (yet).
 */
static ngx_uint_t
ngx_http_cx_log_same_file(ngx_open_file_t *a, ngx_open_file_t *b)
{
    u_char           *base_a, *base_b;
    ngx_file_info_t   fa, fb;

    if (a == b) {
        return 1;
    }

    if (ngx_file_info(a->name.data, &fa) != NGX_FILE_ERROR
        && ngx_file_info(b->name.data, &fb) != NGX_FILE_ERROR)
    {
        return ngx_is_file(&fa) && ngx_is_file(&fb)
               && fa.st_dev == fb.st_dev && fa.st_ino == fb.st_ino;
    }

    base_a = (u_char *) strrchr((char *) a->name.data, '/');
    base_b = (u_char *) strrchr((char *) b->name.data, '/');

    if (base_a == NULL || base_b == NULL
        || ngx_strcmp(base_a, base_b) != 0)
    {
        return 0;
    }

    return ngx_http_cx_log_dir_info(&a->name, &fa) == NGX_OK
           && ngx_http_cx_log_dir_info(&b->name, &fb) == NGX_OK
           && fa.st_dev == fb.st_dev && fa.st_ino == fb.st_ino;
}


/* the information of a full path's directory */
static ngx_int_t
ngx_http_cx_log_dir_info(ngx_str_t *name, ngx_file_info_t *fi)
{
    u_char  *slash, dir[NGX_MAX_PATH + 1];
    size_t   len;

    slash = (u_char *) strrchr((char *) name->data, '/');
    len = slash - name->data;

    if (len > NGX_MAX_PATH) {
        return NGX_ERROR;
    }

    if (len == 0) {
        len = 1;
    }

    ngx_memcpy(dir, name->data, len);
    dir[len] = '\0';

    return ngx_file_info(dir, fi) == NGX_FILE_ERROR ? NGX_ERROR : NGX_OK;
}
