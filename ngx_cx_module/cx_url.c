
/*
 * Request target helpers: see cx_url.h.
 */


#include <string.h>

#include "cx_url.h"


static int cx_url_hex(unsigned char c);
static size_t cx_url_climb(const unsigned char *dst, size_t n);


void
cx_url_split(cx_str_t target, cx_str_t *path, cx_str_t *query)
{
    const unsigned char  *mark;

    mark = target.len ? memchr(target.data, '?', target.len) : NULL;

    if (mark == NULL) {
        *path = target;
        query->data = NULL;
        query->len = 0;
        return;
    }

    path->data = target.data;
    path->len = mark - target.data;
    query->data = mark + 1;
    query->len = target.len - path->len - 1;
}


static int
cx_url_hex(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return -1;
}


size_t
cx_url_decode(unsigned char *dst, cx_str_t src, int plus_is_space)
{
    int                   hi, lo;
    unsigned char        *d;
    const unsigned char  *p, *end;

    d = dst;
    p = src.data;
    end = src.data + src.len;

    while (p < end) {

        if (*p == '%' && end - p >= 3
            && (hi = cx_url_hex(p[1])) >= 0 && (lo = cx_url_hex(p[2])) >= 0)
        {
            *d++ = (unsigned char) (hi << 4 | lo);
            p += 3;
            continue;
        }

        *d++ = (*p == '+' && plus_is_space) ? ' ' : *p;
        p++;
    }

    return d - dst;
}


/*
 * The states of nginx's own parser (ngx_http_parse_complex_uri), so that a
 * touchpoint sees the path a location matches: a segment is looked at only
 * from the '/' before it, and a ".." is known only at the '/' or end after.
 */
size_t
cx_url_normalize(unsigned char *dst, cx_str_t src, int merge_slashes)
{
    size_t                n;
    const unsigned char  *p, *end;
    enum {
        cx_url_usual = 0,
        cx_url_slash,
        cx_url_dot,
        cx_url_dot_dot
    } state;

    n = 0;
    state = cx_url_usual;
    end = src.data + src.len;

    for (p = src.data; p < end; p++) {

        switch (state) {

        case cx_url_usual:
            if (*p == '/') {
                state = cx_url_slash;
            }

            dst[n++] = *p;
            break;

        case cx_url_slash:
            if (*p == '/') {
                if (!merge_slashes) {
                    dst[n++] = *p;
                }

                break;
            }

            state = (*p == '.') ? cx_url_dot : cx_url_usual;
            dst[n++] = *p;
            break;

        case cx_url_dot:

            /* "/./": the '/' before the dot stays, the dot goes */

            if (*p == '/') {
                state = cx_url_slash;
                n--;
                break;
            }

            state = (*p == '.') ? cx_url_dot_dot : cx_url_usual;
            dst[n++] = *p;
            break;

        case cx_url_dot_dot:
            if (*p == '/') {
                n = cx_url_climb(dst, n);

                if (n == CX_URL_ABOVE_ROOT) {
                    return CX_URL_ABOVE_ROOT;
                }

                state = cx_url_slash;
                break;
            }

            state = cx_url_usual;
            dst[n++] = *p;
            break;
        }
    }

    if (state == cx_url_dot) {
        n--;

    } else if (state == cx_url_dot_dot) {
        n = cx_url_climb(dst, n);
    }

    return n;
}


/*
 * The normalizer leaves its usual state only at a '/' followed by '.' or,
 * when merging, by '/': without either, it copies every byte.
 */
int
cx_url_is_normal(cx_str_t src, int merge_slashes)
{
    size_t                i;
    const unsigned char  *p;

    p = src.data;

    for (i = 1; i < src.len; i++) {
        if (p[i - 1] == '/'
            && (p[i] == '.' || (p[i] == '/' && merge_slashes)))
        {
            return 0;
        }
    }

    return 1;
}


/*
 * dst[0 .. n) ends in "/..": back to just after the '/' that begins the
 * segment before it, or CX_URL_ABOVE_ROOT if there is none.
 */
static size_t
cx_url_climb(const unsigned char *dst, size_t n)
{
    if (n < 4) {
        return CX_URL_ABOVE_ROOT;
    }

    n -= 4;

    while (dst[n] != '/') {
        if (n == 0) {
            return CX_URL_ABOVE_ROOT;
        }

        n--;
    }

    return n + 1;
}
