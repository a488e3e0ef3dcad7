
/*
 * The feedback beacon: cx_beacon makes a location take a score or an event
 * right after an interaction (a plain HTML form, a GET, or sendBeacon) and
 * writes it into the same journey, with the visitor, session and touchpoint
 * of the cookie, which it reads but never advances.  The form itself is
 * decoded and checked by the core (cx_beacon.c).
 */


#include "ngx_http_cx_common.h"


static void ngx_http_cx_beacon_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_cx_beacon_read_body(ngx_http_request_t *r,
    ngx_str_t *form);
static ngx_int_t ngx_http_cx_beacon_accept(ngx_http_request_t *r,
    ngx_str_t *form);
static ngx_int_t ngx_http_cx_beacon_content_type(ngx_http_request_t *r);
static ngx_int_t ngx_http_cx_beacon_refuse(ngx_http_request_t *r,
    ngx_uint_t status, ngx_uint_t reason, const char *message);
static ngx_int_t ngx_http_cx_beacon_too_large(ngx_http_request_t *r);
static ngx_http_cx_touchpoint_t *ngx_http_cx_beacon_touchpoint(
    ngx_http_request_t *r, ngx_http_cx_ctx_t *ctx, cx_str_t name);


static ngx_int_t
ngx_http_cx_beacon_handler(ngx_http_request_t *r)
{
    ngx_int_t           rc;
    ngx_str_t           form;
    ngx_http_cx_ctx_t  *ctx;

    if (r != r->main) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_cx_create_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD)) {

        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        form = ctx->query;

        if (form.data == NULL) {
            ngx_str_set(&form, "");
        }

        return ngx_http_cx_beacon_accept(r, &form);
    }

    if (r->method != NGX_HTTP_POST) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    /*
     * A refusal sent before the body is read must discard it: on a
     * keep-alive connection the body would be read as the next request.
     */

    if (ngx_http_cx_beacon_content_type(r) != NGX_OK) {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        return ngx_http_cx_beacon_refuse(r, NGX_HTTP_UNSUPPORTED_MEDIA_TYPE,
                                         NGX_HTTP_CX_BEACON_BAD_TYPE,
                                         "the body must be "
                                         "application/x-www-form-urlencoded "
                                         "or text/plain");
    }

    if (r->headers_in.content_length_n > (off_t) CX_BEACON_FORM_MAX) {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        return ngx_http_cx_beacon_too_large(r);
    }

    r->request_body_in_single_buf = 1;

    rc = ngx_http_read_client_request_body(r, ngx_http_cx_beacon_body);

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


static void
ngx_http_cx_beacon_body(ngx_http_request_t *r)
{
    ngx_int_t  rc;
    ngx_str_t  form;

    rc = ngx_http_cx_beacon_read_body(r, &form);

    if (rc == NGX_DECLINED) {
        rc = ngx_http_cx_beacon_too_large(r);

    } else if (rc == NGX_OK) {
        rc = ngx_http_cx_beacon_accept(r, &form);

    } else {
        rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_finalize_request(r, rc);
}


/* the body, in memory or in the temporary file a small buffer left it in */
static ngx_int_t
ngx_http_cx_beacon_read_body(ngx_http_request_t *r, ngx_str_t *form)
{
    u_char       *p;
    off_t         len;
    ssize_t       n;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    ngx_str_set(form, "");

    if (r->request_body == NULL || r->request_body->bufs == NULL) {
        return NGX_OK;
    }

    len = 0;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;
        len += b->in_file ? b->file_last - b->file_pos : b->last - b->pos;
    }

    if (len > (off_t) CX_BEACON_FORM_MAX) {
        return NGX_DECLINED;
    }

    if (len == 0) {
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, (size_t) len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    form->data = p;

    /*
     * A chunked body ends with an empty last buffer whose pos may be NULL:
     * copying zero bytes from NULL is undefined, so empty buffers are
     * skipped, in memory and in the file alike.
     */

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;

        if (b->in_file) {
            if (b->file_last == b->file_pos) {
                continue;
            }

            n = ngx_read_file(b->file, p, b->file_last - b->file_pos,
                              b->file_pos);
            if (n != b->file_last - b->file_pos) {
                return NGX_ERROR;
            }

            p += n;

        } else if (b->last != b->pos) {
            p = ngx_cpymem(p, b->pos, b->last - b->pos);
        }
    }

    form->len = p - form->data;

    return NGX_OK;
}


