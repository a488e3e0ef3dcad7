
/*
 * Unit tests of the channel classifier's built-in tables (cx_channel.c):
 * every host and package finds its entry, which also proves the tables
 * sorted for bsearch(), and subdomains match only "domain" entries.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cx_channel.h"


#define nelts(a)  (sizeof(a) / sizeof((a)[0]))


typedef struct {
    const char    *host;
    int            subdomains;
    cx_channel_e   channel;
    const char    *source;
} builtin_case_t;


static void
check(const char *referrer, cx_channel_e channel, const char *source)
{
    size_t               len;
    unsigned char        scratch[256];
    cx_channel_result_t  out;
    cx_str_t             r, none = cx_null_string, host = cx_string("a.test");

    len = strlen(referrer);
    assert_true(len <= sizeof(scratch));

    r.data = (const unsigned char *) referrer;
    r.len = len;

    cx_channel_classify(none, r, host, NULL, 0, NULL, 0, scratch, len, &out);

    if (out.channel != channel || out.source.data == NULL
        || out.source.len != strlen(source)
        || memcmp(out.source.data, source, out.source.len) != 0)
    {
        fail_msg("%s: expected %s \"%s\", got %s \"%.*s\"", referrer,
                 cx_channel_name(channel), source,
                 cx_channel_name(out.channel), (int) out.source.len,
                 out.source.data ? (const char *) out.source.data : "");
    }
}


static void
test_every_builtin_host(void **state)
{
    static const builtin_case_t  cases[] = {
    { "app.fastmail.com",       1, CX_CHANNEL_EMAIL,    "fastmail" },
    { "app.tuta.com",           1, CX_CHANNEL_EMAIL,    "tuta" },
    { "ask.com",                1, CX_CHANNEL_SEARCH,   "ask" },
    { "baidu.com",              1, CX_CHANNEL_SEARCH,   "baidu" },
    { "bing.com",               1, CX_CHANNEL_SEARCH,   "bing" },
    { "bsky.app",               1, CX_CHANNEL_SOCIAL,   "bluesky" },
    { "coccoc.com",             1, CX_CHANNEL_SEARCH,   "coccoc" },
    { "daum.net",               0, CX_CHANNEL_SEARCH,   "daum" },
    { "discord.com",            1, CX_CHANNEL_SOCIAL,   "discord" },
    { "discord.gg",             1, CX_CHANNEL_SOCIAL,   "discord" },
    { "discordapp.com",         1, CX_CHANNEL_SOCIAL,   "discord" },
    { "dogpile.com",            1, CX_CHANNEL_SEARCH,   "dogpile" },
    { "duckduckgo.com",         1, CX_CHANNEL_SEARCH,   "duckduckgo" },
    { "e.mail.ru",              1, CX_CHANNEL_EMAIL,    "mail.ru" },
    { "ecosia.org",             1, CX_CHANNEL_SEARCH,   "ecosia" },
    { "email.seznam.cz",        1, CX_CHANNEL_EMAIL,    "seznam" },
    { "exmail.qq.com",          1, CX_CHANNEL_EMAIL,    "qq" },
    { "facebook.com",           1, CX_CHANNEL_SOCIAL,   "facebook" },
    { "fb.com",                 1, CX_CHANNEL_SOCIAL,   "facebook" },
    { "fb.me",                  1, CX_CHANNEL_SOCIAL,   "facebook" },
    { "fosstodon.org",          1, CX_CHANNEL_SOCIAL,   "mastodon" },
    { "go.mail.ru",             1, CX_CHANNEL_SEARCH,   "mail.ru" },
    { "haosou.com",             1, CX_CHANNEL_SEARCH,   "so.com" },
    { "icloud.com",             0, CX_CHANNEL_EMAIL,    "icloud" },
    { "instagram.com",          1, CX_CHANNEL_SOCIAL,   "instagram" },
    { "kagi.com",               1, CX_CHANNEL_SEARCH,   "kagi" },
    { "line.me",                1, CX_CHANNEL_SOCIAL,   "line" },
    { "linkedin.com",           1, CX_CHANNEL_SOCIAL,   "linkedin" },
    { "lnkd.in",                1, CX_CHANNEL_SOCIAL,   "linkedin" },
    { "m.naver.com",            0, CX_CHANNEL_SEARCH,   "naver" },
    { "mail.126.com",           1, CX_CHANNEL_EMAIL,    "126" },
    { "mail.163.com",           1, CX_CHANNEL_EMAIL,    "163" },
    { "mail.aol.com",           1, CX_CHANNEL_EMAIL,    "aol" },
    { "mail.daum.net",          1, CX_CHANNEL_EMAIL,    "daum" },
    { "mail.google.com",        1, CX_CHANNEL_EMAIL,    "gmail" },
    { "mail.libero.it",         1, CX_CHANNEL_EMAIL,    "libero" },
    { "mail.naver.com",         1, CX_CHANNEL_EMAIL,    "naver" },
    { "mail.proton.me",         1, CX_CHANNEL_EMAIL,    "proton" },
    { "mail.protonmail.com",    1, CX_CHANNEL_EMAIL,    "proton" },
    { "mail.qq.com",            1, CX_CHANNEL_EMAIL,    "qq" },
    { "mail.tutanota.com",      1, CX_CHANNEL_EMAIL,    "tuta" },
    { "mail.yahoo.co.jp",       1, CX_CHANNEL_EMAIL,    "yahoo_japan" },
    { "mail.yahoo.com",         1, CX_CHANNEL_EMAIL,    "yahoo" },
    { "mail.yandex.com",        1, CX_CHANNEL_EMAIL,    "yandex" },
    { "mail.yandex.ru",         1, CX_CHANNEL_EMAIL,    "yandex" },
    { "mail.zoho.com",          1, CX_CHANNEL_EMAIL,    "zoho" },
    { "mail.zoho.eu",           1, CX_CHANNEL_EMAIL,    "zoho" },
    { "mail.zoho.in",           1, CX_CHANNEL_EMAIL,    "zoho" },
    { "mastodon.online",        1, CX_CHANNEL_SOCIAL,   "mastodon" },
    { "mastodon.social",        1, CX_CHANNEL_SOCIAL,   "mastodon" },
    { "messenger.com",          1, CX_CHANNEL_SOCIAL,   "messenger" },
    { "metager.de",             1, CX_CHANNEL_SEARCH,   "metager" },
    { "metager.org",            1, CX_CHANNEL_SEARCH,   "metager" },
    { "mojeek.co.uk",           1, CX_CHANNEL_SEARCH,   "mojeek" },
    { "mojeek.com",             1, CX_CHANNEL_SEARCH,   "mojeek" },
    { "mstdn.social",           1, CX_CHANNEL_SOCIAL,   "mastodon" },
    { "naver.com",              0, CX_CHANNEL_SEARCH,   "naver" },
    { "news.ycombinator.com",   1, CX_CHANNEL_SOCIAL,   "hackernews" },
    { "nova.rambler.ru",        1, CX_CHANNEL_SEARCH,   "rambler" },
    { "ok.ru",                  1, CX_CHANNEL_SOCIAL,   "odnoklassniki" },
    { "outlook.live.com",       1, CX_CHANNEL_EMAIL,    "outlook" },
    { "outlook.office.com",     1, CX_CHANNEL_EMAIL,    "outlook" },
    { "outlook.office365.com",  1, CX_CHANNEL_EMAIL,    "outlook" },
    { "petalsearch.com",        1, CX_CHANNEL_SEARCH,   "petal" },
    { "pin.it",                 1, CX_CHANNEL_SOCIAL,   "pinterest" },
    { "presearch.com",          1, CX_CHANNEL_SEARCH,   "presearch" },
    { "quora.com",              1, CX_CHANNEL_SOCIAL,   "quora" },
    { "qwant.com",              1, CX_CHANNEL_SEARCH,   "qwant" },
    { "redd.it",                1, CX_CHANNEL_SOCIAL,   "reddit" },
    { "reddit.com",             1, CX_CHANNEL_SOCIAL,   "reddit" },
    { "search.aol.com",         1, CX_CHANNEL_SEARCH,   "aol" },
    { "search.brave.com",       1, CX_CHANNEL_SEARCH,   "brave" },
    { "search.daum.net",        1, CX_CHANNEL_SEARCH,   "daum" },
    { "search.goo.ne.jp",       1, CX_CHANNEL_SEARCH,   "goo" },
    { "search.lycos.com",       1, CX_CHANNEL_SEARCH,   "lycos" },
    { "search.naver.com",       1, CX_CHANNEL_SEARCH,   "naver" },
    { "search.yahoo.co.jp",     1, CX_CHANNEL_SEARCH,   "yahoo_japan" },
    { "search.yahoo.com",       1, CX_CHANNEL_SEARCH,   "yahoo" },
    { "seznam.cz",              1, CX_CHANNEL_SEARCH,   "seznam" },
    { "slack-redir.net",        1, CX_CHANNEL_REFERRAL, "slack" },
    { "slack.com",              1, CX_CHANNEL_REFERRAL, "slack" },
    { "sm.cn",                  1, CX_CHANNEL_SEARCH,   "shenma" },
    { "snapchat.com",           1, CX_CHANNEL_SOCIAL,   "snapchat" },
    { "so.com",                 1, CX_CHANNEL_SEARCH,   "so.com" },
    { "sogou.com",              1, CX_CHANNEL_SEARCH,   "sogou" },
    { "startpage.com",          1, CX_CHANNEL_SEARCH,   "startpage" },
    { "swisscows.com",          1, CX_CHANNEL_SEARCH,   "swisscows" },
    { "t.cn",                   1, CX_CHANNEL_SOCIAL,   "weibo" },
    { "t.co",                   1, CX_CHANNEL_SOCIAL,   "twitter" },
    { "t.me",                   1, CX_CHANNEL_SOCIAL,   "telegram" },
    { "telegram.me",            1, CX_CHANNEL_SOCIAL,   "telegram" },
    { "telegram.org",           1, CX_CHANNEL_SOCIAL,   "telegram" },
    { "threads.com",            1, CX_CHANNEL_SOCIAL,   "threads" },
    { "threads.net",            1, CX_CHANNEL_SOCIAL,   "threads" },
    { "tiktok.com",             1, CX_CHANNEL_SOCIAL,   "tiktok" },
    { "tumblr.com",             1, CX_CHANNEL_SOCIAL,   "tumblr" },
    { "twitter.com",            1, CX_CHANNEL_SOCIAL,   "twitter" },
    { "vk.com",                 1, CX_CHANNEL_SOCIAL,   "vk" },
    { "vk.ru",                  1, CX_CHANNEL_SOCIAL,   "vk" },
    { "wa.me",                  1, CX_CHANNEL_SOCIAL,   "whatsapp" },
    { "weibo.cn",               1, CX_CHANNEL_SOCIAL,   "weibo" },
    { "weibo.com",              1, CX_CHANNEL_SOCIAL,   "weibo" },
    { "whatsapp.com",           1, CX_CHANNEL_SOCIAL,   "whatsapp" },
    { "x.com",                  1, CX_CHANNEL_SOCIAL,   "twitter" },
    { "ya.ru",                  1, CX_CHANNEL_SEARCH,   "yandex" },
    { "yep.com",                1, CX_CHANNEL_SEARCH,   "yep" },
    { "youtu.be",               1, CX_CHANNEL_SOCIAL,   "youtube" },
    { "youtube.com",            1, CX_CHANNEL_SOCIAL,   "youtube" },
    };
    size_t  i;
    char    url[128], other[128];

    for (i = 0; i < nelts(cases); i++) {
        snprintf(url, sizeof(url), "https://%s/", cases[i].host);
        check(url, cases[i].channel, cases[i].source);

        snprintf(url, sizeof(url), "https://WWW.%s./x", cases[i].host);
        check(url, cases[i].channel, cases[i].source);

        snprintf(url, sizeof(url), "https://a.b.%s:443/", cases[i].host);
        snprintf(other, sizeof(other), "a.b.%s", cases[i].host);

        if (cases[i].subdomains) {
            check(url, cases[i].channel, cases[i].source);

        } else {
            check(url, CX_CHANNEL_REFERRAL, other);
        }

        /* a registrable name that merely ends the same is someone else */
        if (strchr(cases[i].host, '.') == strrchr(cases[i].host, '.')) {
            snprintf(url, sizeof(url), "https://x%s/", cases[i].host);
            snprintf(other, sizeof(other), "x%s", cases[i].host);
            check(url, CX_CHANNEL_REFERRAL, other);
        }
    }
}


