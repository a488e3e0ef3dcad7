
/*
 * Unit tests of the User-Agent classifier (cx_agent.c) at its edges:
 * empty agents, case, the scan limit, lengths without NULs, tokens cut
 * at the end, the operator's tokens, the names.  test_agent_real.c holds
 * the real agents.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "cx_agent.h"


#define DESKTOP   CX_DEVICE_DESKTOP
#define MOBILE    CX_DEVICE_MOBILE
#define TABLET    CX_DEVICE_TABLET
#define BOT       CX_DEVICE_BOT

#define CHROME    CX_BROWSER_CHROME
#define SAFARI    CX_BROWSER_SAFARI
#define OTHER     CX_BROWSER_OTHER

#define WINDOWS   CX_OS_WINDOWS
#define IOS       CX_OS_IOS
#define ANDROID   CX_OS_ANDROID
#define LINUX     CX_OS_LINUX
#define CHROMEOS  CX_OS_CHROMEOS
#define NO_OS     CX_OS_OTHER

#define str(s)  ((cx_str_t) { (const unsigned char *) (s), sizeof(s) - 1 })


static void
classify(cx_str_t ua, const cx_str_t *tokens, size_t n, cx_agent_t *a)
{
    memset(a, 0x5a, sizeof(*a));
    cx_agent_classify(ua, tokens, n, a);
}


static int
agent_is(const cx_agent_t *a, cx_device_e device, cx_browser_e browser,
    cx_os_e os, int bot)
{
    return a->device == device && a->browser == browser && a->os == os
           && a->bot == (unsigned) bot;
}


static void
test_empty_and_missing(void **state)
{
    cx_str_t    missing = { NULL, 0 }, missing_len = { NULL, 10 };
    cx_agent_t  a;

    classify(str(""), NULL, 0, &a);
    assert_true(agent_is(&a, BOT, OTHER, NO_OS, 1));

    classify(missing, NULL, 0, &a);
    assert_true(agent_is(&a, BOT, OTHER, NO_OS, 1));

    classify(missing_len, NULL, 0, &a);
    assert_true(agent_is(&a, BOT, OTHER, NO_OS, 1));

    /* anything at all is not empty */
    classify(str("-"), NULL, 0, &a);
    assert_true(agent_is(&a, DESKTOP, OTHER, NO_OS, 0));
}


static void
test_case_insensitive(void **state)
{
    cx_agent_t  a;

    classify(str("MOZILLA/5.0 (IPHONE; CPU IPHONE OS 18_1 LIKE MAC OS X) "
                 "APPLEWEBKIT/605.1.15 (KHTML, LIKE GECKO) VERSION/18.1 "
                 "MOBILE/15E148 SAFARI/604.1"), NULL, 0, &a);
    assert_true(agent_is(&a, MOBILE, SAFARI, IOS, 0));

    classify(str("mozilla/5.0 (compatible; GOOGLEBOT/2.1)"), NULL, 0, &a);
    assert_true(agent_is(&a, BOT, OTHER, NO_OS, 1));

    /* every letter from 'A' to 'Z' inside an 8-byte word and after */
    classify(str("Mozilla/5.0 ZGRAB/0.x"), NULL, 0, &a);
    assert_true(agent_is(&a, BOT, OTHER, NO_OS, 1));

    classify(str("Mozilla/5.0 (x) ZGRAB"), NULL, 0, &a);
    assert_true(agent_is(&a, BOT, OTHER, NO_OS, 1));
}


static void
test_operator_tokens(void **state)
{
    cx_agent_t      a;
    const cx_str_t  tokens[] = { str("acme-probe"), str("synthetic") },
                    empty[] = { str("") },
                    upper[] = { str("Acme-Probe") },
                    accented[] = { str("x\xe1\xfa") };

    classify(str("Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
                 "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
                 "Safari/537.36 ACME-Probe/2.0"), tokens, 2, &a);
    assert_true(agent_is(&a, BOT, CHROME, WINDOWS, 1));

    classify(str("SyntheticUser"), tokens, 2, &a);
    assert_true(agent_is(&a, BOT, OTHER, NO_OS, 1));

    /* the whole token is needed, at any position including the end */
    classify(str("acme-prob"), tokens, 2, &a);
    assert_true(agent_is(&a, DESKTOP, OTHER, NO_OS, 0));

    classify(str("x synthetic"), tokens, 2, &a);
    assert_true(agent_is(&a, BOT, OTHER, NO_OS, 1));

    classify(str("synthetic"), tokens, 2, &a);
    assert_true(agent_is(&a, BOT, OTHER, NO_OS, 1));

    /* without the tokens, the same agent is a person */
    classify(str("Mozilla/5.0 (Windows NT 10.0) ACME-Probe/2.0"), NULL, 0,
             &a);
    assert_true(agent_is(&a, DESKTOP, OTHER, WINDOWS, 0));

    /* only the first ntokens count */
    classify(str("SyntheticUser"), tokens, 1, &a);
    assert_true(agent_is(&a, DESKTOP, OTHER, NO_OS, 0));

    /* an empty token would match everything: it is ignored */
    classify(str("Mozilla/5.0 (X11; Linux x86_64)"), empty, 1, &a);
    assert_true(agent_is(&a, DESKTOP, OTHER, LINUX, 0));

    /* tokens must come lowercase, as the glue makes them */
    classify(str("acme-probe"), upper, 1, &a);
    assert_true(agent_is(&a, DESKTOP, OTHER, NO_OS, 0));

    /* a token longer than the agent */
    classify(str("acme"), tokens, 2, &a);
    assert_true(agent_is(&a, DESKTOP, OTHER, NO_OS, 0));

    /* bytes past 0x7f are not lowercased, even where bits 0-6 are a
       letter: in the first 8-byte word and in the bytes after the last */
    classify(str("X\xc1\xda Mozilla/5.0"), accented, 1, &a);
    assert_true(agent_is(&a, DESKTOP, OTHER, NO_OS, 0));

    classify(str("X\xe1\xfa Mozilla/5.0"), accented, 1, &a);
    assert_true(agent_is(&a, BOT, OTHER, NO_OS, 1));

    classify(str("Mozilla/5.0 X\xc1\xda"), accented, 1, &a);
    assert_true(agent_is(&a, DESKTOP, OTHER, NO_OS, 0));

    classify(str("Mozilla/5.0 X\xe1\xfa"), accented, 1, &a);
    assert_true(agent_is(&a, BOT, OTHER, NO_OS, 1));
}


