
/*
 * Fuzz target of the request target helpers: splitting stays inside the
 * input, and decoding never writes more than it read.
 */


#include <stdlib.h>
#include <string.h>

#include "cx_url.h"


int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    size_t          n;
    cx_str_t        target, path, query;
    unsigned char  *out;

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

    free(out);

    return 0;
}
