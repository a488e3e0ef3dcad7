
/*
 * Unit tests of the channel classifier (cx_channel.c): real referrers of
 * each built-in engine, network and webmail, the query rules and their
 * precedence, the operator's entries and the site's own hosts.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cx_channel.h"


#define str(s)  ((cx_str_t) { (const unsigned char *) (s), sizeof(s) - 1 })
#define nelts(a)  (sizeof(a) / sizeof((a)[0]))


typedef struct {
    const char    *referrer;
    cx_channel_e   channel;
    const char    *source;             /* NULL: absent */
} referrer_case_t;


typedef struct {
    const char    *query;
    const char    *referrer;
    cx_channel_e   channel;
    const char    *source;
} query_case_t;


typedef struct {
    const cx_channel_host_t  *hosts;
    size_t                    nhosts;
    const char               *request_host;
} context_t;


static const cx_str_t  own_internal[] = {
    cx_string(".acme-shop.net"), cx_string("blog.acme.io")
};

static const context_t  plain = { NULL, 0, "www.acme-shop.com" };

/* the scratch of the last classification, exactly as large as required */
static unsigned char  *scratch;
static size_t          scratch_size;


static cx_str_t
cstr(const char *s)
{
    cx_str_t  out;

    out.data = (const unsigned char *) s;
    out.len = (s != NULL) ? strlen(s) : 0;

    return out;
}


static void
classify(const context_t *ctx, const char *query, const char *referrer,
    cx_channel_result_t *out)
{
    cx_str_t  q, r;

    q = cstr(query);
    r = cstr(referrer);

    free(scratch);
    scratch_size = q.len + r.len;
    scratch = malloc(scratch_size + 1);
    assert_non_null(scratch);

    cx_channel_classify(q, r, cstr(ctx->request_host), ctx->hosts,
                        ctx->nhosts, own_internal, nelts(own_internal),
                        scratch, scratch_size, out);
}


static int
same(cx_str_t s, const char *expected)
{
    if (expected == NULL) {
        return s.data == NULL && s.len == 0;
    }

    return s.data != NULL && s.len == strlen(expected)
           && memcmp(s.data, expected, s.len) == 0;
}


static void
check(const context_t *ctx, const char *query, const char *referrer,
    cx_channel_e channel, const char *source)
{
    cx_channel_result_t  out;

    classify(ctx, query, referrer, &out);

    if (out.channel != channel || !same(out.source, source)) {
        fail_msg("query \"%s\" referrer \"%s\": expected %s \"%s\", "
                 "got %s \"%.*s\"%s", query ? query : "(null)",
                 referrer ? referrer : "(null)", cx_channel_name(channel),
                 source ? source : "(absent)", cx_channel_name(out.channel),
                 (int) out.source.len,
                 out.source.data ? (const char *) out.source.data : "",
                 out.source.data ? "" : "(absent)");
    }
}


static void
check_referrers(const referrer_case_t *cases, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        check(&plain, NULL, cases[i].referrer, cases[i].channel,
              cases[i].source);
    }
}


static void
check_queries(const query_case_t *cases, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        check(&plain, cases[i].query, cases[i].referrer, cases[i].channel,
              cases[i].source);
    }
}


