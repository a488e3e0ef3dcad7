
/*
 * The journey log's writes: a buffer per file and worker, a message per line
 * to syslog.  A file only ever holds whole lines: workers append whole lines
 * (O_APPEND), and a write the disk cuts short is taken back to its last line
 * boundary.  Every line is counted once, written or lost, per destination.
 */


#include "ngx_http_cx_common.h"


/* an error message per destination at most this often (ms) */
#define NGX_HTTP_CX_LOG_REPORT  1000

/*
 * Tries at the file's lock before writing without it: the workers hold it
 * for a write and a truncation, while a lock some other program holds must
 * not stop the event loop.
 */
#define NGX_HTTP_CX_LOG_LOCK_TRIES  64


static void ngx_http_cx_log_append(ngx_http_request_t *r,
    ngx_http_cx_log_dest_t *dest, ngx_str_t *line);
static void ngx_http_cx_log_keep(ngx_http_cx_log_dest_t *dest, size_t len);
static void ngx_http_cx_log_syslog(ngx_http_request_t *r,
    ngx_http_cx_log_t *log, ngx_str_t *line);
static ngx_int_t ngx_http_cx_log_send(ngx_http_cx_log_dest_t *dest,
    ngx_syslog_peer_t *peer, u_char *message, size_t len, ngx_log_t *log);
static void ngx_http_cx_log_write_lines(ngx_http_cx_log_dest_t *dest,
    u_char *data, size_t len, ngx_uint_t lines, ngx_log_t *log);
static ngx_uint_t ngx_http_cx_log_lock(ngx_fd_t fd);
static ngx_int_t ngx_http_cx_log_take_back(ngx_fd_t fd, u_char *data,
    size_t *written);
static ngx_uint_t ngx_http_cx_log_count_lines(u_char *data, size_t len);
static ngx_int_t ngx_http_cx_log_report(ngx_http_cx_log_dest_t *dest,
    ngx_uint_t *suppressed);


void
ngx_http_cx_log_write(ngx_http_request_t *r, ngx_array_t *logs,
    ngx_str_t *line)
{
    ngx_uint_t          i;
    ngx_http_cx_log_t  *log;

    log = logs->elts;

    for (i = 0; i < logs->nelts; i++) {

        if (log[i].syslog) {
            ngx_http_cx_log_syslog(r, &log[i], line);

        } else {
            ngx_http_cx_log_append(r, log[i].dest, line);
        }
    }
}


static void
ngx_http_cx_log_append(ngx_http_request_t *r, ngx_http_cx_log_dest_t *dest,
    ngx_str_t *line)
{
    if ((size_t) (dest->last - dest->pos) < line->len) {
        ngx_http_cx_log_flush(dest->file, r->connection->log);
    }

    if ((size_t) (dest->last - dest->pos) < line->len) {

        /* a line larger than the whole buffer goes out on its own */

        ngx_http_cx_log_write_lines(dest, line->data, line->len, 1,
                                    r->connection->log);
        return;
    }

    ngx_memcpy(dest->pos, line->data, line->len);
    ngx_http_cx_log_keep(dest, line->len);
}


/*
 * The record written straight into the buffer of a location's only file,
 * with no copy.  NGX_DECLINED when the location has other logs, or the line
 * is larger than the buffer, for ngx_http_cx_log_write() to take it.  A
 * record that does not fit the room left is written again after the flush:
 * the work of one line in every buffer full.
 */
ngx_int_t
ngx_http_cx_log_record(ngx_http_request_t *r, ngx_array_t *logs,
    const cx_record_t *rec)
{
    size_t                   len;
    ngx_http_cx_log_t       *log;
    ngx_http_cx_log_dest_t  *dest;

    log = logs->elts;

    if (logs->nelts != 1 || log->syslog) {
        return NGX_DECLINED;
    }

    dest = log->dest;

    len = cx_record_write(rec, dest->pos, dest->last - dest->pos);

    if (len == 0) {
        ngx_http_cx_log_flush(dest->file, r->connection->log);

        len = cx_record_write(rec, dest->pos, dest->last - dest->pos);

        if (len == 0) {
            return NGX_DECLINED;
        }
    }

    ngx_http_cx_log_keep(dest, len);

    return NGX_OK;
}


/*
 * The line of len bytes at dest->pos joins the buffer.  It is counted
 * before pos moves past it: a worker killed in between has lost it.
 */
static void
ngx_http_cx_log_keep(ngx_http_cx_log_dest_t *dest, size_t len)
{
    if (dest->pending) {
        (void) ngx_atomic_fetch_add(dest->pending, 1);
    }

    dest->pos += len;
    dest->lines++;

    if (!dest->event->timer_set) {
        ngx_add_timer(dest->event, dest->flush);
    }
}


