
/*
 * Literal prefixes of "^..." regexes: see cx_prefix.h.
 */


#include <string.h>

#include "cx_prefix.h"


static int cx_prefix_meta(unsigned char c);
static unsigned char cx_prefix_lower(unsigned char c);


size_t
cx_prefix_literal(unsigned char *out, cx_str_t pattern)
{
    size_t         i, n;
    unsigned char  c;

    if (pattern.len == 0 || pattern.data[0] != '^') {
        return CX_PREFIX_NONE;
    }

    n = 0;

    for (i = 1; i < pattern.len; i++) {
        c = pattern.data[i];

        if (c < 0x20 || c > 0x7e) {
            return CX_PREFIX_NONE;
        }

        if (c == '\\') {
            if (++i == pattern.len) {
                return CX_PREFIX_NONE;
            }

            c = pattern.data[i];

            /* "\d", "\x41", "\1" and the like are not the character */

            if (c < 0x21 || c > 0x7e
                || (c >= '0' && c <= '9')
                || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            {
                return CX_PREFIX_NONE;
            }

        } else if (cx_prefix_meta(c)) {
            return CX_PREFIX_NONE;
        }

        out[n++] = c;
    }

    return n;
}


int
cx_prefix_match(cx_str_t prefix, int caseless, cx_str_t s)
{
    size_t  i;

    if (s.len < prefix.len) {
        return 0;
    }

    if (!caseless) {
        return prefix.len == 0
               || memcmp(prefix.data, s.data, prefix.len) == 0;
    }

    for (i = 0; i < prefix.len; i++) {
        if (cx_prefix_lower(prefix.data[i]) != cx_prefix_lower(s.data[i])) {
            return 0;
        }
    }

    return 1;
}


/*
 * What is special outside a class; "]" and "}" alone are literal to PCRE2,
 * but a rule using them is rare enough to leave to it
 */
static int
cx_prefix_meta(unsigned char c)
{
    switch (c) {
    case '^': case '$': case '.': case '[': case ']': case '|': case '(':
    case ')': case '?': case '*': case '+': case '{': case '}':
        return 1;
    default:
        return 0;
    }
}


static unsigned char
cx_prefix_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char) (c | 0x20) : c;
}