static void
test_search_engines(void **state)
{
    static const referrer_case_t  cases[] = {
        { "https://www.google.com/", CX_CHANNEL_SEARCH, "google" },
        { "https://www.google.co.uk/", CX_CHANNEL_SEARCH, "google" },
        { "https://www.google.com.br/search?q=t%C3%AAnis",
          CX_CHANNEL_SEARCH, "google" },
        { "https://google.de/", CX_CHANNEL_SEARCH, "google" },
        { "https://www.google.fr/url?sa=t&url=https%3A%2F%2Facme",
          CX_CHANNEL_SEARCH, "google" },
        { "https://www.google.co.jp/", CX_CHANNEL_SEARCH, "google" },
        { "https://www.google.com.au/", CX_CHANNEL_SEARCH, "google" },
        { "https://www.bing.com/search?q=running+shoes&form=QBLH",
          CX_CHANNEL_SEARCH, "bing" },
        { "https://cn.bing.com/", CX_CHANNEL_SEARCH, "bing" },
        { "https://duckduckgo.com/", CX_CHANNEL_SEARCH, "duckduckgo" },
        { "https://html.duckduckgo.com/html/",
          CX_CHANNEL_SEARCH, "duckduckgo" },
        { "https://search.yahoo.com/search?p=acme",
          CX_CHANNEL_SEARCH, "yahoo" },
        { "https://uk.search.yahoo.com/", CX_CHANNEL_SEARCH, "yahoo" },
        { "https://yandex.ru/search/?text=acme",
          CX_CHANNEL_SEARCH, "yandex" },
        { "https://yandex.com.tr/", CX_CHANNEL_SEARCH, "yandex" },
        { "https://ya.ru/", CX_CHANNEL_SEARCH, "yandex" },
        { "https://www.baidu.com/link?url=abc", CX_CHANNEL_SEARCH, "baidu" },
        { "https://www.ecosia.org/search?q=acme",
          CX_CHANNEL_SEARCH, "ecosia" },
        { "https://www.qwant.com/?q=acme", CX_CHANNEL_SEARCH, "qwant" },
        { "https://search.naver.com/search.naver?query=acme",
          CX_CHANNEL_SEARCH, "naver" },
        { "https://search.seznam.cz/?q=acme", CX_CHANNEL_SEARCH, "seznam" },
        { "https://www.startpage.com/", CX_CHANNEL_SEARCH, "startpage" },
        { "https://search.brave.com/search?q=acme",
          CX_CHANNEL_SEARCH, "brave" },
        { "https://www.ask.com/web?q=acme", CX_CHANNEL_SEARCH, "ask" },
        { "https://search.aol.com/aol/search?q=acme",
          CX_CHANNEL_SEARCH, "aol" },
        { "https://www.sogou.com/web?query=acme", CX_CHANNEL_SEARCH, "sogou" },
        { "https://www.so.com/s?q=acme", CX_CHANNEL_SEARCH, "so.com" },
        { "https://search.daum.net/search?q=acme",
          CX_CHANNEL_SEARCH, "daum" },
        { "https://search.yahoo.co.jp/search?p=acme",
          CX_CHANNEL_SEARCH, "yahoo_japan" },
        { "https://kagi.com/search?q=acme", CX_CHANNEL_SEARCH, "kagi" },
        { "https://www.mojeek.com/search?q=acme",
          CX_CHANNEL_SEARCH, "mojeek" },
        { "https://m.baidu.com/", CX_CHANNEL_SEARCH, "baidu" },
    };

    check_referrers(cases, nelts(cases));
}


static void
test_social_networks(void **state)
{
    static const referrer_case_t  cases[] = {
        { "https://www.facebook.com/", CX_CHANNEL_SOCIAL, "facebook" },
        { "https://m.facebook.com/", CX_CHANNEL_SOCIAL, "facebook" },
        { "https://l.facebook.com/l.php?u=https%3A%2F%2Facme",
          CX_CHANNEL_SOCIAL, "facebook" },
        { "https://lm.facebook.com/", CX_CHANNEL_SOCIAL, "facebook" },
        { "https://l.instagram.com/?u=x", CX_CHANNEL_SOCIAL, "instagram" },
        { "https://t.co/AbCdEf1234", CX_CHANNEL_SOCIAL, "twitter" },
        { "https://twitter.com/", CX_CHANNEL_SOCIAL, "twitter" },
        { "https://x.com/acme/status/1", CX_CHANNEL_SOCIAL, "twitter" },
        { "https://www.linkedin.com/feed/", CX_CHANNEL_SOCIAL, "linkedin" },
        { "https://lnkd.in/eXyZ", CX_CHANNEL_SOCIAL, "linkedin" },
        { "https://old.reddit.com/r/running/", CX_CHANNEL_SOCIAL, "reddit" },
        { "https://www.youtube.com/", CX_CHANNEL_SOCIAL, "youtube" },
        { "https://youtu.be/dQw4w9WgXcQ", CX_CHANNEL_SOCIAL, "youtube" },
        { "https://www.pinterest.co.uk/", CX_CHANNEL_SOCIAL, "pinterest" },
        { "https://in.pinterest.com/pin/1/", CX_CHANNEL_SOCIAL, "pinterest" },
        { "https://www.pinterest.de/", CX_CHANNEL_SOCIAL, "pinterest" },
        { "https://www.tiktok.com/", CX_CHANNEL_SOCIAL, "tiktok" },
        { "https://www.threads.net/@acme", CX_CHANNEL_SOCIAL, "threads" },
        { "https://bsky.app/profile/acme", CX_CHANNEL_SOCIAL, "bluesky" },
        { "https://mastodon.social/@acme", CX_CHANNEL_SOCIAL, "mastodon" },
        { "https://mastodon.online/", CX_CHANNEL_SOCIAL, "mastodon" },
        { "https://mstdn.social/", CX_CHANNEL_SOCIAL, "mastodon" },
        { "https://fosstodon.org/@acme", CX_CHANNEL_SOCIAL, "mastodon" },
        { "https://m.vk.com/", CX_CHANNEL_SOCIAL, "vk" },
        { "https://weibo.com/", CX_CHANNEL_SOCIAL, "weibo" },
        { "https://www.quora.com/", CX_CHANNEL_SOCIAL, "quora" },
        { "https://www.tumblr.com/", CX_CHANNEL_SOCIAL, "tumblr" },
        { "https://www.snapchat.com/", CX_CHANNEL_SOCIAL, "snapchat" },
        { "https://t.me/acme", CX_CHANNEL_SOCIAL, "telegram" },
        { "https://web.whatsapp.com/", CX_CHANNEL_SOCIAL, "whatsapp" },
    };

    check_referrers(cases, nelts(cases));
}


