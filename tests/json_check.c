
/*
 * Strict JSON checker: see json_check.h.  Written independently of cx_json.c
 * so that the writer is not checked against itself.
 */


#include <string.h>

#include "json_check.h"


#define JSON_CHECK_MAX_DEPTH  64


typedef struct {
    const unsigned char  *p;
    const unsigned char  *end;
    const char           *error;
    int                   depth;
} json_parser_t;


static void json_value(json_parser_t *jp);


static void
json_fail(json_parser_t *jp, const char *error)
{
    if (jp->error == NULL) {
        jp->error = error;
    }
}


static void
json_space(json_parser_t *jp)
{
    while (jp->p < jp->end
           && (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\r'
               || *jp->p == '\n'))
    {
        jp->p++;
    }
}


static int
json_expect(json_parser_t *jp, unsigned char c)
{
    if (jp->p < jp->end && *jp->p == c) {
        jp->p++;
        return 1;
    }

    json_fail(jp, "unexpected byte");
    return 0;
}


/* one UTF-8 character of a string, by the table of RFC 3629 */
static void
json_utf8(json_parser_t *jp)
{
    size_t                n, i;
    unsigned char         c, lo, hi;
    const unsigned char  *p;

    p = jp->p;
    c = p[0];
    lo = 0x80;
    hi = 0xbf;

    if (c >= 0xc2 && c <= 0xdf) {
        n = 1;

    } else if (c >= 0xe0 && c <= 0xef) {
        n = 2;
        if (c == 0xe0) {
            lo = 0xa0;
        }
        if (c == 0xed) {
            hi = 0x9f;
        }

    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 3;
        if (c == 0xf0) {
            lo = 0x90;
        }
        if (c == 0xf4) {
            hi = 0x8f;
        }

    } else {
        json_fail(jp, "invalid UTF-8 lead byte");
        return;
    }

    if ((size_t) (jp->end - p) <= n) {
        json_fail(jp, "truncated UTF-8");
        return;
    }

    for (i = 1; i <= n; i++) {
        if (p[i] < lo || p[i] > hi) {
            json_fail(jp, "invalid UTF-8 continuation");
            return;
        }
        lo = 0x80;
        hi = 0xbf;
    }

    jp->p += n + 1;
}


static void
json_string(json_parser_t *jp)
{
    int            i;
    unsigned char  c;

    if (!json_expect(jp, '"')) {
        return;
    }

    while (jp->error == NULL) {

        if (jp->p >= jp->end) {
            json_fail(jp, "unterminated string");
            return;
        }

        c = *jp->p;

        if (c == '"') {
            jp->p++;
            return;
        }

        if (c < 0x20) {
            json_fail(jp, "raw control character in a string");
            return;
        }

        if (c == '\\') {
            jp->p++;

            if (jp->p >= jp->end) {
                json_fail(jp, "unterminated escape");
                return;
            }

            c = *jp->p++;

            if (c == 'u') {
                for (i = 0; i < 4; i++) {
                    if (jp->p >= jp->end
                        || strchr("0123456789abcdefABCDEF", *jp->p) == NULL
                        || *jp->p == '\0')
                    {
                        json_fail(jp, "bad \\u escape");
                        return;
                    }
                    jp->p++;
                }

            } else if (strchr("\"\\/bfnrt", c) == NULL || c == '\0') {
                json_fail(jp, "bad escape");
                return;
            }

            continue;
        }

        if (c < 0x80) {
            jp->p++;

        } else {
            json_utf8(jp);
        }
    }
}


static void
json_digits(json_parser_t *jp)
{
    if (jp->p >= jp->end || *jp->p < '0' || *jp->p > '9') {
        json_fail(jp, "digit expected");
        return;
    }

    while (jp->p < jp->end && *jp->p >= '0' && *jp->p <= '9') {
        jp->p++;
    }
}


static void
json_number(json_parser_t *jp)
{
    if (jp->p < jp->end && *jp->p == '-') {
        jp->p++;
    }

    if (jp->p < jp->end && *jp->p == '0') {
        jp->p++;

    } else {
        json_digits(jp);
    }

    if (jp->p < jp->end && *jp->p == '.') {
        jp->p++;
        json_digits(jp);
    }

    if (jp->p < jp->end && (*jp->p == 'e' || *jp->p == 'E')) {
        jp->p++;

        if (jp->p < jp->end && (*jp->p == '+' || *jp->p == '-')) {
            jp->p++;
        }

        json_digits(jp);
    }
}


static void
json_literal(json_parser_t *jp, const char *word)
{
    size_t  len;

    len = strlen(word);

    if ((size_t) (jp->end - jp->p) < len || memcmp(jp->p, word, len) != 0) {
        json_fail(jp, "bad literal");
        return;
    }

    jp->p += len;
}


static void
json_container(json_parser_t *jp, unsigned char close, int object)
{
    jp->p++;

    if (++jp->depth > JSON_CHECK_MAX_DEPTH) {
        json_fail(jp, "too deep");
        return;
    }

    json_space(jp);

    if (jp->p < jp->end && *jp->p == close) {
        jp->p++;
        jp->depth--;
        return;
    }

    while (jp->error == NULL) {

        if (object) {
            json_space(jp);
            json_string(jp);
            json_space(jp);
            json_expect(jp, ':');
        }

        json_value(jp);

        if (jp->error) {
            return;
        }

        json_space(jp);

        if (jp->p < jp->end && *jp->p == ',') {
            jp->p++;
            continue;
        }

        json_expect(jp, close);
        jp->depth--;
        return;
    }
}


static void
json_value(json_parser_t *jp)
{
    json_space(jp);

    if (jp->p >= jp->end) {
        json_fail(jp, "value expected");
        return;
    }

    switch (*jp->p) {
    case '{':
        json_container(jp, '}', 1);
        break;
    case '[':
        json_container(jp, ']', 0);
        break;
    case '"':
        json_string(jp);
        break;
    case 't':
        json_literal(jp, "true");
        break;
    case 'f':
        json_literal(jp, "false");
        break;
    case 'n':
        json_literal(jp, "null");
        break;
    default:
        json_number(jp);
    }
}


const char *
json_check_line(const unsigned char *buf, size_t len)
{
    json_parser_t  jp;

    if (len == 0 || buf[len - 1] != '\n') {
        return "not a line ending in \\n";
    }

    if (memchr(buf, '\n', len - 1) != NULL) {
        return "a newline inside the line";
    }

    jp.p = buf;
    jp.end = buf + len - 1;
    jp.error = NULL;
    jp.depth = 0;

    if (*jp.p != '{') {
        return "not an object";
    }

    json_value(&jp);

    if (jp.error) {
        return jp.error;
    }

    if (jp.p != jp.end) {
        return "bytes after the object";
    }

    return NULL;
}
