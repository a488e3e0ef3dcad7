
/*
 * Fuzz target of the fetch headers: any bytes are read inside their bounds,
 * and a value read as speculative holds the word "prefetch" in some case.
 */


#include <stdlib.h>
#include <string.h>

#include "cx_fetch.h"


static int
has_prefetch(const unsigned char *p, size_t size)
{
    size_t  i, j;

    for (i = 0; i + 8 <= size; i++) {
        for (j = 0; j < 8 && (p[i + j] | 0x20) == "prefetch"[j]; j++) {
            /* void */
        }

        if (j == 8) {
            return 1;
        }
    }

    return 0;
}


int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    cx_str_t        value;
    cx_fetch_e      fetch;
    unsigned char  *copy;

    /* a copy of its exact size, so ASan sees a read past the end */

    copy = malloc(size ? size : 1);
    memcpy(copy, data, size);

    value.data = copy;
    value.len = size;

    fetch = cx_fetch_speculation(value);

    if (fetch == CX_FETCH_OTHER
        || (fetch != CX_FETCH_NAVIGATION && !has_prefetch(copy, size)))
    {
        abort();
    }

    /*
     * As a Sec-Fetch-Dest: without a speculation nothing becomes one, and
     * one stays only through "document" or "empty" (five bytes at least).
     */

    if (cx_fetch_classify(value, CX_FETCH_NAVIGATION) == CX_FETCH_PREFETCH
        || cx_fetch_classify(value, CX_FETCH_NAVIGATION)
           == CX_FETCH_PRERENDER
        || (cx_fetch_classify(value, CX_FETCH_PRERENDER) == CX_FETCH_PRERENDER
            && !cx_fetch_dest_document(value) && size < 5))
    {
        abort();
    }

    free(copy);

    return 0;
}