static void
test_webmail(void **state)
{
    static const referrer_case_t  cases[] = {
        { "https://mail.google.com/mail/u/0/", CX_CHANNEL_EMAIL, "gmail" },
        { "https://outlook.live.com/mail/0/inbox",
          CX_CHANNEL_EMAIL, "outlook" },
        { "https://outlook.office.com/", CX_CHANNEL_EMAIL, "outlook" },
        { "https://outlook.office365.com/owa/", CX_CHANNEL_EMAIL, "outlook" },
        { "https://mail.yahoo.com/d/folders/1", CX_CHANNEL_EMAIL, "yahoo" },
        { "https://mail.aol.com/webmail-std/en-us/suite",
          CX_CHANNEL_EMAIL, "aol" },
        { "https://mail.proton.me/u/0/inbox", CX_CHANNEL_EMAIL, "proton" },
        { "https://mail.zoho.com/zm/", CX_CHANNEL_EMAIL, "zoho" },
        { "https://mail.yandex.ru/", CX_CHANNEL_EMAIL, "yandex" },
        { "https://e.mail.ru/inbox/", CX_CHANNEL_EMAIL, "mail.ru" },
        { "https://email.seznam.cz/", CX_CHANNEL_EMAIL, "seznam" },
        { "https://www.icloud.com/mail/", CX_CHANNEL_EMAIL, "icloud" },
        { "https://webmail.example-isp.net/?_task=mail",
          CX_CHANNEL_EMAIL, "webmail.example-isp.net" },
        { "https://WebMail.Uni-Example.EDU/", CX_CHANNEL_EMAIL,
          "webmail.uni-example.edu" },
    };

    check_referrers(cases, nelts(cases));
}


static void
test_android_apps(void **state)
{
    static const referrer_case_t  cases[] = {
        { "android-app://com.google.android.gm/", CX_CHANNEL_EMAIL, "gmail" },
        { "android-app://com.google.android.googlequicksearchbox/https/"
          "www.google.com", CX_CHANNEL_SEARCH, "google" },
        { "android-app://com.facebook.katana", CX_CHANNEL_SOCIAL,
          "facebook" },
        { "android-app://com.twitter.android/", CX_CHANNEL_SOCIAL,
          "twitter" },
        { "android-app://com.linkedin.android/", CX_CHANNEL_SOCIAL,
          "linkedin" },
        { "android-app://com.slack/", CX_CHANNEL_REFERRAL, "slack" },
        { "android-app://org.telegram.messenger/", CX_CHANNEL_SOCIAL,
          "telegram" },
        { "android-app://com.example.reader/", CX_CHANNEL_REFERRAL,
          "com.example.reader" },
        { "ANDROID-APP://Com.Google.Android.GM/", CX_CHANNEL_EMAIL,
          "gmail" },
        { "android-app://", CX_CHANNEL_DIRECT, NULL },
        { "android-app://com.bad-name/", CX_CHANNEL_DIRECT, NULL },
        { "android-app:com.google.android.gm", CX_CHANNEL_DIRECT, NULL },
    };
    static const context_t  app = { NULL, 0, "acme.app.example" };

    check_referrers(cases, nelts(cases));

    /* a package is no host: never internal */
    check(&app, NULL, "android-app://acme.app.example/", CX_CHANNEL_REFERRAL,
          "acme.app.example");
}


