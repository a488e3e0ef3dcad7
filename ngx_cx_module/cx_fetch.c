
/*
 * Sec-Fetch-Dest and Sec-Purpose are structured fields (RFC 8941): a token,
 * or a list of tokens with ";name" parameters.  Only what tells a page view
 * from the rest is read; anything else, well-formed or not, is ignored.
 */


#include "cx_fetch.h"


static int cx_fetch_is_space(unsigned char c);
static int cx_fetch_word_is(const unsigned char *p, const unsigned char *end,
    const char *word, size_t len);


cx_fetch_e
cx_fetch_speculation(cx_str_t purpose)
{
    int                   prefetch, prerender, first;
    const unsigned char  *p, *end, *word;

    p = purpose.data;
    end = p + purpose.len;

    while (p < end) {

        /* one list item: a token, then its ";" parameters, up to ',' */

        prefetch = 0;
        prerender = 0;
        first = 1;

        while (p < end && *p != ',') {

            while (p < end && cx_fetch_is_space(*p)) {
                p++;
            }

            word = p;

            while (p < end && *p != ';' && *p != ',' && *p != '='
                   && !cx_fetch_is_space(*p))
            {
                p++;
            }

            if (first) {
                prefetch = cx_fetch_word_is(word, p, "prefetch", 8);
                first = 0;

            } else if (cx_fetch_word_is(word, p, "prerender", 9)) {
                prerender = 1;
            }

            /* a parameter's value, if any, says nothing we read */

            while (p < end && *p != ';' && *p != ',') {
                p++;
            }

            if (p < end && *p == ';') {
                p++;
            }
        }

        if (prefetch) {
            return prerender ? CX_FETCH_PRERENDER : CX_FETCH_PREFETCH;
        }

        if (p < end) {
            p++;
        }
    }

    return CX_FETCH_NAVIGATION;
}


int
cx_fetch_dest_document(cx_str_t dest)
{
    const unsigned char  *p, *end;

    p = dest.data;
    end = p + dest.len;

    while (p < end && cx_fetch_is_space(*p)) {
        p++;
    }

    while (end > p && cx_fetch_is_space(end[-1])) {
        end--;
    }

    return cx_fetch_word_is(p, end, "document", 8);
}


/*
 * A prefetch from <link rel=prefetch> must say "empty" whatever it fetches
 * (the prefetch spec ignores its "as"), so "empty" with a speculation is
 * a prefetch whose type alone says if it is a page; "empty" without one is
 * a fetch() call.
 */
cx_fetch_e
cx_fetch_classify(cx_str_t dest, cx_fetch_e speculation)
{
    const unsigned char  *p, *end;

    if (dest.data == NULL || cx_fetch_dest_document(dest)) {
        return speculation;
    }

    if (speculation == CX_FETCH_NAVIGATION) {
        return CX_FETCH_OTHER;
    }

    p = dest.data;
    end = p + dest.len;

    while (p < end && cx_fetch_is_space(*p)) {
        p++;
    }

    while (end > p && cx_fetch_is_space(end[-1])) {
        end--;
    }

    return cx_fetch_word_is(p, end, "empty", 5) ? speculation
                                                : CX_FETCH_OTHER;
}


const char *
cx_fetch_name(cx_fetch_e fetch)
{
    switch (fetch) {
    case CX_FETCH_NAVIGATION:
        return "navigation";
    case CX_FETCH_PREFETCH:
        return "prefetch";
    case CX_FETCH_PRERENDER:
        return "prerender";
    default:
        return "other";
    }
}


static int
cx_fetch_is_space(unsigned char c)
{
    return c == ' ' || c == '\t';
}


/* tokens are case-sensitive, but nothing is lost by forgiving a proxy's */
static int
cx_fetch_word_is(const unsigned char *p, const unsigned char *end,
    const char *word, size_t len)
{
    size_t  i;

    if ((size_t) (end - p) != len) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if ((p[i] | 0x20) != (unsigned char) word[i]) {
            return 0;
        }
    }

    return 1;
}