static void
test_every_builtin_package(void **state)
{
    static const builtin_case_t  cases[] = {
    { "ch.protonmail.android", 0,           CX_CHANNEL_EMAIL,    "proton" },
    { "com.discord", 0,                     CX_CHANNEL_SOCIAL,   "discord" },
    { "com.duckduckgo.mobile.android", 0,
      CX_CHANNEL_SEARCH, "duckduckgo" },
    { "com.facebook.katana", 0,             CX_CHANNEL_SOCIAL,   "facebook" },
    { "com.facebook.lite", 0,               CX_CHANNEL_SOCIAL,   "facebook" },
    { "com.facebook.orca", 0,               CX_CHANNEL_SOCIAL,   "messenger" },
    { "com.google.android.apps.searchlite", 0,
      CX_CHANNEL_SEARCH, "google" },
    { "com.google.android.gm", 0,           CX_CHANNEL_EMAIL,    "gmail" },
    { "com.google.android.googlequicksearchbox", 0,
      CX_CHANNEL_SEARCH, "google" },
    { "com.google.android.youtube", 0,      CX_CHANNEL_SOCIAL,   "youtube" },
    { "com.instagram.android", 0,           CX_CHANNEL_SOCIAL,   "instagram" },
    { "com.linkedin.android", 0,            CX_CHANNEL_SOCIAL,   "linkedin" },
    { "com.microsoft.bing", 0,              CX_CHANNEL_SEARCH,   "bing" },
    { "com.microsoft.office.outlook", 0,    CX_CHANNEL_EMAIL,    "outlook" },
    { "com.pinterest", 0,                   CX_CHANNEL_SOCIAL,   "pinterest" },
    { "com.reddit.frontpage", 0,            CX_CHANNEL_SOCIAL,   "reddit" },
    { "com.slack", 0,                       CX_CHANNEL_REFERRAL, "slack" },
    { "com.snapchat.android", 0,            CX_CHANNEL_SOCIAL,   "snapchat" },
    { "com.twitter.android", 0,             CX_CHANNEL_SOCIAL,   "twitter" },
    { "com.vkontakte.android", 0,           CX_CHANNEL_SOCIAL,   "vk" },
    { "com.whatsapp", 0,                    CX_CHANNEL_SOCIAL,   "whatsapp" },
    { "com.yahoo.mobile.client.android.mail", 0,
      CX_CHANNEL_EMAIL, "yahoo" },
    { "com.zhiliaoapp.musically", 0,        CX_CHANNEL_SOCIAL,   "tiktok" },
    { "jp.naver.line.android", 0,           CX_CHANNEL_SOCIAL,   "line" },
    { "org.telegram.messenger", 0,          CX_CHANNEL_SOCIAL,   "telegram" },
    };
    size_t  i;
    char    url[128], longer[128];

    for (i = 0; i < nelts(cases); i++) {
        snprintf(url, sizeof(url), "android-app://%s/", cases[i].host);
        check(url, cases[i].channel, cases[i].source);

        snprintf(url, sizeof(url), "android-app://%s.x", cases[i].host);
        snprintf(longer, sizeof(longer), "%s.x", cases[i].host);
        check(url, CX_CHANNEL_REFERRAL, longer);
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_every_builtin_host),
        cmocka_unit_test(test_every_builtin_package),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