static void
test_internal(void **state)
{
    static const referrer_case_t  cases[] = {
        { "https://www.acme-shop.com/cart", CX_CHANNEL_INTERNAL, NULL },
        { "https://acme-shop.com:8443/", CX_CHANNEL_INTERNAL, NULL },
        { "http://WWW.ACME-SHOP.COM./x", CX_CHANNEL_INTERNAL, NULL },
        { "https://eu.acme-shop.net/", CX_CHANNEL_INTERNAL, NULL },
        { "https://acme-shop.net/", CX_CHANNEL_INTERNAL, NULL },
        { "https://blog.acme.io/2024/post", CX_CHANNEL_INTERNAL, NULL },
        { "https://www.blog.acme.io/", CX_CHANNEL_INTERNAL, NULL },
        /* an exact entry and the request host leave subdomains out */
        { "https://news.blog.acme.io/", CX_CHANNEL_REFERRAL,
          "news.blog.acme.io" },
        { "https://shop.acme-shop.com/", CX_CHANNEL_REFERRAL,
          "shop.acme-shop.com" },
        { "https://notacme-shop.net/", CX_CHANNEL_REFERRAL,
          "notacme-shop.net" },
    };
    static const context_t  ported = { NULL, 0, "Acme-Shop.COM:8080" };
    static const context_t  ipv6 = { NULL, 0, "[2001:db8::5]:8443" };
    static const context_t  none = { NULL, 0, NULL };

    check_referrers(cases, nelts(cases));

    check(&ported, NULL, "https://www.acme-shop.com/", CX_CHANNEL_INTERNAL,
          NULL);
    check(&ported, NULL, "http://acme-shop.com:8080/", CX_CHANNEL_INTERNAL,
          NULL);
    check(&ipv6, NULL, "http://[2001:DB8::5]:8443/a", CX_CHANNEL_INTERNAL,
          NULL);
    check(&none, NULL, "https://www.acme-shop.com/", CX_CHANNEL_REFERRAL,
          "acme-shop.com");
    check(&none, NULL, "https://blog.acme.io/", CX_CHANNEL_INTERNAL, NULL);
}


/* the site's own hosts come before the built-in tables */
static void
test_internal_before_builtin(void **state)
{
    static const context_t  blog = { NULL, 0, "acme.tumblr.com" };
    static const context_t  instance = { NULL, 0, "mastodon.social" };
    static const context_t  webmail = { NULL, 0, "webmail.acme-isp.net" };

    check(&blog, NULL, "https://acme.tumblr.com/post/1", CX_CHANNEL_INTERNAL,
          NULL);
    check(&blog, NULL, "https://www.tumblr.com/", CX_CHANNEL_SOCIAL,
          "tumblr");
    check(&instance, NULL, "https://mastodon.social/@acme",
          CX_CHANNEL_INTERNAL, NULL);
    check(&webmail, NULL, "https://webmail.acme-isp.net/?_task=mail",
          CX_CHANNEL_INTERNAL, NULL);
    check(&plain, NULL, "https://acme.tumblr.com/", CX_CHANNEL_SOCIAL,
          "tumblr");
}


static void
test_referral(void **state)
{
    static const referrer_case_t  cases[] = {
        { "https://news.google.com/articles/abc", CX_CHANNEL_REFERRAL,
          "news.google.com" },
        { "https://maps.google.de/", CX_CHANNEL_REFERRAL, "maps.google.de" },
        { "https://www.example.com/blog/post?id=1#c", CX_CHANNEL_REFERRAL,
          "example.com" },
        { "http://Blog.Example.ORG:8080/a", CX_CHANNEL_REFERRAL,
          "blog.example.org" },
        { "https://user:pw@forum.example.net/t/1", CX_CHANNEL_REFERRAL,
          "forum.example.net" },
        { "https://192.0.2.7/x", CX_CHANNEL_REFERRAL, "192.0.2.7" },
        { "http://[2001:DB8::1]:8080/", CX_CHANNEL_REFERRAL,
          "[2001:db8::1]" },
        { "http://localhost:3000/", CX_CHANNEL_REFERRAL, "localhost" },
        { "https://www.example.com", CX_CHANNEL_REFERRAL, "example.com" },
        { "https://www.com/", CX_CHANNEL_REFERRAL, "www.com" },
        { "https://app.slack.com/client/T1", CX_CHANNEL_REFERRAL, "slack" },
        { "https://xn--caf-dma.example/", CX_CHANNEL_REFERRAL,
          "xn--caf-dma.example" },
        /* a brand only counts as the registrable name, at a dot */
        { "https://googleevil.com/", CX_CHANNEL_REFERRAL, "googleevil.com" },
        { "https://google.evil.com/", CX_CHANNEL_REFERRAL, "google.evil.com" },
        { "https://google.org/", CX_CHANNEL_REFERRAL, "google.org" },
        { "https://notfacebook.com/", CX_CHANNEL_REFERRAL, "notfacebook.com" },
        { "https://facebook.com.evil.net/", CX_CHANNEL_REFERRAL,
          "facebook.com.evil.net" },
        { "https://mail.google.com.evil.net/", CX_CHANNEL_REFERRAL,
          "mail.google.com.evil.net" },
        /* no scheme, or only "//" */
        { "www.example.com/path", CX_CHANNEL_REFERRAL, "example.com" },
        { "//cdn.example.com/x", CX_CHANNEL_REFERRAL, "cdn.example.com" },
        { "example.com:8080/x", CX_CHANNEL_REFERRAL, "example.com" },
        { "google.com/search?q=a:b", CX_CHANNEL_SEARCH, "google" },
        { "  https://www.bing.com/ \t", CX_CHANNEL_SEARCH, "bing" },
        { "https:\\\\evil.example\\x", CX_CHANNEL_DIRECT, NULL },
        { "https://evil.example\\@good.example/", CX_CHANNEL_REFERRAL,
          "evil.example" },
    };

    check_referrers(cases, nelts(cases));
}