static void
ngx_http_cx_log_syslog(ngx_http_request_t *r, ngx_http_cx_log_t *log,
    ngx_str_t *line)
{
    u_char             *message, *p;
    size_t              header;
    ngx_syslog_peer_t  *peer;

    peer = log->syslog;

    header = sizeof("<255>Jan 01 00:00:00 ") - 1 + ngx_cycle->hostname.len + 1
             + peer->tag.len + 2;

    message = ngx_pnalloc(r->pool, header + line->len);
    if (message == NULL) {
        ngx_http_cx_metrics_log(log->dest, 0, 1, 0);
        return;
    }

    p = ngx_syslog_add_header(peer, message);

    /* one message per line, without the line's '\n' */

    p = ngx_cpymem(p, line->data, line->len - 1);

    if (ngx_http_cx_log_send(log->dest, peer, message, p - message,
                             r->connection->log)
        == NGX_OK)
    {
        ngx_http_cx_metrics_log(log->dest, 1, 0, 0);

    } else {
        ngx_http_cx_metrics_log(log->dest, 0, 1, 1);
    }
}


/*
 * nginx's ngx_syslog_send() logs every failure, unlimited, and says nothing
 * of a datagram the socket buffer had no room for: the journey sends its own,
 * on the peer's socket, so that it can count and rate-limit.  A datagram the
 * kernel took counts as written: UDP says no more.
 */
static ngx_int_t
ngx_http_cx_log_send(ngx_http_cx_log_dest_t *dest, ngx_syslog_peer_t *peer,
    u_char *message, size_t len, ngx_log_t *log)
{
    int            error;
    ssize_t        n;
    socklen_t      size;
    ngx_err_t      err;
    ngx_uint_t     suppressed;
    const char    *call;
    ngx_socket_t   fd;

    if (peer->conn.fd == (ngx_socket_t) -1) {

        fd = ngx_socket(peer->server.sockaddr->sa_family, SOCK_DGRAM, 0);

        if (fd == (ngx_socket_t) -1) {
            err = ngx_socket_errno;
            call = ngx_socket_n;
            goto failed;
        }

        if (ngx_nonblocking(fd) == -1) {
            err = ngx_socket_errno;
            call = ngx_nonblocking_n;
            (void) ngx_close_socket(fd);
            goto failed;
        }

        if (connect(fd, peer->server.sockaddr, peer->server.socklen) == -1) {
            err = ngx_socket_errno;
            call = "connect()";
            (void) ngx_close_socket(fd);
            goto failed;
        }

        peer->conn.fd = fd;
    }

    do {
        n = send(peer->conn.fd, message, len, 0);
        err = (n == -1) ? ngx_socket_errno : 0;
    } while (err == NGX_EINTR);

    call = "send()";

    if (n == (ssize_t) len) {

        /*
         * a server on this host that is down refuses the datagram before
         * send() returns (ICMP port unreachable): the line is lost, and
         * left pending the error would refuse the next line instead
         */

        size = sizeof(int);

        if (getsockopt(peer->conn.fd, SOL_SOCKET, SO_ERROR, (void *) &error,
                       &size)
            == -1
            || error == 0)
        {
            return NGX_OK;
        }

        err = error;
    }

    /*
     * a full socket buffer passes; anything else (a server that went away,
     * a unix socket recreated) gets a new socket for the next line
     */

    if (err != NGX_EAGAIN) {
        (void) ngx_close_socket(peer->conn.fd);
        peer->conn.fd = (ngx_socket_t) -1;
    }

failed:

    if (ngx_http_cx_log_report(dest, &suppressed) != NGX_OK) {
        return NGX_ERROR;
    }

    if (suppressed) {
        ngx_log_error(NGX_LOG_ERR, log, err,
                      "cx_log: %s to \"%V\" failed, 1 line lost, %ui more "
                      "errors since the last report", call, &dest->name,
                      suppressed);

    } else {
        ngx_log_error(NGX_LOG_ERR, log, err,
                      "cx_log: %s to \"%V\" failed, 1 line lost", call,
                      &dest->name);
    }

    return NGX_ERROR;
}


/*
 * Writes whole lines.  A write cut short (a full disk) is retried for the
 * rest; when the rest cannot be written, the partial line is taken back, so
 * that the file ends on a line boundary, and the lines not in the file are
 * counted lost.  The file is locked meanwhile: another worker appending
 * between the write and the truncation would otherwise see its lines cut.
 * Without the lock nothing is taken back; a partial line left is ended
 * before this worker's next write, so that its own lines stay whole.
 */
