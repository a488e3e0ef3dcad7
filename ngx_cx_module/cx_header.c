
/*
 * Header names and values: see cx_header.h.
 */


#include "cx_header.h"


static unsigned char cx_header_fold(unsigned char c);


int
cx_header_token_valid(cx_str_t s)
{
    size_t         i;
    unsigned char  c;

    if (s.len == 0) {
        return 0;
    }

    for (i = 0; i < s.len; i++) {
        c = s.data[i];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9'))
        {
            continue;
        }

        switch (c) {
        case '!': case '#': case '$': case '%': case '&': case '\'':
        case '*': case '+': case '-': case '.': case '^': case '_':
        case '`': case '|': case '~':
            continue;
        }

        return 0;
    }

    return 1;
}


int
cx_header_value_valid(cx_str_t s)
{
    size_t         i;
    unsigned char  c;

    if (s.len == 0
        || s.data[0] == ' ' || s.data[0] == '\t'
        || s.data[s.len - 1] == ' ' || s.data[s.len - 1] == '\t')
    {
        return 0;
    }

    for (i = 0; i < s.len; i++) {
        c = s.data[i];

        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return 0;
        }
    }

    return 1;
}


int
cx_header_has_prefix(cx_str_t name, cx_str_t prefix)
{
    size_t  i;

    if (name.len < prefix.len) {
        return 0;
    }

    for (i = 0; i < prefix.len; i++) {
        if (cx_header_fold(name.data[i]) != cx_header_fold(prefix.data[i])) {
            return 0;
        }
    }

    return 1;
}


/* the one spelling of a name's letter that readers of headers tell apart */
static unsigned char
cx_header_fold(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') {
        return (unsigned char) (c + ('a' - 'A'));
    }

    return c == '_' ? '-' : c;
}
