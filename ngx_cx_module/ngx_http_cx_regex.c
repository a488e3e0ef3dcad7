
/*
 * Regular expressions of nginx.conf (cx_touchpoint, cx_bots): "~regex" is
 * case-sensitive and "~*regex" not, as in nginx's own location; compiled
 * once, with nginx's PCRE2, when the configuration is read.
 */


#include "ngx_http_cx_common.h"


/* NULL after a message naming the directive, the pattern and where it fails */
ngx_regex_t *
ngx_http_cx_regex_compile(ngx_conf_t *cf, ngx_str_t *pattern,
    const char *directive)
{
    u_char               *at, errstr[NGX_MAX_CONF_ERRSTR];
    size_t                tail;
    ngx_regex_compile_t   rc;

    ngx_memzero(&rc, sizeof(ngx_regex_compile_t));

    rc.pattern.data = pattern->data + 1;
    rc.pattern.len = pattern->len - 1;

    if (rc.pattern.len && rc.pattern.data[0] == '*') {
        rc.pattern.data++;
        rc.pattern.len--;
        rc.options = NGX_REGEX_CASELESS;
    }

    if (rc.pattern.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "empty %s regex \"%V\"",
                           directive, pattern);
        return NULL;
    }

    rc.pool = cf->pool;
    rc.err.len = NGX_MAX_CONF_ERRSTR;
    rc.err.data = errstr;

    if (ngx_regex_compile(&rc) == NGX_OK) {
        return rc.regex;
    }

    /* ngx_regex ends its message with 'at "<the pattern from there>"' */

    tail = 0;
    at = ngx_strlcasestrn(rc.err.data, rc.err.data + rc.err.len,
                          (u_char *) " at \"", 4);

    if (at) {
        tail = rc.err.data + rc.err.len - (at + 5) - 1;
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid %s regex \"%V\": %V (offset %uz)", directive,
                       pattern, &rc.err,
                       tail <= rc.pattern.len ? rc.pattern.len - tail : 0);

    return NULL;
}
