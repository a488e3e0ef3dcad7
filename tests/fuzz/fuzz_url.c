
/*
 * Fuzz target of the request target helpers: splitting stays inside the
 * input, decoding never writes more than it read, and a normalised path is
 * no longer than the path and normalising it again changes nothing; a path
 * cx_url_is_normal() passes normalises to itself, byte for byte.
 */


#include <stdlib.h>
#include <string.h>

#include "cx_url.h"


int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    size_t          n, again;
    cx_str_t        target, path, query, normal;
    unsigned char  *out, *twice;

    target.data = data;
    target.len = size;

    cx_url_split(target, &path, &query);

    if (path.data != data || path.len > size) {
        abort();
    }

    if (query.data != NULL
        && (query.data != data + path.len + 1
            || path.len + 1 + query.len != size))
    {
        abort();
    }

    out = malloc(size + 1);

    n = cx_url_decode(out, target, size % 2);

    if (n > size || (memchr(data, '%', size) == NULL && n != size)) {
        abort();
    }

    /* the first byte picks merge_slashes: both settings are nginx's */

    n = cx_url_normalize(out, path, size && (data[0] & 1));

    if (cx_url_is_normal(path, size && (data[0] & 1))
        && (n != path.len || memcmp(out, path.data, n) != 0))
    {
        abort();
    }

    if (n != CX_URL_ABOVE_ROOT) {

        if (n > path.len) {
            abort();
        }

        normal.data = out;
        normal.len = n;

        twice = malloc(n + 1);
        again = cx_url_normalize(twice, normal, size && (data[0] & 1));

        if (path.len && path.data[0] == '/'
            && (again != n || memcmp(twice, out, n) != 0))
        {
            abort();
        }

        free(twice);
    }

    free(out);

    return 0;
}