static void
test_garbage_is_direct(void **state)
{
    static const referrer_case_t  cases[] = {
        { NULL, CX_CHANNEL_DIRECT, NULL },
        { "", CX_CHANNEL_DIRECT, NULL },
        { "   ", CX_CHANNEL_DIRECT, NULL },
        { "-", CX_CHANNEL_DIRECT, NULL },
        { "about:blank", CX_CHANNEL_DIRECT, NULL },
        { "javascript:alert(1)", CX_CHANNEL_DIRECT, NULL },
        { "data:text/html,x", CX_CHANNEL_DIRECT, NULL },
        { "file:///etc/passwd", CX_CHANNEL_DIRECT, NULL },
        { "http://", CX_CHANNEL_DIRECT, NULL },
        { "http:///x", CX_CHANNEL_DIRECT, NULL },
        { "https://exa mple.com/", CX_CHANNEL_DIRECT, NULL },
        { "http://a..b/", CX_CHANNEL_DIRECT, NULL },
        { "http://.example.com/", CX_CHANNEL_DIRECT, NULL },
        { "http://example.com../", CX_CHANNEL_DIRECT, NULL },
        { "http://-/", CX_CHANNEL_DIRECT, NULL },
        { "http://example.com:80abc/", CX_CHANNEL_DIRECT, NULL },
        { "http://[::1/", CX_CHANNEL_DIRECT, NULL },
        { "http://[]/", CX_CHANNEL_DIRECT, NULL },
        { "http://[xyz]/", CX_CHANNEL_DIRECT, NULL },
        { "http://user@/", CX_CHANNEL_DIRECT, NULL },
        { "http://%65xample.com/", CX_CHANNEL_DIRECT, NULL },
        { "localhost", CX_CHANNEL_DIRECT, NULL },
        { "(none)", CX_CHANNEL_DIRECT, NULL },
        { "\x01\xff\x7f", CX_CHANNEL_DIRECT, NULL },
        { "http:/www.google.com/", CX_CHANNEL_DIRECT, NULL },
    };

    check_referrers(cases, nelts(cases));
}


static void
test_paid(void **state)
{
    static const query_case_t  cases[] = {
        { "gclid=Cj0KCQ", NULL, CX_CHANNEL_PAID, "google" },
        { "gbraid=0AAAA", NULL, CX_CHANNEL_PAID, "google" },
        { "wbraid=CjkKC", NULL, CX_CHANNEL_PAID, "google" },
        { "msclkid=3f2a", NULL, CX_CHANNEL_PAID, "bing" },
        { "fbclid=IwAR0", NULL, CX_CHANNEL_PAID, "facebook" },
        { "ttclid=E.C.P", NULL, CX_CHANNEL_PAID, "tiktok" },
        { "li_fat_id=a1-b2", NULL, CX_CHANNEL_PAID, "linkedin" },
        /* utm_source names the network when there is one */
        { "utm_source=adwords&gclid=x", NULL, CX_CHANNEL_PAID, "adwords" },
        /* the first of the order wins */
        { "fbclid=1&gclid=2", NULL, CX_CHANNEL_PAID, "google" },
        { "utm_medium=cpc&utm_source=google", NULL, CX_CHANNEL_PAID,
          "google" },
        { "utm_medium=PPC&utm_source=bing", NULL, CX_CHANNEL_PAID, "bing" },
        { "utm_medium=paid_social&utm_source=meta", NULL, CX_CHANNEL_PAID,
          "meta" },
        { "utm_medium=Paid-Search", NULL, CX_CHANNEL_PAID, NULL },
        { "utm_medium=paid", NULL, CX_CHANNEL_PAID, NULL },
        { "utm_medium=%43PC", NULL, CX_CHANNEL_PAID, NULL },
        /* names are exact and values must be there */
        { "GCLID=x", NULL, CX_CHANNEL_DIRECT, NULL },
        { "gclid=&fbclid", NULL, CX_CHANNEL_DIRECT, NULL },
        { "xgclid=1", NULL, CX_CHANNEL_DIRECT, NULL },
        { "utm_medium=unpaid", NULL, CX_CHANNEL_CAMPAIGN, NULL },
        { "utm_medium=cpcx", NULL, CX_CHANNEL_CAMPAIGN, NULL },
    };

    check_queries(cases, nelts(cases));
}


