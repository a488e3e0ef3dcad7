
/*
 * cx-cookie's arguments: secrets, numbers, times relative to now, hex ids,
 * ratings and forces, each checked, with a one-line message naming the bad
 * one and exit status 2.
 */


#define _DEFAULT_SOURCE

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/types.h>
#include <sys/random.h>

#include "cx_cookie_args.h"
#include "cx_hash.h"


static int tool_hex_digit(char c);


static const char  *tool_ratings[] = {
    "none", "positive", "neutral", "negative"
};

static const char  tool_hex_digits[] = "0123456789abcdef";


void
tool_fail(const char *fmt, ...)
{
    va_list  ap;

    fputs("cx-cookie: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);

    exit(2);
}


const char *
tool_value(tool_args_t *args, const char *name)
{
    if (args->next >= args->argc) {
        tool_fail("option %s needs a value", name);
    }

    return args->argv[args->next++];
}


/* --secret and --now, which both commands take; 0 when arg is neither */
int
tool_common_option(tool_args_t *args, const char *arg, tool_common_t *common)
{
    const char  *value;

    if (strcmp(arg, "--secret") == 0) {
        value = tool_value(args, arg);

        if (common->nkeys == TOOL_MAX_SECRETS) {
            tool_fail("too many --secret files (at most %d)",
                      TOOL_MAX_SECRETS);
        }

        tool_read_secret(value, &common->keys[common->nkeys++]);
        return 1;
    }

    if (strcmp(arg, "--now") == 0) {
        common->now_ms = tool_uint(arg, tool_value(args, arg), UINT64_MAX);
        common->now_given = 1;
        return 1;
    }

    return 0;
}


/* the whole file, as cx_secret reads it: a trailing newline is key too */
void
tool_read_secret(const char *path, cx_cookie_key_t *key)
{
    FILE           *f;
    size_t          len, size, n;
    unsigned char  *buf, *grown;

    f = fopen(path, "rb");

    if (f == NULL) {
        tool_fail("cannot open secret file \"%s\": %s", path,
                  strerror(errno));
    }

    len = 0;
    size = 4096;
    buf = malloc(size);

    if (buf == NULL) {
        tool_fail("out of memory reading \"%s\"", path);
    }

    for ( ;; ) {
        n = fread(buf + len, 1, size - len, f);
        len += n;

        if (len < size) {
            break;
        }

        size *= 2;
        grown = realloc(buf, size);

        if (grown == NULL) {
            tool_fail("out of memory reading \"%s\"", path);
        }

        buf = grown;
    }

    if (ferror(f)) {
        tool_fail("cannot read secret file \"%s\"", path);
    }

    fclose(f);

    if (len < TOOL_MIN_SECRET) {
        tool_fail("secret file \"%s\" has %zu bytes, fewer than %d", path,
                  len, TOOL_MIN_SECRET);
    }

    cx_cookie_key_derive(buf, len, key);

    memset(buf, 0, len);
    free(buf);
}


uint64_t
tool_uint(const char *name, const char *arg, uint64_t max)
{
    uint64_t     value;
    const char  *p;

    value = 0;

    for (p = arg; *p != '\0'; p++) {
        if (*p < '0' || *p > '9'
            || value > (max - (uint64_t) (*p - '0')) / 10)
        {
            tool_fail("invalid %s \"%s\" (0..%llu)", name, arg,
                      (unsigned long long) max);
        }

        value = value * 10 + (uint64_t) (*p - '0');
    }

    if (p == arg) {
        tool_fail("invalid %s \"\" (0..%llu)", name,
                  (unsigned long long) max);
    }

    return value;
}


/* TIME: unix seconds, "now", or a signed offset from now: -31m, +2h */
uint64_t
tool_time_ms(const char *name, const char *arg, uint64_t now_ms,
    uint64_t max_ms)
{
    char                   digits[24];
    size_t                 len;
    uint64_t               n, unit, ms;
    const char            *suffix;
    static const char      suffixes[] = "smhd";
    static const uint64_t  units[] = { 1000, 60000, 3600000, 86400000 };

    if (strcmp(arg, "now") == 0) {
        ms = now_ms;

    } else if (arg[0] == '-' || arg[0] == '+') {
        len = strlen(arg);
        suffix = len > 2 ? strchr(suffixes, arg[len - 1]) : NULL;

        if (suffix == NULL) {
            tool_fail("invalid %s \"%s\" (unix seconds, now, or like -31m)",
                      name, arg);
        }

        unit = units[suffix - suffixes];

        if (len - 2 >= sizeof(digits)) {
            tool_fail("invalid %s \"%s\": too far from now", name, arg);
        }

        memcpy(digits, arg + 1, len - 2);
        digits[len - 2] = '\0';
        n = tool_uint(name, digits, max_ms / unit);

        if (arg[0] == '-') {
            if (n * unit > now_ms) {
                tool_fail("invalid %s \"%s\": before 1970", name, arg);
            }

            ms = now_ms - n * unit;

        } else {
            if (n * unit > max_ms - (now_ms < max_ms ? now_ms : max_ms)) {
                tool_fail("invalid %s \"%s\": too late", name, arg);
            }

            ms = now_ms + n * unit;
        }

    } else {
        ms = tool_uint(name, arg, max_ms / 1000) * 1000;
    }

    if (ms > max_ms) {
        tool_fail("invalid %s \"%s\": too late", name, arg);
    }

    return ms;
}


void
tool_hex(const char *name, const char *arg, unsigned char *out, size_t len)
{
    size_t  i;
    int     hi, lo;

    if (strlen(arg) != 2 * len) {
        tool_fail("invalid %s \"%s\" (%zu hex digits)", name, arg, 2 * len);
    }

    for (i = 0; i < len; i++) {
        hi = tool_hex_digit(arg[2 * i]);
        lo = tool_hex_digit(arg[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            tool_fail("invalid %s \"%s\" (%zu hex digits)", name, arg,
                      2 * len);
        }

        out[i] = (unsigned char) (hi << 4 | lo);
    }
}


static int
tool_hex_digit(char c)
{
    const char  *at;

    at = c != '\0' ? strchr(tool_hex_digits, tolower((unsigned char) c))
                    : NULL;

    return at != NULL ? (int) (at - tool_hex_digits) : -1;
}


/* "positive,none,negative", newest first, into 2 bits each */
uint8_t
tool_experience(const char *arg)
{
    size_t       len, i;
    unsigned     n, rating;
    const char  *p, *comma;

    n = 0;
    rating = 0;

    for (p = arg; ; p = comma + 1) {
        comma = strchr(p, ',');
        len = comma != NULL ? (size_t) (comma - p) : strlen(p);

        for (i = 0; i < 4; i++) {
            if (strlen(tool_ratings[i]) == len
                && strncmp(tool_ratings[i], p, len) == 0)
            {
                break;
            }
        }

        if (i == 4 || n == 3) {
            tool_fail("invalid --experience \"%s\" (up to 3 of none,"
                      " positive, neutral, negative)", arg);
        }

        rating |= (unsigned) i << (2 * n++);

        if (comma == NULL) {
            return (uint8_t) rating;
        }
    }
}


void
tool_force(const char *arg, cx_cookie_state_t *st)
{
    const char  *colon;
    cx_str_t     experiment, variant;

    colon = strchr(arg, ':');

    if (colon == NULL || colon == arg || colon[1] == '\0') {
        tool_fail("invalid --force \"%s\" (EXPERIMENT:VARIANT)", arg);
    }

    if (st->nforced == CX_COOKIE_MAX_FORCED) {
        tool_fail("too many --force (at most %d)", CX_COOKIE_MAX_FORCED);
    }

    experiment.data = (const unsigned char *) arg;
    experiment.len = colon - arg;
    variant.data = (const unsigned char *) colon + 1;
    variant.len = strlen(colon + 1);

    st->forced[st->nforced].experiment = cx_fnv1a32(experiment);
    st->forced[st->nforced].variant = cx_fnv1a32(variant);
    st->nforced++;
}


uint32_t
tool_hash(const char *s)
{
    cx_str_t  str;

    str.data = (const unsigned char *) s;
    str.len = strlen(s);

    return cx_fnv1a32(str);
}


uint64_t
tool_clock_ms(void)
{
    struct timespec  ts;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
        fprintf(stderr, "cx-cookie: clock_gettime: %s\n", strerror(errno));
        exit(1);
    }

    return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}


void
tool_random(unsigned char *buf, size_t len)
{
    ssize_t  n;

    while (len > 0) {
        n = getrandom(buf, len, 0);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }

            fprintf(stderr, "cx-cookie: getrandom: %s\n", strerror(errno));
            exit(1);
        }

        buf += n;
        len -= (size_t) n;
    }
}
