
/*
 * The cookie: cx_secret and cx_cookie, reading and verifying the visitor's
 * cookie, and the Set-Cookie of a page view.  The codec itself is the core's
 * (cx_cookie.c).
 */


#include "ngx_http_cx_common.h"


#define NGX_HTTP_CX_SECRET_MIN       16
#define NGX_HTTP_CX_SECRET_MAX       65536

/* browsers cap a cookie's lifetime at 400 days (RFC 6265bis) */
#define NGX_HTTP_CX_COOKIE_MAX_AGE   (400 * 86400)

#define NGX_HTTP_CX_SAMESITE_LAX     0
#define NGX_HTTP_CX_SAMESITE_STRICT  1
#define NGX_HTTP_CX_SAMESITE_NONE    2


typedef struct {
    ngx_uint_t   header;      /* the Cookie header searched */
    cx_str_t     value;       /* the last value found in it; data NULL
                                 before the first */
} ngx_http_cx_cookie_iterator_t;


static ngx_int_t ngx_http_cx_cookie_next(ngx_http_request_t *r,
    ngx_http_cx_loc_conf_t *lcf, ngx_http_cx_cookie_iterator_t *it);
static ngx_table_elt_t *ngx_http_cx_cookie_header(ngx_http_request_t *r,
    ngx_uint_t i);
static ngx_int_t ngx_http_cx_cookie_push(ngx_http_request_t *r,
    u_char *value, size_t len);
static ngx_int_t ngx_http_cx_cookie_name_valid(ngx_str_t *name);
static ngx_int_t ngx_http_cx_cookie_attribute_valid(ngx_str_t *value);
static char *ngx_http_cx_cookie_build(ngx_conf_t *cf,
    ngx_http_cx_loc_conf_t *conf);


ngx_http_output_header_filter_pt  ngx_http_cx_next_header_filter;


static ngx_str_t  ngx_http_cx_samesite_names[] = {
    ngx_string("Lax"),
    ngx_string("Strict"),
    ngx_string("None")
};


/*
 * A browser sends every cookie of the name whose domain and path match (a
 * sibling subdomain's, a path's, one of another site on the same domain):
 * the first that verifies is the visitor's, and only when none does is the
 * visitor new, the first one's reason counted.
 */
ngx_int_t
ngx_http_cx_cookie_read(ngx_http_request_t *r, ngx_http_cx_loc_conf_t *lcf,
    ngx_http_cx_ctx_t *ctx, uint64_t now_ms)
{
    cx_cookie_status_e             status, first;
    ngx_http_cx_cookie_iterator_t  it;
    ngx_http_cx_main_conf_t       *mcf;

    /* a read under another location's cookie name replaces an earlier one */

    ctx->cookie_rejected = CX_COOKIE_OK;
    ctx->cookie_ahead = 0;

    mcf = ngx_http_get_module_main_conf(r, ngx_http_cx_module);

    ngx_memzero(&it, sizeof(ngx_http_cx_cookie_iterator_t));
    first = CX_COOKIE_OK;

    while (ngx_http_cx_cookie_next(r, lcf, &it) == NGX_OK) {
        ctx->sent_cookie = 1;

        status = cx_cookie_decode(it.value.data, it.value.len,
                                  mcf->keys->elts, mcf->keys->nelts, now_ms,
                                  mcf->cookie_cache, &ctx->prev,
                                  &ctx->prev_kept);

        if (status == CX_COOKIE_OK) {
            ctx->has_prev = 1;
            return NGX_OK;
        }

        /* signed by a node whose clock runs ahead: the session restarts */

        if (status == CX_COOKIE_FUTURE) {
            ctx->has_prev = 1;
            ctx->cookie_ahead = 1;

            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "cx: cookie \"%V\" is ahead of this node's clock, "
                          "a new session", &lcf->cookie_name);

            return NGX_OK;
        }

        if (first == CX_COOKIE_OK) {
            first = status;
        }
    }

    if (first == CX_COOKIE_OK) {
        return NGX_DECLINED;
    }

    ctx->cookie_rejected = first;

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "cx: cookie \"%V\" rejected (%s), a new visitor",
                  &lcf->cookie_name, cx_cookie_status_name(first));

    return NGX_DECLINED;
}


/*
 * The request's i-th Cookie header, NULL past the last: nginx keeps them in
 * an array before 1.23 and in a list since.
 */