static void
test_utm(void **state)
{
    static const query_case_t  cases[] = {
        { "utm_medium=email&utm_source=newsletter", NULL, CX_CHANNEL_EMAIL,
          "newsletter" },
        { "utm_medium=E-Mail", NULL, CX_CHANNEL_EMAIL, NULL },
        { "utm_medium=NEWSLETTER&utm_source=weekly", NULL, CX_CHANNEL_EMAIL,
          "weekly" },
        { "utm_medium=e+mail", NULL, CX_CHANNEL_EMAIL, NULL },
        { "utm_medium=social&utm_source=facebook", NULL, CX_CHANNEL_SOCIAL,
          "facebook" },
        { "utm_medium=social-network&utm_source=x", NULL, CX_CHANNEL_SOCIAL,
          "x" },
        { "utm_medium=Social-Media", NULL, CX_CHANNEL_SOCIAL, NULL },
        { "utm_medium=SM&utm_source=reddit", NULL, CX_CHANNEL_SOCIAL,
          "reddit" },
        { "utm_source=partner", NULL, CX_CHANNEL_CAMPAIGN, "partner" },
        { "utm_medium=banner", NULL, CX_CHANNEL_CAMPAIGN, NULL },
        { "utm_medium=qr&utm_source=poster", NULL, CX_CHANNEL_CAMPAIGN,
          "poster" },
        { "utm_medium=emails", NULL, CX_CHANNEL_CAMPAIGN, NULL },
        /* empty values are absent; campaign alone names no channel */
        { "utm_source=&utm_medium=", NULL, CX_CHANNEL_DIRECT, NULL },
        { "utm_campaign=spring", NULL, CX_CHANNEL_DIRECT, NULL },
        { "utm_campaign=spring", "https://www.google.com/",
          CX_CHANNEL_SEARCH, "google" },
        { "Utm_Source=x", NULL, CX_CHANNEL_DIRECT, NULL },
        { "utm_source=first&utm_source=second", NULL, CX_CHANNEL_CAMPAIGN,
          "first" },
    };

    check_queries(cases, nelts(cases));
}


static void
test_query_before_referrer(void **state)
{
    static const query_case_t  cases[] = {
        { "gclid=x", "https://www.google.com/", CX_CHANNEL_PAID, "google" },
        { "msclkid=x", "https://www.google.com/", CX_CHANNEL_PAID, "bing" },
        { "utm_medium=email", "https://l.facebook.com/", CX_CHANNEL_EMAIL,
          NULL },
        { "utm_medium=email&utm_source=crm", "https://l.facebook.com/",
          CX_CHANNEL_EMAIL, "crm" },
        { "utm_source=newsletter", "https://mail.google.com/",
          CX_CHANNEL_CAMPAIGN, "newsletter" },
        { "utm_source=x", "https://www.acme-shop.com/", CX_CHANNEL_CAMPAIGN,
          "x" },
        /* paid beats the other utm rules */
        { "utm_medium=email&fbclid=1", NULL, CX_CHANNEL_PAID, "facebook" },
        /* other parameters leave the referrer to decide */
        { "q=shoes&page=2", "https://duckduckgo.com/", CX_CHANNEL_SEARCH,
          "duckduckgo" },
        { "q=shoes", NULL, CX_CHANNEL_DIRECT, NULL },
    };

    check_queries(cases, nelts(cases));
}


static void
assert_field(cx_str_t s, const char *expected)
{
    if (expected == NULL) {
        assert_null(s.data);
        assert_int_equal(s.len, 0);
        return;
    }

    assert_non_null(s.data);
    assert_int_equal(s.len, strlen(expected));
    assert_memory_equal(s.data, expected, s.len);
}


