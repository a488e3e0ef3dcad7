
/*
 * The host of a Referer: see cx_referrer.h.
 */


#include <string.h>

#include "cx_referrer.h"


/* RFC 1035's limit: anything longer is no host name */
#define CX_REFERRER_HOST_MAX  253

#define cx_referrer_alpha(c)  (((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'z')
#define cx_referrer_digit(c)  ((c) >= '0' && (c) <= '9')
#define cx_referrer_alnum(c)  (cx_referrer_alpha(c) || cx_referrer_digit(c))
#define cx_referrer_hex(c)                                                    \
    (cx_referrer_digit(c) || (((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'f'))


typedef struct {
    unsigned char  *pos;
    size_t          left;
} cx_referrer_buf_t;


static const unsigned char *cx_referrer_authority(const unsigned char *p,
    const unsigned char *end, unsigned *need_dot, unsigned *android);
static int cx_referrer_copy_host(const unsigned char *p,
    const unsigned char *end, unsigned need_dot, cx_referrer_buf_t *buf,
    cx_str_t *host);
static int cx_referrer_copy_package(const unsigned char *p,
    const unsigned char *end, cx_referrer_buf_t *buf, cx_str_t *pkg);
static int cx_referrer_host_char(unsigned char c);
static cx_str_t cx_referrer_strip_www(cx_str_t host);
static int cx_referrer_equal_nocase(cx_str_t a, cx_str_t b);
static unsigned char cx_referrer_lower(unsigned char c);


static const cx_str_t  cx_referrer_android = cx_string("android-app");


int
cx_referrer_parse(cx_str_t referrer, unsigned char *buf, size_t size,
    cx_referrer_t *ref)
{
    unsigned              need_dot, android;
    cx_referrer_buf_t     out;
    const unsigned char  *p, *end, *authority_end;

    if (referrer.len == 0) {
        return 0;
    }

    p = referrer.data;
    end = p + referrer.len;

    while (p < end && (*p == ' ' || *p == '\t')) {
        p++;
    }

    while (end > p && (end[-1] == ' ' || end[-1] == '\t')) {
        end--;
    }

    p = cx_referrer_authority(p, end, &need_dot, &android);

    if (p == NULL) {
        return 0;
    }

    authority_end = p;

    while (authority_end < end && *authority_end != '/'
           && *authority_end != '?' && *authority_end != '#'
           && *authority_end != '\\')
    {
        authority_end++;
    }

    out.pos = buf;
    out.left = (buf != NULL) ? size : 0;

    if (android) {

        if (!cx_referrer_copy_package(p, authority_end, &out, &ref->host)) {
            return 0;
        }

        ref->name = ref->host;
        ref->android = 1;

        return 1;
    }

    if (!cx_referrer_copy_host(p, authority_end, need_dot, &out, &ref->host))
    {
        return 0;
    }

    ref->name = cx_referrer_strip_www(ref->host);
    ref->android = 0;

    return 1;
}


/*
 * Where the authority starts, after "scheme://" or "//", or at the start
 * of a Referer without a scheme ("www.example.com/a", "example.com:8080"),
 * which then needs a dot to be taken for a host; NULL for opaque URIs
 */
static const unsigned char *
cx_referrer_authority(const unsigned char *p, const unsigned char *end,
    unsigned *need_dot, unsigned *android)
{
    cx_str_t              scheme;
    const unsigned char  *q;

    *need_dot = 0;
    *android = 0;

    q = p;

    if (q < end && cx_referrer_alpha(*q)) {
        while (q < end && (cx_referrer_alnum(*q)
                           || *q == '+' || *q == '-' || *q == '.'))
        {
            q++;
        }
    }

    if (q > p && q < end && *q == ':') {

        if (end - q >= 3 && q[1] == '/' && q[2] == '/') {
            scheme.data = p;
            scheme.len = q - p;
            *android = cx_referrer_equal_nocase(scheme, cx_referrer_android);
            return q + 3;
        }

        if (end - q >= 2 && cx_referrer_digit(q[1])) {
            *need_dot = 1;
            return p;
        }

        return NULL;
    }

    if (end - p >= 2 && p[0] == '/' && p[1] == '/') {
        return p + 2;
    }

    *need_dot = 1;

    return p;
}


/*
 * Copies the host of an authority ("user@host:port") lowercased, without
 * its port and a trailing dot; 0 when it is none
 */
static int
cx_referrer_copy_host(const unsigned char *p, const unsigned char *end,
    unsigned need_dot, cx_referrer_buf_t *buf, cx_str_t *host)
{
    size_t                i, len;
    unsigned              dot;
    const unsigned char  *q, *host_end;

    for (q = end; q > p; q--) {
        if (q[-1] == '@') {
            p = q;
            break;
        }
    }

    if (p == end) {
        return 0;
    }

    if (*p == '[') {
        host_end = memchr(p, ']', end - p);

        if (host_end == NULL || host_end == p + 1) {
            return 0;
        }

        for (q = p + 1; q < host_end; q++) {
            if (!cx_referrer_hex(*q) && *q != ':' && *q != '.') {
                return 0;
            }
        }

        host_end++;

    } else {
        host_end = p;

        while (host_end < end && *host_end != ':') {
            host_end++;
        }
    }

    if (host_end < end) {

        if (*host_end != ':') {
            return 0;
        }

        for (q = host_end + 1; q < end; q++) {
            if (!cx_referrer_digit(*q)) {
                return 0;
            }
        }
    }

    len = host_end - p;

    if (*p != '[') {

        if (len != 0 && p[len - 1] == '.') {
            len--;
        }

        if (len == 0 || p[0] == '-' || p[0] == '_' || p[0] == '.') {
            return 0;
        }

        dot = 0;

        for (i = 0; i < len; i++) {

            if (p[i] == '.') {

                if (p[i - 1] == '.' || i == len - 1) {
                    return 0;
                }

                dot = 1;

            } else if (!cx_referrer_host_char(p[i])) {
                return 0;
            }
        }

        if (need_dot && !dot) {
            return 0;
        }
    }

    if (len > CX_REFERRER_HOST_MAX || len > buf->left) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        buf->pos[i] = cx_referrer_lower(p[i]);
    }

    host->data = buf->pos;
    host->len = len;

    buf->pos += len;
    buf->left -= len;

    return 1;
}


static int
cx_referrer_copy_package(const unsigned char *p, const unsigned char *end,
    cx_referrer_buf_t *buf, cx_str_t *pkg)
{
    size_t  i, len;

    len = end - p;

    if (len == 0 || len > CX_REFERRER_HOST_MAX || len > buf->left
        || !cx_referrer_alpha(p[0]))
    {
        return 0;
    }

    for (i = 0; i < len; i++) {

        if (!cx_referrer_alnum(p[i]) && p[i] != '.' && p[i] != '_') {
            return 0;
        }

        buf->pos[i] = cx_referrer_lower(p[i]);
    }

    pkg->data = buf->pos;
    pkg->len = len;

    buf->pos += len;
    buf->left -= len;

    return 1;
}


/* letters, digits, '-', '_', and the raw UTF-8 of an undecoded IDN */
static int
cx_referrer_host_char(unsigned char c)
{
    return cx_referrer_alnum(c) || c == '-' || c == '_' || c >= 0x80;
}


size_t
cx_referrer_match(const cx_referrer_t *ref, cx_str_t pattern)
{
    cx_str_t  tail;

    if (pattern.len != 0 && pattern.data[pattern.len - 1] == '.') {
        pattern.len--;
    }

    if (pattern.len == 0) {
        return 0;
    }

    if (pattern.data[0] != '.') {
        pattern = cx_referrer_strip_www(pattern);

        return cx_referrer_equal_nocase(ref->name, pattern)
               ? pattern.len + 1 : 0;
    }

    pattern.data++;
    pattern.len--;

    if (pattern.len == 0 || pattern.len > ref->host.len) {
        return 0;
    }

    tail.data = ref->host.data + ref->host.len - pattern.len;
    tail.len = pattern.len;

    if (!cx_referrer_equal_nocase(tail, pattern)
        || (tail.data != ref->host.data && tail.data[-1] != '.'))
    {
        return 0;
    }

    return pattern.len;
}


int
cx_referrer_same_host(const cx_referrer_t *ref, cx_str_t host_header)
{
    const unsigned char  *end;

    if (ref->android || host_header.len == 0) {
        return 0;
    }

    if (host_header.data[0] == '[') {
        end = memchr(host_header.data, ']', host_header.len);

        if (end != NULL) {
            host_header.len = end + 1 - host_header.data;
        }

    } else {
        end = memchr(host_header.data, ':', host_header.len);

        if (end != NULL) {
            host_header.len = end - host_header.data;
        }

        if (host_header.len != 0
            && host_header.data[host_header.len - 1] == '.')
        {
            host_header.len--;
        }
    }

    host_header = cx_referrer_strip_www(host_header);

    return host_header.len != 0
           && cx_referrer_equal_nocase(host_header, ref->name);
}


/* a leading "www." goes unless only a top level domain would remain */
static cx_str_t
cx_referrer_strip_www(cx_str_t host)
{
    if (host.len > 4
        && cx_referrer_lower(host.data[0]) == 'w'
        && cx_referrer_lower(host.data[1]) == 'w'
        && cx_referrer_lower(host.data[2]) == 'w'
        && host.data[3] == '.'
        && memchr(host.data + 4, '.', host.len - 4) != NULL)
    {
        host.data += 4;
        host.len -= 4;
    }

    return host;
}


static int
cx_referrer_equal_nocase(cx_str_t a, cx_str_t b)
{
    size_t  i;

    if (a.len != b.len) {
        return 0;
    }

    for (i = 0; i < a.len; i++) {
        if (cx_referrer_lower(a.data[i]) != cx_referrer_lower(b.data[i])) {
            return 0;
        }
    }

    return 1;
}


static unsigned char
cx_referrer_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (c | 0x20) : c;
}
