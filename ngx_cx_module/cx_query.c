
/*
 * Query string pairs: see cx_query.h.
 */


#include <string.h>

#include "cx_query.h"


int
cx_query_next(cx_str_t *rest, cx_str_t *name, cx_str_t *value)
{
    const unsigned char  *p, *end, *amp, *eq;

    if (rest->data == NULL) {
        return 0;
    }

    p = rest->data;
    end = p + rest->len;

    while (p < end && *p == '&') {
        p++;
    }

    if (p == end) {
        rest->data = end;
        rest->len = 0;
        return 0;
    }

    amp = memchr(p, '&', end - p);

    if (amp == NULL) {
        amp = end;
    }

    eq = memchr(p, '=', amp - p);

    name->data = p;

    if (eq == NULL) {
        name->len = amp - p;
        value->data = amp;
        value->len = 0;

    } else {
        name->len = eq - p;
        value->data = eq + 1;
        value->len = amp - (eq + 1);
    }

    rest->data = (amp < end) ? amp + 1 : end;
    rest->len = end - rest->data;

    return 1;
}


int
cx_query_get(cx_str_t query, const char *name, cx_str_t *value)
{
    size_t    len;
    cx_str_t  rest, n, v;

    len = strlen(name);
    rest = query;

    while (cx_query_next(&rest, &n, &v)) {

        if (n.len == len && memcmp(n.data, name, len) == 0) {
            *value = v;
            return 1;
        }
    }

    value->data = NULL;
    value->len = 0;

    return 0;
}