/* only the first CX_AGENT_SCAN_MAX bytes are read */
static void
test_scan_limit(void **state)
{
    size_t          prefix;
    cx_str_t        ua;
    cx_agent_t      a;
    const cx_str_t  tokens[] = { str("probe") };
    unsigned char   buf[CX_AGENT_SCAN_MAX + 64];

    prefix = sizeof("Mozilla/5.0 (X11; Linux x86_64)") - 1;
    memset(buf, ' ', sizeof(buf));
    memcpy(buf, "Mozilla/5.0 (X11; Linux x86_64)", prefix);
    ua.data = buf;
    ua.len = sizeof(buf);

    /* "bot" ending on the last byte read */
    memcpy(buf + CX_AGENT_SCAN_MAX - 3, "bot", 3);
    classify(ua, NULL, 0, &a);
    assert_true(agent_is(&a, BOT, OTHER, LINUX, 1));

    /* one byte further, cut in two by the limit */
    memcpy(buf + CX_AGENT_SCAN_MAX - 3, " bot", 4);
    classify(ua, NULL, 0, &a);
    assert_true(agent_is(&a, DESKTOP, OTHER, LINUX, 0));

    /* the operator's tokens obey the same limit */
    memcpy(buf + CX_AGENT_SCAN_MAX - 5, "probe", 5);
    classify(ua, tokens, 1, &a);
    assert_true(agent_is(&a, BOT, OTHER, LINUX, 1));

    memcpy(buf + CX_AGENT_SCAN_MAX - 5, " probe", 6);
    classify(ua, tokens, 1, &a);
    assert_true(agent_is(&a, DESKTOP, OTHER, LINUX, 0));

    /* one byte over the limit, and exactly at it */
    memcpy(buf + CX_AGENT_SCAN_MAX - 3, "bot", 3);
    ua.len = CX_AGENT_SCAN_MAX + 1;
    classify(ua, NULL, 0, &a);
    assert_true(agent_is(&a, BOT, OTHER, LINUX, 1));

    ua.len = CX_AGENT_SCAN_MAX;
    classify(ua, NULL, 0, &a);
    assert_true(agent_is(&a, BOT, OTHER, LINUX, 1));
}


/* the length bounds the agent, not a NUL, and a NUL is just a byte */
static void
test_length_not_nul(void **state)
{
    cx_str_t            ua;
    cx_agent_t          a;
    static const char   s[] = "Mozilla/5.0 (Linux; Android 10; K) Googlebot";

    ua.data = (const unsigned char *) s;
    ua.len = sizeof("Mozilla/5.0 (Linux; Android 10; K)") - 1;
    classify(ua, NULL, 0, &a);
    assert_true(agent_is(&a, TABLET, OTHER, ANDROID, 0));

    ua.len = sizeof(s) - 1;
    classify(ua, NULL, 0, &a);
    assert_true(agent_is(&a, BOT, OTHER, ANDROID, 1));

    classify(str("Mozilla/5.0\0 (compatible; bingbot/2.0)"), NULL, 0, &a);
    assert_true(agent_is(&a, BOT, OTHER, NO_OS, 1));
}


/* a token cut short by the end of the agent is not there */
static void
test_token_at_end(void **state)
{
    cx_agent_t  a;

    classify(str("Mozilla/5.0 (Linux; Android 10; K) bo"), NULL, 0, &a);
    assert_true(agent_is(&a, TABLET, OTHER, ANDROID, 0));

    classify(str("Mozilla/5.0 (Linux; Android 10; K) Mobil"), NULL, 0, &a);
    assert_true(agent_is(&a, TABLET, OTHER, ANDROID, 0));

    classify(str("Mozilla/5.0 (Linux; Android 10; K) Mobile"), NULL, 0, &a);
    assert_true(agent_is(&a, MOBILE, OTHER, ANDROID, 0));

    classify(str("bot"), NULL, 0, &a);
    assert_true(agent_is(&a, BOT, OTHER, NO_OS, 1));
}


