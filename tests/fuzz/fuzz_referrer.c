
/*
 * Fuzz target of the channel classifier.  The input is split at NUL bytes
 * into query, referrer, request host, four operator entries (a channel
 * byte, then "host|source") and four internal host patterns.  Whatever
 * they hold, the channel is a real one and every string of the result
 * lies in the scratch, the inputs or the built-in names.
 */


#include <stdlib.h>
#include <string.h>

#include "cx_channel.h"


#define FIELDS     11
#define OPERATOR   3
#define INTERNAL   7
#define ENTRIES    4


typedef struct {
    const unsigned char  *input;
    size_t                input_size;
    const unsigned char  *scratch;
    size_t                scratch_size;
} bounds_t;


static int
inside(const unsigned char *p, size_t len, const unsigned char *start,
    size_t size)
{
    return start != NULL && p >= start && len <= size
           && (size_t) (p - start) <= size - len;
}


/* a built-in name: a short C string literal of lowercase letters and '.' */
static int
builtin_name(cx_str_t s)
{
    size_t  i;

    if (s.len == 0 || s.len > 32 || s.data[s.len] != '\0') {
        return 0;
    }

    for (i = 0; i < s.len; i++) {
        if (!((s.data[i] >= 'a' && s.data[i] <= 'z')
              || (s.data[i] >= '0' && s.data[i] <= '9')
              || s.data[i] == '.' || s.data[i] == '_'))
        {
            return 0;
        }
    }

    return 1;
}


static void
check_string(cx_str_t s, const bounds_t *b, int decoded)
{
    if (s.data == NULL) {
        if (s.len != 0) {
            abort();
        }

        return;
    }

    if (s.len == 0) {
        abort();
    }

    if (inside(s.data, s.len, b->scratch, b->scratch_size)) {
        return;
    }

    if (decoded) {
        abort();
    }

    if (!inside(s.data, s.len, b->input, b->input_size) && !builtin_name(s)) {
        abort();
    }
}


static int
same(cx_str_t a, cx_str_t b)
{
    return a.data == b.data && a.len == b.len;
}


int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    size_t                i, nhosts, ninternal;
    bounds_t              b;
    cx_str_t              fields[FIELDS], internal[ENTRIES];
    unsigned char        *scratch;
    cx_channel_host_t     hosts[ENTRIES];
    cx_channel_result_t   out, again;
    const unsigned char  *p, *end, *nul, *bar;

    memset(fields, 0, sizeof(fields));

    p = data;
    end = data + size;

    for (i = 0; i < FIELDS && p < end; i++) {
        nul = memchr(p, '\0', end - p);
        fields[i].data = p;
        fields[i].len = (nul ? nul : end) - p;
        p += fields[i].len + 1;
    }

    nhosts = 0;

    for (i = OPERATOR; i < OPERATOR + ENTRIES; i++) {

        if (fields[i].len == 0) {
            continue;
        }

        hosts[nhosts].channel = fields[i].data[0] % (CX_CHANNEL_COUNT + 1);
        hosts[nhosts].host.data = fields[i].data + 1;
        hosts[nhosts].host.len = fields[i].len - 1;
        hosts[nhosts].source.data = NULL;
        hosts[nhosts].source.len = 0;

        bar = memchr(fields[i].data + 1, '|', fields[i].len - 1);

        if (bar != NULL) {
            hosts[nhosts].host.len = bar - hosts[nhosts].host.data;
            hosts[nhosts].source.data = bar + 1;
            hosts[nhosts].source.len = fields[i].data + fields[i].len
                                       - (bar + 1);
        }

        nhosts++;
    }

    ninternal = 0;

    for (i = INTERNAL; i < INTERNAL + ENTRIES; i++) {
        if (fields[i].data != NULL) {
            internal[ninternal++] = fields[i];
        }
    }

    b.input = data;
    b.input_size = size;
    b.scratch_size = fields[0].len + fields[1].len;

    /* exactly the size required, so that ASan sees a byte too many */
    scratch = malloc(b.scratch_size ? b.scratch_size : 1);
    b.scratch = scratch;

    cx_channel_classify(fields[0], fields[1], fields[2], hosts, nhosts,
                        internal, ninternal, scratch, b.scratch_size, &out);

    if (out.channel <= CX_CHANNEL_NONE || out.channel >= CX_CHANNEL_COUNT
        || cx_channel_name(out.channel) == NULL)
    {
        abort();
    }

    check_string(out.source, &b, 0);
    check_string(out.medium, &b, 1);
    check_string(out.campaign, &b, 1);
    check_string(out.term, &b, 1);
    check_string(out.content, &b, 1);

    if ((out.channel == CX_CHANNEL_DIRECT
         || out.channel == CX_CHANNEL_INTERNAL)
        && out.source.data != NULL)
    {
        abort();
    }

    if (out.channel == CX_CHANNEL_REFERRAL && out.source.data == NULL) {
        abort();
    }

    if (fields[1].len == 0 && out.channel != CX_CHANNEL_DIRECT
        && out.channel != CX_CHANNEL_PAID && out.channel != CX_CHANNEL_EMAIL
        && out.channel != CX_CHANNEL_SOCIAL
        && out.channel != CX_CHANNEL_CAMPAIGN)
    {
        abort();
    }

    cx_channel_classify(fields[0], fields[1], fields[2], hosts, nhosts,
                        internal, ninternal, scratch, b.scratch_size, &again);

    if (again.channel != out.channel || !same(again.source, out.source)
        || !same(again.medium, out.medium)
        || !same(again.campaign, out.campaign)
        || !same(again.term, out.term) || !same(again.content, out.content))
    {
        abort();
    }

    free(scratch);

    return 0;
}
