
/*
 * Fuzz target of the User-Agent classifier: whatever the bytes, the answer
 * is within the enums, a bot is a bot device, an empty agent is a bot, the
 * case of the agent and the bytes past CX_AGENT_SCAN_MAX change nothing,
 * the operator's tokens are found wherever they are and decide nothing but
 * "bot", and a crawler token appended to any agent makes it a bot.
 *
 * The input is split at NUL bytes: the agent, then up to MAX_TOKENS
 * operator tokens, lowercased as the glue lowercases them.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cx_agent.h"


#define MAX_TOKENS  8
#define MAX_INPUT   8192
#define CRAWLER     " googlebot"


static unsigned char  tokens_buf[MAX_INPUT];
static unsigned char  variant[MAX_INPUT + sizeof(CRAWLER)];


static void
fail(const char *what, cx_str_t ua)
{
    fprintf(stderr, "%s: \"%.*s\"\n", what, (int) ua.len,
            (const char *) ua.data);
    abort();
}


static unsigned char
lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}


static int
is_letter(unsigned char c)
{
    return lower(c) >= 'a' && lower(c) <= 'z';
}


static int
same(const cx_agent_t *a, const cx_agent_t *b)
{
    return a->device == b->device && a->browser == b->browser
           && a->os == b->os && a->bot == b->bot;
}


/* the reference: a plain search of each token in the lowercased agent */
static int
has_token(cx_str_t ua, const cx_str_t *tokens, size_t n)
{
    size_t  i, j, k, len;

    len = ua.len < CX_AGENT_SCAN_MAX ? ua.len : CX_AGENT_SCAN_MAX;

    for (i = 0; i < n; i++) {
        if (tokens[i].len == 0 || tokens[i].len > len) {
            continue;
        }

        for (j = 0; j + tokens[i].len <= len; j++) {
            for (k = 0; k < tokens[i].len; k++) {
                if (lower(ua.data[j + k]) != tokens[i].data[k]) {
                    break;
                }
            }

            if (k == tokens[i].len) {
                return 1;
            }
        }
    }

    return 0;
}


static void
check_ranges(const cx_agent_t *a, cx_str_t ua)
{
    if ((unsigned) a->device >= CX_DEVICE_COUNT
        || (unsigned) a->browser >= CX_BROWSER_COUNT
        || (unsigned) a->os >= CX_OS_COUNT)
    {
        fail("enum out of range", ua);
    }

    if (a->bot != (a->device == CX_DEVICE_BOT)) {
        fail("bot flag and bot device disagree", ua);
    }

    if (cx_device_name(a->device) == NULL
        || cx_browser_name(a->browser) == NULL
        || cx_os_name(a->os) == NULL)
    {
        fail("no name", ua);
    }
}


int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    size_t                i, n;
    cx_str_t              ua, v, tokens[MAX_TOKENS];
    cx_agent_t            plain, with_tokens, other;
    const unsigned char  *p, *end, *nul;

    if (size > MAX_INPUT) {
        return 0;
    }

    end = data + size;
    nul = memchr(data, '\0', size);
    ua.data = data;
    ua.len = (nul ? nul : end) - data;

    for (i = 0; i < size; i++) {
        tokens_buf[i] = lower(data[i]);
    }

    n = 0;
    p = nul ? nul + 1 : end;

    while (n < MAX_TOKENS && p < end) {
        nul = memchr(p, '\0', end - p);
        tokens[n].data = tokens_buf + (p - data);
        tokens[n].len = (nul ? nul : end) - p;
        n++;
        p += tokens[n - 1].len + 1;
    }

    cx_agent_classify(ua, NULL, 0, &plain);
    check_ranges(&plain, ua);

    cx_agent_classify(ua, tokens, n, &with_tokens);
    check_ranges(&with_tokens, ua);

    if (ua.len == 0
        && !(plain.bot && plain.browser == CX_BROWSER_OTHER
             && plain.os == CX_OS_OTHER))
    {
        fail("empty agent not a bot", ua);
    }

    if (with_tokens.bot != (plain.bot || has_token(ua, tokens, n))) {
        fail("operator tokens missed or invented", ua);
    }

    if (!with_tokens.bot && !same(&plain, &with_tokens)) {
        fail("operator tokens changed more than bot", ua);
    }

    if (with_tokens.browser != plain.browser || with_tokens.os != plain.os) {
        fail("operator tokens changed browser or os", ua);
    }

    /* the other case of every ASCII letter */
    for (i = 0; i < ua.len; i++) {
        variant[i] = is_letter(ua.data[i]) ? ua.data[i] ^ 0x20 : ua.data[i];
    }

    v.data = variant;
    v.len = ua.len;
    cx_agent_classify(v, tokens, n, &other);

    if (!same(&other, &with_tokens)) {
        fail("case changed the answer", ua);
    }

    /* what lies past the scan limit is not read */
    if (ua.len > CX_AGENT_SCAN_MAX) {
        v.data = ua.data;
        v.len = CX_AGENT_SCAN_MAX;
        cx_agent_classify(v, tokens, n, &other);

        if (!same(&other, &with_tokens)) {
            fail("bytes past the limit changed the answer", ua);
        }
    }

    /* a crawler token within the limit is always found */
    v.len = ua.len < CX_AGENT_SCAN_MAX - (sizeof(CRAWLER) - 1)
            ? ua.len : CX_AGENT_SCAN_MAX - (sizeof(CRAWLER) - 1);
    memcpy(variant, ua.data, v.len);
    memcpy(variant + v.len, CRAWLER, sizeof(CRAWLER) - 1);
    v.data = variant;
    v.len += sizeof(CRAWLER) - 1;
    cx_agent_classify(v, NULL, 0, &other);

    if (!other.bot) {
        fail("appended crawler token missed", ua);
    }

    return 0;
}