/* bytes other than 'A'..'Z' stay as they are, at every offset: a NUL is
   not a space, 0x0f is not a '/' */
static void
test_only_letters_lowered(void **state)
{
    size_t              offset;
    cx_str_t            ua;
    cx_agent_t          a;
    unsigned char       buf[64];
    static const char   cros[] = "\0CrOS x86_64",
                        chrome[] = "Chrome\x0f" "131";

    for (offset = 0; offset < 16; offset++) {
        memset(buf, '.', offset);
        ua.data = buf;

        memcpy(buf + offset, cros, sizeof(cros) - 1);
        ua.len = offset + sizeof(cros) - 1;
        classify(ua, NULL, 0, &a);
        assert_true(agent_is(&a, DESKTOP, OTHER, NO_OS, 0));

        buf[offset] = ' ';
        classify(ua, NULL, 0, &a);
        assert_true(agent_is(&a, DESKTOP, OTHER, CHROMEOS, 0));

        memcpy(buf + offset, chrome, sizeof(chrome) - 1);
        ua.len = offset + sizeof(chrome) - 1;
        classify(ua, NULL, 0, &a);
        assert_true(agent_is(&a, DESKTOP, OTHER, NO_OS, 0));

        buf[offset + 6] = '/';
        classify(ua, NULL, 0, &a);
        assert_true(agent_is(&a, DESKTOP, CHROME, NO_OS, 0));
    }
}


/* CUBOT hides its "bot", but a crawler token elsewhere still counts */
static void
test_cubot_skip_is_local(void **state)
{
    cx_agent_t  a;

    classify(str("Mozilla/5.0 (Linux; Android 11; CUBOT X50) "
                 "(compatible; Googlebot/2.1)"), NULL, 0, &a);
    assert_true(agent_is(&a, BOT, OTHER, ANDROID, 1));

    classify(str("cubot"), NULL, 0, &a);
    assert_true(agent_is(&a, DESKTOP, OTHER, NO_OS, 0));

    classify(str("(Linux; Android 9; Tablet PC) Mobile"), NULL, 0, &a);
    assert_true(agent_is(&a, MOBILE, OTHER, ANDROID, 0));

    classify(str("(Windows NT 6.1; Tablet PC 2.0; Tablet)"), NULL, 0, &a);
    assert_true(agent_is(&a, TABLET, OTHER, WINDOWS, 0));
}


static void
test_names(void **state)
{
    assert_string_equal(cx_device_name(CX_DEVICE_DESKTOP), "desktop");
    assert_string_equal(cx_device_name(CX_DEVICE_MOBILE), "mobile");
    assert_string_equal(cx_device_name(CX_DEVICE_TABLET), "tablet");
    assert_string_equal(cx_device_name(CX_DEVICE_BOT), "bot");
    assert_string_equal(cx_device_name(CX_DEVICE_COUNT), "desktop");
    assert_string_equal(cx_device_name((cx_device_e) -1), "desktop");

    assert_string_equal(cx_browser_name(CX_BROWSER_OTHER), "other");
    assert_string_equal(cx_browser_name(CX_BROWSER_CHROME), "chrome");
    assert_string_equal(cx_browser_name(CX_BROWSER_FIREFOX), "firefox");
    assert_string_equal(cx_browser_name(CX_BROWSER_SAFARI), "safari");
    assert_string_equal(cx_browser_name(CX_BROWSER_EDGE), "edge");
    assert_string_equal(cx_browser_name(CX_BROWSER_OPERA), "opera");
    assert_string_equal(cx_browser_name(CX_BROWSER_SAMSUNG), "samsung");
    assert_string_equal(cx_browser_name(CX_BROWSER_COUNT), "other");

    assert_string_equal(cx_os_name(CX_OS_OTHER), "other");
    assert_string_equal(cx_os_name(CX_OS_WINDOWS), "windows");
    assert_string_equal(cx_os_name(CX_OS_MACOS), "macos");
    assert_string_equal(cx_os_name(CX_OS_IOS), "ios");
    assert_string_equal(cx_os_name(CX_OS_ANDROID), "android");
    assert_string_equal(cx_os_name(CX_OS_LINUX), "linux");
    assert_string_equal(cx_os_name(CX_OS_CHROMEOS), "chromeos");
    assert_string_equal(cx_os_name(CX_OS_COUNT), "other");
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_empty_and_missing),
        cmocka_unit_test(test_case_insensitive),
        cmocka_unit_test(test_operator_tokens),
        cmocka_unit_test(test_scan_limit),
        cmocka_unit_test(test_length_not_nul),
        cmocka_unit_test(test_token_at_end),
        cmocka_unit_test(test_only_letters_lowered),
        cmocka_unit_test(test_cubot_skip_is_local),
        cmocka_unit_test(test_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
