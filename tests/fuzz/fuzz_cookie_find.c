
/*
 * Fuzz target of cx_cookie_find() and cx_cookie_find_next(): the first
 * byte gives the name's length (1 to 8), the next bytes the name, made a
 * token (no space, tab, ';' or '=', as cx_cookie's directive allows), the
 * rest is the header.  Each value found must lie inside the header, and
 * agree with a slow, obvious reading of RFC 6265: split at ';', trim spaces
 * and tabs, split at the first '=', strip a matched pair of quotes; the
 * next one is the reading's next match.
 */


#include <stdlib.h>
#include <string.h>

#include "cx_cookie.h"


#define is_space(c)  ((c) == ' ' || (c) == '\t')


static int
reference_find(const unsigned char *h, size_t len, size_t from,
    const unsigned char *name, size_t name_len, size_t *at, size_t *value_len)
{
    size_t  start, stop, eq, a, b;

    for (start = from; start <= len; start = stop + 1) {
        for (stop = start; stop < len && h[stop] != ';'; stop++) {
            /* void */
        }

        for (eq = start; eq < stop && h[eq] != '='; eq++) {
            /* void */
        }

        if (eq == stop) {
            continue;
        }

        /* the name: the pair up to '=', trimmed */
        for (a = start; a < eq && is_space(h[a]); a++) {
            /* void */
        }

        for (b = eq; b > a && is_space(h[b - 1]); b--) {
            /* void */
        }

        if (b - a != name_len || memcmp(h + a, name, name_len) != 0) {
            continue;
        }

        /* the value: after '=' up to ';', trimmed */
        for (a = eq + 1; a < stop && is_space(h[a]); a++) {
            /* void */
        }

        for (b = stop; b > a && is_space(h[b - 1]); b--) {
            /* void */
        }

        if (b - a >= 2 && h[a] == '"' && h[b - 1] == '"') {
            a++;
            b--;
        }

        *at = a;
        *value_len = b - a;

        return 1;
    }

    return 0;
}


int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    int            found, expected;
    size_t         i, at, len, from;
    cx_str_t       header, name, value;
    unsigned char  token[8];

    if (size < 2) {
        return 0;
    }

    name.len = 1 + data[0] % 8;

    if (size < 1 + name.len) {
        return 0;
    }

    for (i = 0; i < name.len; i++) {
        token[i] = data[1 + i];

        if (is_space(token[i]) || token[i] == ';' || token[i] == '=') {
            token[i] = 'x';
        }
    }

    name.data = token;
    header.data = data + 1 + name.len;
    header.len = size - 1 - name.len;

    value.data = NULL;
    value.len = 0;

    found = cx_cookie_find(header, name, &value);
    from = 0;

    for ( ;; ) {
        expected = reference_find(header.data, header.len, from, token,
                                  name.len, &at, &len);

        if (found != expected) {
            abort();
        }

        if (!found) {
            return 0;
        }

        if (value.data < header.data
            || value.data + value.len > header.data + header.len
            || value.data != header.data + at
            || value.len != len)
        {
            abort();
        }

        /* the reading goes on after the pair's ';' */

        for (from = at + len; from < header.len && header.data[from] != ';';
             from++)
        {
            /* void */
        }

        from++;

        found = cx_cookie_find_next(header, name, &value);
    }
}