static ngx_table_elt_t *
ngx_http_cx_cookie_header(ngx_http_request_t *r, ngx_uint_t i)
{
#if (nginx_version >= 1023000)

    ngx_table_elt_t  *h;

    for (h = r->headers_in.cookie; h != NULL && i > 0; h = h->next) {
        i--;
    }

    return h;

#else

    ngx_table_elt_t  **h;

    if (i >= r->headers_in.cookies.nelts) {
        return NULL;
    }

    h = r->headers_in.cookies.elts;

    return h[i];

#endif
}


/* the first cookie of ours among the request's Cookie headers */
ngx_int_t
ngx_http_cx_cookie_value(ngx_http_request_t *r, ngx_http_cx_loc_conf_t *lcf,
    cx_str_t *value)
{
    ngx_http_cx_cookie_iterator_t  it;

    ngx_memzero(&it, sizeof(ngx_http_cx_cookie_iterator_t));

    if (ngx_http_cx_cookie_next(r, lcf, &it) != NGX_OK) {
        return NGX_DECLINED;
    }

    *value = it.value;

    return NGX_OK;
}


/*
 * The next cookie of ours, in the order the client sent them: every pair
 * of the name in each Cookie header, header after header.  The only place
 * that walks the Cookie headers.
 */
static ngx_int_t
ngx_http_cx_cookie_next(ngx_http_request_t *r, ngx_http_cx_loc_conf_t *lcf,
    ngx_http_cx_cookie_iterator_t *it)
{
    cx_str_t          header, name;
    ngx_table_elt_t  *h;

    name = ngx_http_cx_str(lcf->cookie_name);

    for ( /* void */ ;
         (h = ngx_http_cx_cookie_header(r, it->header)) != NULL;
         it->header++)
    {
        header = ngx_http_cx_str(h->value);

        if (it->value.data == NULL
            ? cx_cookie_find(header, name, &it->value)
            : cx_cookie_find_next(header, name, &it->value))
        {
            return NGX_OK;
        }

        it->value.data = NULL;
        it->value.len = 0;
    }

    return NGX_DECLINED;
}


ngx_int_t
ngx_http_cx_cookie_set(ngx_http_request_t *r, ngx_http_cx_loc_conf_t *lcf,
    ngx_http_cx_ctx_t *ctx)
{
    u_char                   *cookie, *p;
    size_t                    len;
    ngx_uint_t                secure;
    ngx_http_cx_main_conf_t  *mcf;

    mcf = ngx_http_get_module_main_conf(r, ngx_http_cx_module);

    /* cx_cookie secure is in the attributes already; https adds it here */

    secure = 0;

#if (NGX_HTTP_SSL)
    if (r->connection->ssl && !lcf->cookie_secure) {
        secure = 1;
    }
#endif

    len = lcf->cookie_name.len + 1 + CX_COOKIE_MAX_TEXT
          + lcf->cookie_attributes.len + sizeof("; Secure") - 1;

    cookie = ngx_pnalloc(r->pool, len);
    if (cookie == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(cookie, lcf->cookie_name.data, lcf->cookie_name.len);
    *p++ = '=';
    p += cx_cookie_encode(&ctx->state, mcf->keys->elts, &ctx->prev_kept,
                          mcf->cookie_cache, p);
    p = ngx_cpymem(p, lcf->cookie_attributes.data,
                   lcf->cookie_attributes.len);

    if (secure) {
        p = ngx_cpymem(p, "; Secure", sizeof("; Secure") - 1);
    }

    /*
     * A refused cookie counts once for the page view that replaces it, not
     * for each asset, API call or beacon the browser sends with it meanwhile.
     */

    if (ctx->cookie_rejected != CX_COOKIE_OK) {
        ngx_http_cx_metrics_cookie_rejected(r, ctx->cookie_rejected);
        ctx->cookie_rejected = CX_COOKIE_OK;
    }

    if (ctx->cookie_ahead) {
        ngx_http_cx_metrics_cookie_ahead(r);
        ctx->cookie_ahead = 0;
    }

    return ngx_http_cx_cookie_push(r, cookie, p - cookie);
}


/* a visitor who asks not to be tracked loses the cookie they had */
ngx_int_t
ngx_http_cx_cookie_expire(ngx_http_request_t *r, ngx_http_cx_loc_conf_t *lcf)
{
    return ngx_http_cx_cookie_push(r, lcf->cookie_expired.data,
                                   lcf->cookie_expired.len);
}


static ngx_int_t
ngx_http_cx_cookie_push(ngx_http_request_t *r, u_char *value, size_t len)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Set-Cookie");
    h->value.data = value;
    h->value.len = len;
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif

    return NGX_OK;
}