/* a valid beacon: its line is written in the log phase, with the status */
static ngx_int_t
ngx_http_cx_beacon_accept(ngx_http_request_t *r, ngx_str_t *form)
{
    u_char                    *scratch;
    ngx_int_t                  rc;
    cx_beacon_status_e         status;
    ngx_http_cx_ctx_t         *ctx;
    ngx_http_cx_touchpoint_t  *tp;

    ctx = ngx_http_cx_get_ctx(r);

    scratch = ngx_pnalloc(r->pool, form->len ? form->len : 1);
    if (scratch == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    status = cx_beacon_parse(ngx_http_cx_str(*form), scratch, form->len,
                             &ctx->beacon);

    if (status != CX_BEACON_OK) {
        return ngx_http_cx_beacon_refuse(r, NGX_HTTP_BAD_REQUEST, status,
                                         cx_beacon_message(status));
    }

    if (ngx_http_cx_resolve(r) == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /*
     * A named touchpoint must be one of nginx.conf's, for a feedback and an
     * event alike: labels stay bounded, and a line never says null for a
     * name it was given.
     */

    tp = ngx_http_cx_beacon_touchpoint(r, ctx, ctx->beacon.touchpoint);

    if (ctx->beacon.touchpoint.data && tp == NULL) {
        return ngx_http_cx_beacon_refuse(r, NGX_HTTP_BAD_REQUEST,
                                         CX_BEACON_BAD_TOUCHPOINT,
                                   cx_beacon_message(CX_BEACON_BAD_TOUCHPOINT));
    }

    ctx->touchpoint = tp;

    if (ctx->beacon.kind == CX_BEACON_FEEDBACK) {
        ngx_http_cx_metrics_feedback(r, tp, ctx->beacon.score);
    }

    ctx->beacon_ok = 1;

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK && rc != NGX_DONE) {
        return rc;
    }

    /* a plain HTML form goes on to a page of the same site */

    if (ctx->beacon.redirect.data) {
        ngx_http_clear_location(r);

        r->headers_out.location = ngx_list_push(&r->headers_out.headers);
        if (r->headers_out.location == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        r->headers_out.location->hash = 1;
        ngx_str_set(&r->headers_out.location->key, "Location");
        r->headers_out.location->value.data =
                                         (u_char *) ctx->beacon.redirect.data;
        r->headers_out.location->value.len = ctx->beacon.redirect.len;
#if (nginx_version >= 1023000)
        r->headers_out.location->next = NULL;
#endif

        r->headers_out.status = NGX_HTTP_SEE_OTHER;
        r->headers_out.content_length_n = 0;
        r->header_only = 1;

        return ngx_http_send_header(r);
    }

    r->headers_out.status = NGX_HTTP_NO_CONTENT;
    r->headers_out.content_length_n = 0;
    r->header_only = 1;

    return ngx_http_send_header(r);
}


/* "application/x-www-form-urlencoded", "text/plain", or none at all */
static ngx_int_t
ngx_http_cx_beacon_content_type(ngx_http_request_t *r)
{
    size_t            len;
    u_char           *end;
    ngx_table_elt_t  *h;

    h = r->headers_in.content_type;

    if (h == NULL) {
        return NGX_OK;
    }

    end = ngx_strlchr(h->value.data, h->value.data + h->value.len, ';');
    len = (end ? end : h->value.data + h->value.len) - h->value.data;

    while (len && h->value.data[len - 1] == ' ') {
        len--;
    }

    if ((len == sizeof("application/x-www-form-urlencoded") - 1
         && ngx_strncasecmp(h->value.data,
                            (u_char *) "application/x-www-form-urlencoded",
                            len)
            == 0)
        || (len == sizeof("text/plain") - 1
            && ngx_strncasecmp(h->value.data, (u_char *) "text/plain", len)
               == 0))
    {
        return NGX_OK;
    }

    return NGX_DECLINED;
}


/* a one-line reason for people, the reason's name for scripts and metrics */
static ngx_int_t
ngx_http_cx_beacon_refuse(ngx_http_request_t *r, ngx_uint_t status,
    ngx_uint_t reason, const char *message)
{
    u_char      *p;
    size_t       len;
    ngx_buf_t   *b;
    const char  *name;

    ngx_http_cx_metrics_beacon_rejected(r, reason);

    name = ngx_http_cx_beacon_reason_name(reason);

    len = ngx_strlen(name) + sizeof(": ") - 1 + ngx_strlen(message) + 1;

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_sprintf(b->pos, "%s: %s\n", name, message);
    b->last = p;

    return ngx_http_cx_send_text(r, status, "text/plain", b);
}


/* the limit is the largest valid form's size (cx_beacon.h) */
static ngx_int_t
ngx_http_cx_beacon_too_large(ngx_http_request_t *r)
{
    u_char  *message, *p;

    message = ngx_pnalloc(r->pool, sizeof("the body is over  bytes")
                                   + NGX_SIZE_T_LEN);
    if (message == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_sprintf(message, "the body is over %uz bytes",
                    (size_t) CX_BEACON_FORM_MAX);
    *p = '\0';

    return ngx_http_cx_beacon_refuse(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                     NGX_HTTP_CX_BEACON_TOO_LARGE,
                                     (const char *) message);
}


const char *
ngx_http_cx_beacon_reason_name(ngx_uint_t reason)
{
    if (reason == NGX_HTTP_CX_BEACON_TOO_LARGE) {
        return "too_large";
    }

    if (reason == NGX_HTTP_CX_BEACON_BAD_TYPE) {
        return "bad_content_type";
    }

    return cx_beacon_reason(reason);
}


/* a named touchpoint, else the one of the session's last page view */
static ngx_http_cx_touchpoint_t *
ngx_http_cx_beacon_touchpoint(ngx_http_request_t *r, ngx_http_cx_ctx_t *ctx,
    cx_str_t name)
{
    ngx_uint_t                 i;
    ngx_http_cx_main_conf_t   *mcf;
    ngx_http_cx_touchpoint_t  *tps;

    mcf = ngx_http_get_module_main_conf(r, ngx_http_cx_module);

    if (mcf->touchpoint_names == NULL) {
        return NULL;
    }

    tps = mcf->touchpoint_names->elts;

    for (i = 0; i < mcf->touchpoint_names->nelts; i++) {

        if (name.data) {
            if (tps[i].name.len == name.len
                && ngx_memcmp(tps[i].name.data, name.data, name.len) == 0)
            {
                return &tps[i];
            }

        } else if (ctx->has_prev && ctx->prev.touchpoint
                   && tps[i].hash == ctx->prev.touchpoint)
        {
            return &tps[i];
        }
    }

    return NULL;
}


char *
ngx_http_cx_beacon_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_cx_loc_conf_t *lcf = conf;

    if (lcf->beacon) {
        return "is duplicate";
    }

    lcf->beacon = 1;

    return ngx_http_cx_content_handler(cf, lcf, ngx_http_cx_beacon_handler,
                                       "cx_beacon");
}
