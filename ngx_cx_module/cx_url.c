
/*
 * Request target helpers: see cx_url.h.
 */


#include <string.h>

#include "cx_url.h"


static int cx_url_hex(unsigned char c);


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