char *
ngx_http_cx_secret_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_cx_main_conf_t *mcf = conf;

    u_char           *secret;
    ssize_t           n;
    ngx_fd_t          fd;
    ngx_str_t        *value, path;
    ngx_file_t        file;
    ngx_file_info_t   fi;
    cx_cookie_key_t  *key;

    value = cf->args->elts;
    path = value[1];

    if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    fd = ngx_open_file(path.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "cx_secret \"%V\" cannot be opened", &path);
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&file, sizeof(ngx_file_t));
    file.fd = fd;
    file.name = path;
    file.log = cf->log;

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "cx_secret \"%V\" cannot be read", &path);
        goto failed;
    }

    if (ngx_file_size(&fi) < NGX_HTTP_CX_SECRET_MIN
        || ngx_file_size(&fi) > NGX_HTTP_CX_SECRET_MAX)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "cx_secret \"%V\" holds %O bytes, it must hold "
                           "%d to %d", &path, ngx_file_size(&fi),
                           NGX_HTTP_CX_SECRET_MIN, NGX_HTTP_CX_SECRET_MAX);
        goto failed;
    }

    secret = ngx_pnalloc(cf->temp_pool, ngx_file_size(&fi));
    if (secret == NULL) {
        goto failed;
    }

    n = ngx_read_file(&file, secret, ngx_file_size(&fi), 0);

    if (n != ngx_file_size(&fi)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "cx_secret \"%V\" cannot be read whole", &path);
        goto failed;
    }

    ngx_close_file(fd);

    if (mcf->keys == NULL) {
        mcf->keys = ngx_array_create(cf->pool, 2, sizeof(cx_cookie_key_t));
        if (mcf->keys == NULL) {
            return NGX_CONF_ERROR;
        }

        /* of this configuration's keys: a reload starts an empty one */

        mcf->cookie_cache = ngx_pcalloc(cf->pool, sizeof(cx_cookie_cache_t));
        if (mcf->cookie_cache == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    key = ngx_array_push(mcf->keys);
    if (key == NULL) {
        return NGX_CONF_ERROR;
    }

    /* the whole file, hashed: a text secret (hex, base64) loses nothing */

    cx_cookie_key_derive(secret, n, key);
    ngx_explicit_memzero(secret, n);

    /* the key that signs is the one that names the sessions */

    if (mcf->keys->nelts == 1) {
        cx_cookie_key_session(key, mcf->session_key);
    }

    return NGX_CONF_OK;

failed:

    ngx_close_file(fd);

    return NGX_CONF_ERROR;
}


char *
ngx_http_cx_cookie_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_cx_loc_conf_t *lcf = conf;

    time_t       max_age;
    ngx_str_t   *value, s;
    ngx_uint_t   i, j;

    if (lcf->cookie_name.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_http_cx_cookie_name_valid(&value[1]) != NGX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid cookie name \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    lcf->cookie_name = value[1];

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "domain=", 7) == 0) {
            s.data = value[i].data + 7;
            s.len = value[i].len - 7;

            if (ngx_http_cx_cookie_attribute_valid(&s) != NGX_OK) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid cookie domain \"%V\"", &s);
                return NGX_CONF_ERROR;
            }

            lcf->cookie_domain = s;
            continue;
        }

        if (ngx_strncmp(value[i].data, "path=", 5) == 0) {
            s.data = value[i].data + 5;
            s.len = value[i].len - 5;

            if (ngx_http_cx_cookie_attribute_valid(&s) != NGX_OK
                || s.data[0] != '/')
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid cookie path \"%V\"", &s);
                return NGX_CONF_ERROR;
            }

            lcf->cookie_path = s;
            continue;
        }

        if (ngx_strncmp(value[i].data, "max_age=", 8) == 0) {
            s.data = value[i].data + 8;
            s.len = value[i].len - 8;

            max_age = ngx_parse_time(&s, 1);

            if (max_age == (time_t) NGX_ERROR || max_age == 0) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid max_age \"%V\"", &s);
                return NGX_CONF_ERROR;
            }

            if (max_age > NGX_HTTP_CX_COOKIE_MAX_AGE) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid max_age \"%V\", it must be at "
                                   "most 400d", &s);
                return NGX_CONF_ERROR;
            }

            lcf->cookie_max_age = max_age;
            continue;
        }

        if (ngx_strcmp(value[i].data, "secure") == 0) {
            lcf->cookie_secure = 1;
            continue;
        }

        if (ngx_strncmp(value[i].data, "samesite=", 9) == 0) {
            s.data = value[i].data + 9;
            s.len = value[i].len - 9;

            for (j = 0; j < 3; j++) {
                if (s.len == ngx_http_cx_samesite_names[j].len
                    && ngx_strncasecmp(s.data,
                                       ngx_http_cx_samesite_names[j].data,
                                       s.len)
                       == 0)
                {
                    break;
                }
            }

            if (j == 3) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid samesite \"%V\", it must be "
                                   "\"strict\", \"lax\" or \"none\"", &s);
                return NGX_CONF_ERROR;
            }

            lcf->cookie_samesite = j;
            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "unknown cx_cookie parameter \"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* the token characters of a cookie name (RFC 6265, section 4.1.1) */