static void
test_values_decoded(void **state)
{
    cx_channel_result_t  out;

    classify(&plain, "utm_source=caf%C3%A9&utm_medium=E%2DMail"
             "&utm_campaign=spring%20sale&utm_term=running+shoes"
             "&utm_content=banner%2Bhero", NULL, &out);

    assert_int_equal(out.channel, CX_CHANNEL_EMAIL);
    assert_field(out.source, "caf\xc3\xa9");
    assert_field(out.medium, "E-Mail");
    assert_field(out.campaign, "spring sale");
    assert_field(out.term, "running shoes");
    assert_field(out.content, "banner+hero");

    classify(&plain, "utm_campaign=spring+sale&utm_content=", NULL, &out);
    assert_field(out.campaign, "spring sale");
    assert_field(out.content, NULL);
    assert_field(out.source, NULL);
    assert_field(out.medium, NULL);
    assert_field(out.term, NULL);

    /* the values stay on any channel, and the decoded ones are in scratch */
    classify(&plain, "utm_campaign=a%20b&utm_term=x",
             "https://www.acme-shop.com/", &out);
    assert_int_equal(out.channel, CX_CHANNEL_INTERNAL);
    assert_field(out.campaign, "a b");
    assert_field(out.term, "x");
    assert_true(out.campaign.data >= scratch
                && out.campaign.data + out.campaign.len
                   <= scratch + scratch_size);
}


static void
test_operator_hosts(void **state)
{
    static const cx_channel_host_t  hosts[] = {
        { cx_string("partner.example.com"), CX_CHANNEL_REFERRAL,
          cx_string("partner") },
        { cx_string("news.google.com"), CX_CHANNEL_SEARCH,
          cx_string("google_news") },
        { cx_string("t.co"), CX_CHANNEL_REFERRAL, cx_null_string },
        { cx_string(".example.edu"), CX_CHANNEL_REFERRAL,
          cx_string("university") },
        { cx_string("cs.example.edu"), CX_CHANNEL_SOCIAL,
          cx_string("cs_forum") },
        { cx_string(".Forum.Example.ORG."), CX_CHANNEL_SOCIAL,
          cx_null_string },
        { cx_string("www.checkout.pay.example"), CX_CHANNEL_INTERNAL,
          cx_string("ignored") },
        { cx_string("com.example.reader"), CX_CHANNEL_SOCIAL,
          cx_string("reader") },
        { cx_string(".acme-shop.net"), CX_CHANNEL_REFERRAL,
          cx_string("sister") },
        { cx_string("dup.example"), CX_CHANNEL_SOCIAL, cx_string("first") },
        { cx_string("www.dup.example"), CX_CHANNEL_EMAIL,
          cx_string("second") },
        { cx_string("bing.com"), CX_CHANNEL_NONE, cx_string("none") },
        { cx_string("duckduckgo.com"), CX_CHANNEL_COUNT, cx_string("bad") },
        { cx_string("."), CX_CHANNEL_SOCIAL, cx_string("dot") },
        { cx_null_string, CX_CHANNEL_SOCIAL, cx_string("empty") },
    };
    static const context_t  ops = { hosts, nelts(hosts), "www.acme-shop.com" };

    /* an added host, and built-in ones overridden */
    check(&ops, NULL, "https://partner.example.com/deal", CX_CHANNEL_REFERRAL,
          "partner");
    check(&ops, NULL, "https://news.google.com/", CX_CHANNEL_SEARCH,
          "google_news");
    check(&ops, NULL, "https://t.co/x", CX_CHANNEL_REFERRAL, "t.co");
    check(&ops, NULL, "https://www.google.com/", CX_CHANNEL_SEARCH, "google");

    /* ".domain": the domain and every subdomain, the most specific wins */
    check(&ops, NULL, "https://example.edu/", CX_CHANNEL_REFERRAL,
          "university");
    check(&ops, NULL, "https://www.math.example.edu/", CX_CHANNEL_REFERRAL,
          "university");
    check(&ops, NULL, "https://cs.example.edu/", CX_CHANNEL_SOCIAL,
          "cs_forum");
    check(&ops, NULL, "https://www.cs.example.edu/", CX_CHANNEL_SOCIAL,
          "cs_forum");
    check(&ops, NULL, "https://a.cs.example.edu/", CX_CHANNEL_REFERRAL,
          "university");
    check(&ops, NULL, "https://notexample.edu/", CX_CHANNEL_REFERRAL,
          "notexample.edu");

    /* case and a trailing dot ignored; no source names the host */
    check(&ops, NULL, "https://www.forum.example.org/t/1", CX_CHANNEL_SOCIAL,
          "forum.example.org");
    check(&ops, NULL, "https://eu.forum.example.org/", CX_CHANNEL_SOCIAL,
          "eu.forum.example.org");

    /* an internal entry has no source; entries match packages too */
    check(&ops, NULL, "https://checkout.pay.example/return",
          CX_CHANNEL_INTERNAL, NULL);
    check(&ops, NULL, "android-app://com.example.reader/", CX_CHANNEL_SOCIAL,
          "reader");

    /* the operator's entries come before cx_internal_hosts */
    check(&ops, NULL, "https://eu.acme-shop.net/", CX_CHANNEL_REFERRAL,
          "sister");

    /* of two as specific, the first */
    check(&ops, NULL, "https://www.dup.example/", CX_CHANNEL_SOCIAL,
          "first");

    /* entries without a channel, or without a host, are ignored */
    check(&ops, NULL, "https://www.bing.com/", CX_CHANNEL_SEARCH, "bing");
    check(&ops, NULL, "https://duckduckgo.com/", CX_CHANNEL_SEARCH,
          "duckduckgo");
    check(&ops, NULL, "https://www.example.com/", CX_CHANNEL_REFERRAL,
          "example.com");
}


