
/*
 * Fuzz target of the query string pairs: iteration stays inside the input,
 * pairs come in order without overlapping, and cx_query_get() finds what
 * iteration finds first.
 */


#include <stdlib.h>
#include <string.h>

#include "cx_query.h"


/* pairs whose lookup is checked against a walk from the start */
#define CHECKED_PAIRS  64


static void
check_get(cx_str_t query, cx_str_t name, cx_str_t found)
{
    char      key[256];
    cx_str_t  value, rest, n, v;

    if (name.len >= sizeof(key) || memchr(name.data, '\0', name.len)) {
        return;
    }

    memcpy(key, name.data, name.len);
    key[name.len] = '\0';

    rest = query;

    while (cx_query_next(&rest, &n, &v)) {
        if (n.len == name.len && memcmp(n.data, name.data, n.len) == 0) {
            break;
        }
    }

    /* the pair being checked, or an earlier one of the same name */
    if (v.data > found.data) {
        abort();
    }

    if (!cx_query_get(query, key, &value)
        || value.data != v.data || value.len != v.len)
    {
        abort();
    }
}


int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    size_t                pairs;
    cx_str_t              query, rest, name, value;
    const unsigned char  *end, *last;

    query.data = data;
    query.len = size;
    end = data + size;

    rest = query;
    last = data;
    pairs = 0;

    while (cx_query_next(&rest, &name, &value)) {

        if (name.data < last || name.data + name.len > end
            || value.data == NULL || value.data < name.data + name.len
            || value.data + value.len > end
            || rest.data < value.data + value.len
            || rest.data + rest.len != end)
        {
            abort();
        }

        if (memchr(name.data, '&', name.len) != NULL
            || memchr(name.data, '=', name.len) != NULL
            || memchr(value.data, '&', value.len) != NULL)
        {
            abort();
        }

        /* "name=value" or a bare "name" */
        if (value.data == name.data + name.len
            ? value.len != 0
            : (value.data != name.data + name.len + 1
               || name.data[name.len] != '='))
        {
            abort();
        }

        /* pairs only skip '&' separators between them */
        while (last < name.data) {
            if (*last++ != '&') {
                abort();
            }
        }

        if (pairs < CHECKED_PAIRS) {
            check_get(query, name, value);
        }

        last = value.data + value.len;
        pairs++;

        if (pairs > size) {
            abort();
        }
    }

    /* nothing but separators after the last pair */
    while (last < end) {
        if (*last++ != '&') {
            abort();
        }
    }

    if (cx_query_get(query, "a&b", &value) != 0 || value.data != NULL) {
        abort();
    }

    return 0;
}