static ngx_int_t
ngx_http_cx_cookie_name_valid(ngx_str_t *name)
{
    u_char      c;
    ngx_uint_t  i;

    if (name->len == 0 || name->len > 64) {
        return NGX_ERROR;
    }

    for (i = 0; i < name->len; i++) {
        c = name->data[i];

        if (c <= ' ' || c >= 0x7f || ngx_strchr("()<>@,;:\\\"/[]?={}", c)) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_cx_cookie_attribute_valid(ngx_str_t *value)
{
    ngx_uint_t  i;

    if (value->len == 0) {
        return NGX_ERROR;
    }

    for (i = 0; i < value->len; i++) {
        if (value->data[i] <= ' ' || value->data[i] >= 0x7f
            || value->data[i] == ';' || value->data[i] == ',')
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/* a level without cx_cookie takes its parent's whole setting */
char *
ngx_http_cx_cookie_merge(ngx_conf_t *cf, ngx_http_cx_loc_conf_t *prev,
    ngx_http_cx_loc_conf_t *conf)
{
    if (conf->cookie_name.data == NULL) {
        conf->cookie_name = prev->cookie_name;
        conf->cookie_domain = prev->cookie_domain;
        conf->cookie_path = prev->cookie_path;
        conf->cookie_max_age = prev->cookie_max_age;
        conf->cookie_secure = prev->cookie_secure;
        conf->cookie_samesite = prev->cookie_samesite;

        /* the http level is never merged itself: build what it said here */

        if (prev->cookie_attributes.data) {
            conf->cookie_attributes = prev->cookie_attributes;
            conf->cookie_expired = prev->cookie_expired;
            return NGX_CONF_OK;
        }

        if (conf->cookie_name.data == NULL) {
            ngx_str_set(&conf->cookie_name, "cx");
        }
    }

    if (conf->cookie_path.data == NULL) {
        ngx_str_set(&conf->cookie_path, "/");
    }

    if (conf->cookie_max_age == NGX_CONF_UNSET) {
        conf->cookie_max_age = NGX_HTTP_CX_COOKIE_MAX_AGE;
    }

    if (conf->cookie_secure == NGX_CONF_UNSET) {
        conf->cookie_secure = 0;
    }

    if (conf->cookie_samesite == NGX_CONF_UNSET_UINT) {
        conf->cookie_samesite = NGX_HTTP_CX_SAMESITE_LAX;
    }

    /* browsers drop a SameSite=None cookie that is not Secure */

    if (conf->cookie_samesite == NGX_HTTP_CX_SAMESITE_NONE) {
        conf->cookie_secure = 1;
    }

    return ngx_http_cx_cookie_build(cf, conf);
}


/* everything after "name=value", decided once here */
static char *
ngx_http_cx_cookie_build(ngx_conf_t *cf, ngx_http_cx_loc_conf_t *conf)
{
    u_char     *p;
    size_t      len;
    ngx_str_t  *samesite, common;

    samesite = &ngx_http_cx_samesite_names[conf->cookie_samesite];

    /* what the cookie and its expiry share: "; Path=/; ...; SameSite=Lax" */

    len = sizeof("; Path=") - 1 + conf->cookie_path.len
          + sizeof("; Domain=") - 1 + conf->cookie_domain.len
          + sizeof("; HttpOnly; SameSite=") - 1 + samesite->len
          + sizeof("; Secure") - 1;

    common.data = ngx_pnalloc(cf->pool, len);
    if (common.data == NULL) {
        return NGX_CONF_ERROR;
    }

    p = ngx_sprintf(common.data, "; Path=%V", &conf->cookie_path);

    if (conf->cookie_domain.len) {
        p = ngx_sprintf(p, "; Domain=%V", &conf->cookie_domain);
    }

    p = ngx_sprintf(p, "; HttpOnly; SameSite=%V", samesite);

    if (conf->cookie_secure) {
        p = ngx_cpymem(p, "; Secure", sizeof("; Secure") - 1);
    }

    common.len = p - common.data;

    len = sizeof("; Max-Age=") - 1 + NGX_TIME_T_LEN + common.len;

    conf->cookie_attributes.data = ngx_pnalloc(cf->pool, len);
    if (conf->cookie_attributes.data == NULL) {
        return NGX_CONF_ERROR;
    }

    p = ngx_sprintf(conf->cookie_attributes.data, "; Max-Age=%T%V",
                    conf->cookie_max_age, &common);
    conf->cookie_attributes.len = p - conf->cookie_attributes.data;

    /* the same attributes with Max-Age=0 replace the cookie, then drop it */

    len = conf->cookie_name.len + sizeof("=; Max-Age=0") - 1 + common.len;

    conf->cookie_expired.data = ngx_pnalloc(cf->pool, len);
    if (conf->cookie_expired.data == NULL) {
        return NGX_CONF_ERROR;
    }

    p = ngx_sprintf(conf->cookie_expired.data, "%V=; Max-Age=0%V",
                    &conf->cookie_name, &common);
    conf->cookie_expired.len = p - conf->cookie_expired.data;

    return NGX_CONF_OK;
}


/*
 * The header filter: a page view's Set-Cookie, with the page's rating of
 * the experience in it for the next page's backend.
 */
ngx_int_t
ngx_http_cx_header_filter(ngx_http_request_t *r)
{
    cx_fetch_e               fetch;
    ngx_uint_t               again;
    ngx_table_elt_t         *h;
    ngx_http_cx_ctx_t       *ctx;
    ngx_http_cx_loc_conf_t  *lcf;

    lcf = ngx_http_get_module_loc_conf(r, ngx_http_cx_module);

    if (!lcf->enable) {
        return ngx_http_cx_next_header_filter(r);
    }

    /* a refused speculation must not be kept for the click that follows */

    ctx = (r == r->main) ? ngx_http_cx_get_ctx(r) : NULL;

    if (ctx && ctx->refused) {
        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_ERROR;
        }

        h->hash = 1;
        ngx_str_set(&h->key, "Cache-Control");
        ngx_str_set(&h->value, "no-store");

        return ngx_http_cx_next_header_filter(r);
    }

    fetch = ngx_http_cx_page(r, lcf);

    if (fetch == CX_FETCH_OTHER) {
        return ngx_http_cx_next_header_filter(r);
    }

    /* a location answering in the rewrite phase never saw the access one */

    ctx = ngx_http_cx_resolve(r);

    if (ctx == NULL) {
        return NGX_ERROR;
    }

    /* fetched ahead: a line, but no page view, no seq, no cookie */

    if (fetch != CX_FETCH_NAVIGATION) {
        ctx->speculative = 1;
        return ngx_http_cx_next_header_filter(r);
    }

    /*
     * A filter after this one may replace the response (not_modified's
     * 412): the page is rated again, in its place in the cookie's history,
     * and its cookie set again.
     */

    again = ctx->page_view;
    ctx->page_view = 1;

    /*
     * Bots get no cookie: they count nowhere as visitors.  Nor does a
     * request without a visitor, which no navigation may be.
     */

    if (ctx->bot || ctx->anonymous) {
        return ngx_http_cx_next_header_filter(r);
    }

    /* the cookie carries this page's rating to the next page's backend */

    ngx_http_cx_experience_judge(r, ctx);
    ctx->state.experience = again
        ? cx_experience_replace(ctx->state.experience, ctx->experience)
        : cx_experience_push(ctx->state.experience, ctx->experience);

    if (ctx->cookieless) {
        if (ctx->sent_cookie && ngx_http_cx_cookie_expire(r, lcf) != NGX_OK) {
            return NGX_ERROR;
        }

    } else if (ngx_http_cx_cookie_set(r, lcf, ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_cx_next_header_filter(r);
}