static void
test_names(void **state)
{
    static const char  *names[] = {
        NULL, "direct", "internal", "search", "social", "email", "paid",
        "referral", "campaign"
    };
    int                 c;

    for (c = CX_CHANNEL_NONE; c < CX_CHANNEL_COUNT; c++) {

        if (names[c] == NULL) {
            assert_null(cx_channel_name((cx_channel_e) c));
            continue;
        }

        assert_string_equal(cx_channel_name((cx_channel_e) c), names[c]);
        assert_int_equal(cx_channel_from_name(cstr(names[c])), c);
    }

    assert_null(cx_channel_name(CX_CHANNEL_COUNT));
    assert_int_equal(cx_channel_from_name(str("Search")), CX_CHANNEL_SEARCH);
    assert_int_equal(cx_channel_from_name(str("EMAIL")), CX_CHANNEL_EMAIL);
    assert_int_equal(cx_channel_from_name(str("none")), CX_CHANNEL_NONE);
    assert_int_equal(cx_channel_from_name(str("searc")), CX_CHANNEL_NONE);
    assert_int_equal(cx_channel_from_name(str("searchx")), CX_CHANNEL_NONE);
    assert_int_equal(cx_channel_from_name(str("")), CX_CHANNEL_NONE);
    assert_int_equal(cx_channel_from_name((cx_str_t) cx_null_string),
                     CX_CHANNEL_NONE);
}


/* a scratch smaller than required drops values but is never overrun */
static void
test_small_scratch(void **state)
{
    unsigned char        buf[16];
    cx_channel_result_t  out;
    cx_str_t             q, r;

    q = str("utm_campaign=abcdefghij&utm_term=klmnopqrst");
    r = str("https://www.example.com/");

    memset(buf, 0xa5, sizeof(buf));
    cx_channel_classify(q, r, str("acme.test"), NULL, 0, NULL, 0, buf, 12,
                        &out);

    assert_int_equal(out.channel, CX_CHANNEL_DIRECT);
    assert_field(out.campaign, "abcdefghij");
    assert_field(out.term, NULL);
    assert_int_equal(buf[12], 0xa5);

    cx_channel_classify(q, r, str("acme.test"), NULL, 0, NULL, 0, NULL, 0,
                        &out);
    assert_int_equal(out.channel, CX_CHANNEL_DIRECT);
    assert_field(out.campaign, NULL);

    /* the exact size is enough for everything */
    cx_channel_classify(str("gclid=1&utm_source=s"), str("https://b.c/"),
                        str("acme.test"), NULL, 0, NULL, 0, buf, 1, &out);
    assert_int_equal(out.channel, CX_CHANNEL_PAID);
    assert_field(out.source, "s");
}


static void
teardown(void)
{
    free(scratch);
    scratch = NULL;
}


int
main(void)
{
    int                      rc;
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_search_engines),
        cmocka_unit_test(test_social_networks),
        cmocka_unit_test(test_webmail),
        cmocka_unit_test(test_android_apps),
        cmocka_unit_test(test_internal),
        cmocka_unit_test(test_internal_before_builtin),
        cmocka_unit_test(test_referral),
        cmocka_unit_test(test_garbage_is_direct),
        cmocka_unit_test(test_paid),
        cmocka_unit_test(test_utm),
        cmocka_unit_test(test_query_before_referrer),
        cmocka_unit_test(test_values_decoded),
        cmocka_unit_test(test_operator_hosts),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_small_scratch),
    };

    rc = cmocka_run_group_tests(tests, NULL, NULL);
    teardown();

    return rc;
}