static void
ngx_http_cx_log_write_lines(ngx_http_cx_log_dest_t *dest, u_char *data,
    size_t len, ngx_uint_t lines, ngx_log_t *log)
{
    u_char      more[128], *last;
    size_t      written;
    ssize_t     n;
    ngx_fd_t    fd;
    ngx_err_t   err;
    ngx_uint_t  locked, torn, kept, suppressed;

    fd = dest->file->fd;

    /* a pipe or a device may have no lock, and has nothing to take back */

    locked = ngx_http_cx_log_lock(fd);

    written = 0;
    err = 0;

    if (dest->partial) {
        if (ngx_write_fd(fd, "\n", 1) == 1) {
            dest->partial = 0;

        } else {
            err = ngx_errno;
            len = 0;
        }
    }

    while (written < len) {
        n = ngx_write_fd(fd, data + written, len - written);

        if (n == -1) {
            err = ngx_errno;

            if (err == NGX_EINTR) {
                continue;
            }

            break;
        }

        if (n == 0) {
            break;
        }

        written += n;
    }

    torn = 0;

    if (written < len && written && data[written - 1] != '\n') {

        if (!locked
            || ngx_http_cx_log_take_back(fd, data, &written) != NGX_OK)
        {
            err = err ? err : ngx_errno;
            torn = 1;
            dest->partial = 1;
        }
    }

    if (locked) {
        (void) ngx_unlock_fd(fd);
    }

    if (written == len && !dest->partial) {
        ngx_http_cx_metrics_log(dest, lines, 0, 0);
        return;
    }

    kept = ngx_http_cx_log_count_lines(data, written);

    ngx_http_cx_metrics_log(dest, kept, lines - kept, 1);

    if (ngx_http_cx_log_report(dest, &suppressed) != NGX_OK) {
        return;
    }

    last = more;

    if (torn) {
        last = ngx_slprintf(last, more + sizeof(more),
                            ", a partial line left");
    }

    if (suppressed) {
        last = ngx_slprintf(last, more + sizeof(more),
                            ", %ui more errors since the last report",
                            suppressed);
    }

    ngx_log_error(NGX_LOG_ALERT, log, err,
                  "cx_log: " ngx_write_fd_n " to \"%V\" failed, %ui of %ui "
                  "lines lost%*s", &dest->name, lines - kept, lines,
                  (size_t) (last - more), more);
}


static ngx_uint_t
ngx_http_cx_log_lock(ngx_fd_t fd)
{
    ngx_err_t   err;
    ngx_uint_t  tries;

    for (tries = 0; tries < NGX_HTTP_CX_LOG_LOCK_TRIES; tries++) {
        err = ngx_trylock_fd(fd);

        if (err == 0) {
            return 1;
        }

        if (err != NGX_EAGAIN && err != NGX_EACCES && err != NGX_EINTR) {
            return 0;
        }

        ngx_sched_yield();
    }

    return 0;
}


/*
 * Cuts a partial line off the end of the file: the file still ends with
 * what this write left in it, as the lock keeps the other workers out.
 */
static ngx_int_t
ngx_http_cx_log_take_back(ngx_fd_t fd, u_char *data, size_t *written)
{
    size_t           whole;
    ngx_file_info_t  fi;

    whole = *written;

    while (whole && data[whole - 1] != '\n') {
        whole--;
    }

    if (whole == *written) {
        return NGX_OK;
    }

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        return NGX_ERROR;
    }

    if (!ngx_is_file(&fi)) {
        return NGX_OK;
    }

    if (ngx_file_size(&fi) < (off_t) (*written - whole)
        || ftruncate(fd, ngx_file_size(&fi) - (off_t) (*written - whole))
           == -1)
    {
        return NGX_ERROR;
    }

    *written = whole;

    return NGX_OK;
}


static ngx_uint_t
ngx_http_cx_log_count_lines(u_char *data, size_t len)
{
    u_char      *p, *last;
    ngx_uint_t   lines;

    lines = 0;
    last = data + len;

    for (p = data; p < last; p++) {
        p = ngx_strlchr(p, last, '\n');

        if (p == NULL) {
            break;
        }

        lines++;
    }

    return lines;
}


/*
 * A failing destination fails every line: one error message a second at
 * most, saying how many errors it held back (NGX_DECLINED: keep quiet).
 */
static ngx_int_t
ngx_http_cx_log_report(ngx_http_cx_log_dest_t *dest, ngx_uint_t *suppressed)
{
    if (dest->error_reported
        && ngx_current_msec - dest->error_time < NGX_HTTP_CX_LOG_REPORT)
    {
        dest->suppressed++;
        return NGX_DECLINED;
    }

    *suppressed = dest->suppressed;

    dest->suppressed = 0;
    dest->error_time = ngx_current_msec;
    dest->error_reported = 1;

    return NGX_OK;
}


/* also called by nginx before a reopen (USR1) and when a worker exits */
void
ngx_http_cx_log_flush(ngx_open_file_t *file, ngx_log_t *log)
{
    size_t                   len;
    ngx_http_cx_log_dest_t  *dest;

    dest = file->data;

    len = dest->pos - dest->start;

    if (len) {
        ngx_http_cx_log_write_lines(dest, dest->start, len, dest->lines, log);

        /*
         * written or lost, counted so: the zone holds them no more (a
         * worker killed in the write leaves them there, counted lost)
         */

        if (dest->pending) {
            (void) ngx_atomic_fetch_add(dest->pending,
                                        - (ngx_atomic_int_t) dest->lines);
        }

        dest->pos = dest->start;
        dest->lines = 0;
    }

    if (dest->event->timer_set) {
        ngx_del_timer(dest->event);
    }
}


void
ngx_http_cx_log_flush_handler(ngx_event_t *ev)
{
    ngx_http_cx_log_dest_t  *dest = ev->data;

    ngx_log_debug0(NGX_LOG_DEBUG_EVENT, ev->log, 0, "cx log flush timer");

    ngx_http_cx_log_flush(dest->file, ev->log);
}
