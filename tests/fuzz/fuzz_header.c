
/*
 * Fuzz target of the header checks: the prefix match and the token check
 * read only inside their input, and agree with a plain restatement of
 * their rules.
 */


#include <stdlib.h>
#include <string.h>

#include "cx_header.h"


static unsigned char
fold(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') {
        return (unsigned char) (c - 'A' + 'a');
    }

    return c == '_' ? '-' : c;
}


int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    size_t          i, split;
    cx_str_t        name, prefix;
    unsigned char  *copy;
    int             expected;

    /* the first byte cuts the rest into a prefix and a name */

    if (size == 0) {
        return 0;
    }

    split = data[0] % size;

    copy = malloc(size);
    memcpy(copy, data + 1, size - 1);

    prefix.data = copy;
    prefix.len = split;
    name.data = copy + split;
    name.len = size - 1 - split;

    expected = name.len >= prefix.len;

    for (i = 0; expected && i < prefix.len; i++) {
        expected = fold(name.data[i]) == fold(prefix.data[i]);
    }

    if (cx_header_has_prefix(name, prefix) != expected) {
        abort();
    }

    expected = name.len > 0;

    for (i = 0; expected && i < name.len; i++) {
        expected = name.data[i] > ' ' && name.data[i] < 0x7f
                   && strchr("\"(),/:;<=>?@[\\]{}", name.data[i]) == NULL;
    }

    if (cx_header_token_valid(name) != expected) {
        abort();
    }

    free(copy);

    return 0;
}
