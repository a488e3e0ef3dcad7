
/*
 * Traffic channel of a landing: see cx_channel.h.
 *
 * The query decides first (click ids, utm_*), then the Referer's host: the
 * operator's entries, the site's own hosts, then three built-in tables kept
 * sorted for bsearch(): hosts (exact, or a domain with its subdomains, the
 * most specific suffix winning), brands present under every country domain
 * (google.de, google.co.uk, google.com.br), and Android packages.
 */


#include <stdlib.h>
#include <string.h>

#include "cx_channel.h"
#include "cx_query.h"
#include "cx_referrer.h"
#include "cx_url.h"


#define cx_channel_domain(host, channel, source)                              \
    { cx_string(host), 1, CX_CHANNEL_ ## channel, cx_string(source) }
#define cx_channel_exact(host, channel, source)                               \
    { cx_string(host), 0, CX_CHANNEL_ ## channel, cx_string(source) }

#define cx_channel_nelts(a)   (sizeof(a) / sizeof((a)[0]))

/* hosts are lowercased by then */
#define cx_channel_letter(c)  ((c) >= 'a' && (c) <= 'z')


typedef struct {
    cx_str_t       key;
    unsigned       subdomains;   /* any subdomain of key matches too */
    cx_channel_e   channel;
    cx_str_t       source;
} cx_channel_known_t;


typedef struct {
    unsigned char  *pos;
    size_t          left;
} cx_channel_scratch_t;


/* the query parameters read, in one pass; click ids in the order */
typedef enum {
    CX_CHANNEL_PARAM_UTM_SOURCE = 0,
    CX_CHANNEL_PARAM_UTM_MEDIUM,
    CX_CHANNEL_PARAM_UTM_CAMPAIGN,
    CX_CHANNEL_PARAM_UTM_TERM,
    CX_CHANNEL_PARAM_UTM_CONTENT,
    CX_CHANNEL_PARAM_GCLID,
    CX_CHANNEL_PARAM_GBRAID,
    CX_CHANNEL_PARAM_WBRAID,
    CX_CHANNEL_PARAM_MSCLKID,
    CX_CHANNEL_PARAM_FBCLID,
    CX_CHANNEL_PARAM_TTCLID,
    CX_CHANNEL_PARAM_LI_FAT_ID,
    CX_CHANNEL_PARAM_COUNT
} cx_channel_param_e;


typedef struct {
    cx_str_t       name;
    cx_str_t       network;      /* of a click id */
} cx_channel_param_t;


static void cx_channel_read_query(cx_str_t query, cx_str_t *raw);
static cx_str_t cx_channel_decode(cx_str_t raw, cx_channel_scratch_t *scratch);
static int cx_channel_from_query(const cx_str_t *raw,
    cx_channel_result_t *out);
static int cx_channel_medium_in(cx_str_t medium, const cx_str_t *list,
    size_t n);
static int cx_channel_valid(cx_channel_e channel);
static int cx_channel_from_hosts(const cx_referrer_t *ref,
    const cx_channel_host_t *hosts, size_t nhosts, cx_channel_result_t *out);
static int cx_channel_is_internal(const cx_referrer_t *ref,
    cx_str_t request_host, const cx_str_t *internal, size_t ninternal);
static int cx_channel_from_builtin(const cx_referrer_t *ref,
    cx_channel_result_t *out);
static const cx_channel_known_t *cx_channel_lookup(
    const cx_channel_known_t *table, size_t n, cx_str_t key);
static const cx_channel_known_t *cx_channel_lookup_host(cx_str_t name);
static const cx_channel_known_t *cx_channel_lookup_family(cx_str_t name);
static int cx_channel_compare(const void *key, const void *entry);
static cx_str_t cx_channel_last_label(cx_str_t host, cx_str_t *rest);
static int cx_channel_equal_nocase(cx_str_t a, cx_str_t b);
static int cx_channel_prefix_nocase(cx_str_t s, cx_str_t prefix);
static unsigned char cx_channel_lower(unsigned char c);


static const cx_str_t  cx_channel_webmail = cx_string("webmail.");
static const cx_str_t  cx_channel_paid_prefix = cx_string("paid");


static const char  *cx_channel_names[CX_CHANNEL_COUNT] = {
    NULL, "direct", "internal", "search", "social", "email", "paid",
    "referral", "campaign"
};


static const cx_channel_param_t  cx_channel_params[CX_CHANNEL_PARAM_COUNT] = {
    { cx_string("utm_source"), cx_null_string },
    { cx_string("utm_medium"), cx_null_string },
    { cx_string("utm_campaign"), cx_null_string },
    { cx_string("utm_term"), cx_null_string },
    { cx_string("utm_content"), cx_null_string },
    { cx_string("gclid"), cx_string("google") },
    { cx_string("gbraid"), cx_string("google") },
    { cx_string("wbraid"), cx_string("google") },
    { cx_string("msclkid"), cx_string("bing") },
    { cx_string("fbclid"), cx_string("facebook") },
    { cx_string("ttclid"), cx_string("tiktok") },
    { cx_string("li_fat_id"), cx_string("linkedin") }
};


/* utm_medium values, compared case-insensitively after decoding */
static const cx_str_t  cx_channel_paid_media[] = {
    cx_string("cpc"), cx_string("ppc")
};

static const cx_str_t  cx_channel_email_media[] = {
    cx_string("email"), cx_string("e-mail"), cx_string("e_mail"),
    cx_string("e mail"), cx_string("newsletter")
};

static const cx_str_t  cx_channel_social_media[] = {
    cx_string("social"), cx_string("social-network"),
    cx_string("social_network"), cx_string("social network"),
    cx_string("social-media"), cx_string("social_media"),
    cx_string("social media"), cx_string("sm")
};


/* without "www.", sorted bytewise (LC_ALL=C sort) */
static const cx_channel_known_t  cx_channel_hosts[] = {
    cx_channel_domain("app.fastmail.com",       EMAIL,    "fastmail"),
    cx_channel_domain("app.tuta.com",           EMAIL,    "tuta"),
    cx_channel_domain("ask.com",                SEARCH,   "ask"),
    cx_channel_domain("baidu.com",              SEARCH,   "baidu"),
    cx_channel_domain("bing.com",               SEARCH,   "bing"),
    cx_channel_domain("bsky.app",               SOCIAL,   "bluesky"),
    cx_channel_domain("coccoc.com",             SEARCH,   "coccoc"),
    cx_channel_exact("daum.net",                SEARCH,   "daum"),
    cx_channel_domain("discord.com",            SOCIAL,   "discord"),
    cx_channel_domain("discord.gg",             SOCIAL,   "discord"),
    cx_channel_domain("discordapp.com",         SOCIAL,   "discord"),
    cx_channel_domain("dogpile.com",            SEARCH,   "dogpile"),
    cx_channel_domain("duckduckgo.com",         SEARCH,   "duckduckgo"),
    cx_channel_domain("e.mail.ru",              EMAIL,    "mail.ru"),
    cx_channel_domain("ecosia.org",             SEARCH,   "ecosia"),
    cx_channel_domain("email.seznam.cz",        EMAIL,    "seznam"),
    cx_channel_domain("exmail.qq.com",          EMAIL,    "qq"),
    cx_channel_domain("facebook.com",           SOCIAL,   "facebook"),
    cx_channel_domain("fb.com",                 SOCIAL,   "facebook"),
    cx_channel_domain("fb.me",                  SOCIAL,   "facebook"),
    cx_channel_domain("fosstodon.org",          SOCIAL,   "mastodon"),
    cx_channel_domain("go.mail.ru",             SEARCH,   "mail.ru"),
    cx_channel_domain("haosou.com",             SEARCH,   "so.com"),
    cx_channel_exact("icloud.com",              EMAIL,    "icloud"),
    cx_channel_domain("instagram.com",          SOCIAL,   "instagram"),
    cx_channel_domain("kagi.com",               SEARCH,   "kagi"),
    cx_channel_domain("line.me",                SOCIAL,   "line"),
    cx_channel_domain("linkedin.com",           SOCIAL,   "linkedin"),
    cx_channel_domain("lnkd.in",                SOCIAL,   "linkedin"),
    cx_channel_exact("m.naver.com",             SEARCH,   "naver"),
    cx_channel_domain("mail.126.com",           EMAIL,    "126"),
    cx_channel_domain("mail.163.com",           EMAIL,    "163"),
    cx_channel_domain("mail.aol.com",           EMAIL,    "aol"),
    cx_channel_domain("mail.daum.net",          EMAIL,    "daum"),
    cx_channel_domain("mail.google.com",        EMAIL,    "gmail"),
    cx_channel_domain("mail.libero.it",         EMAIL,    "libero"),
    cx_channel_domain("mail.naver.com",         EMAIL,    "naver"),
    cx_channel_domain("mail.proton.me",         EMAIL,    "proton"),
    cx_channel_domain("mail.protonmail.com",    EMAIL,    "proton"),
    cx_channel_domain("mail.qq.com",            EMAIL,    "qq"),
    cx_channel_domain("mail.tutanota.com",      EMAIL,    "tuta"),
    cx_channel_domain("mail.yahoo.co.jp",       EMAIL,    "yahoo_japan"),
    cx_channel_domain("mail.yahoo.com",         EMAIL,    "yahoo"),
    cx_channel_domain("mail.yandex.com",        EMAIL,    "yandex"),
    cx_channel_domain("mail.yandex.ru",         EMAIL,    "yandex"),
    cx_channel_domain("mail.zoho.com",          EMAIL,    "zoho"),
    cx_channel_domain("mail.zoho.eu",           EMAIL,    "zoho"),
    cx_channel_domain("mail.zoho.in",           EMAIL,    "zoho"),
    cx_channel_domain("mastodon.online",        SOCIAL,   "mastodon"),
    cx_channel_domain("mastodon.social",        SOCIAL,   "mastodon"),
    cx_channel_domain("messenger.com",          SOCIAL,   "messenger"),
    cx_channel_domain("metager.de",             SEARCH,   "metager"),
    cx_channel_domain("metager.org",            SEARCH,   "metager"),
    cx_channel_domain("mojeek.co.uk",           SEARCH,   "mojeek"),
    cx_channel_domain("mojeek.com",             SEARCH,   "mojeek"),
    cx_channel_domain("mstdn.social",           SOCIAL,   "mastodon"),
    cx_channel_exact("naver.com",               SEARCH,   "naver"),
    cx_channel_domain("news.ycombinator.com",   SOCIAL,   "hackernews"),
    cx_channel_domain("nova.rambler.ru",        SEARCH,   "rambler"),
    cx_channel_domain("ok.ru",                  SOCIAL,   "odnoklassniki"),
    cx_channel_domain("outlook.live.com",       EMAIL,    "outlook"),
    cx_channel_domain("outlook.office.com",     EMAIL,    "outlook"),
    cx_channel_domain("outlook.office365.com",  EMAIL,    "outlook"),
    cx_channel_domain("petalsearch.com",        SEARCH,   "petal"),
    cx_channel_domain("pin.it",                 SOCIAL,   "pinterest"),
    cx_channel_domain("presearch.com",          SEARCH,   "presearch"),
    cx_channel_domain("quora.com",              SOCIAL,   "quora"),
    cx_channel_domain("qwant.com",              SEARCH,   "qwant"),
    cx_channel_domain("redd.it",                SOCIAL,   "reddit"),
    cx_channel_domain("reddit.com",             SOCIAL,   "reddit"),
    cx_channel_domain("search.aol.com",         SEARCH,   "aol"),
    cx_channel_domain("search.brave.com",       SEARCH,   "brave"),
    cx_channel_domain("search.daum.net",        SEARCH,   "daum"),
    cx_channel_domain("search.goo.ne.jp",       SEARCH,   "goo"),
    cx_channel_domain("search.lycos.com",       SEARCH,   "lycos"),
    cx_channel_domain("search.naver.com",       SEARCH,   "naver"),
    cx_channel_domain("search.yahoo.co.jp",     SEARCH,   "yahoo_japan"),
    cx_channel_domain("search.yahoo.com",       SEARCH,   "yahoo"),
    cx_channel_domain("seznam.cz",              SEARCH,   "seznam"),
    cx_channel_domain("slack-redir.net",        REFERRAL, "slack"),
    cx_channel_domain("slack.com",              REFERRAL, "slack"),
    cx_channel_domain("sm.cn",                  SEARCH,   "shenma"),
    cx_channel_domain("snapchat.com",           SOCIAL,   "snapchat"),
    cx_channel_domain("so.com",                 SEARCH,   "so.com"),
    cx_channel_domain("sogou.com",              SEARCH,   "sogou"),
    cx_channel_domain("startpage.com",          SEARCH,   "startpage"),
    cx_channel_domain("swisscows.com",          SEARCH,   "swisscows"),
    cx_channel_domain("t.cn",                   SOCIAL,   "weibo"),
    cx_channel_domain("t.co",                   SOCIAL,   "twitter"),
    cx_channel_domain("t.me",                   SOCIAL,   "telegram"),
    cx_channel_domain("telegram.me",            SOCIAL,   "telegram"),
    cx_channel_domain("telegram.org",           SOCIAL,   "telegram"),
    cx_channel_domain("threads.com",            SOCIAL,   "threads"),
    cx_channel_domain("threads.net",            SOCIAL,   "threads"),
    cx_channel_domain("tiktok.com",             SOCIAL,   "tiktok"),
    cx_channel_domain("tumblr.com",             SOCIAL,   "tumblr"),
    cx_channel_domain("twitter.com",            SOCIAL,   "twitter"),
    cx_channel_domain("vk.com",                 SOCIAL,   "vk"),
    cx_channel_domain("vk.ru",                  SOCIAL,   "vk"),
    cx_channel_domain("wa.me",                  SOCIAL,   "whatsapp"),
    cx_channel_domain("weibo.cn",               SOCIAL,   "weibo"),
    cx_channel_domain("weibo.com",              SOCIAL,   "weibo"),
    cx_channel_domain("whatsapp.com",           SOCIAL,   "whatsapp"),
    cx_channel_domain("x.com",                  SOCIAL,   "twitter"),
    cx_channel_domain("ya.ru",                  SEARCH,   "yandex"),
    cx_channel_domain("yep.com",                SEARCH,   "yep"),
    cx_channel_domain("youtu.be",               SOCIAL,   "youtube"),
    cx_channel_domain("youtube.com",            SOCIAL,   "youtube"),
};


/*
 * Brands under "com", any two-letter country domain, and "co." or "com."
 * before one; "exact" ones match only the bare domain and "m.", so that
 * news.google.com or maps.google.de stay referrals of their own.
 */
static const cx_channel_known_t  cx_channel_families[] = {
    cx_channel_exact("google",                  SEARCH,   "google"),
    cx_channel_domain("pinterest",              SOCIAL,   "pinterest"),
    cx_channel_exact("yandex",                  SEARCH,   "yandex")
};


/* android-app://<package>/ referrers, sorted bytewise */
static const cx_channel_known_t  cx_channel_packages[] = {
    cx_channel_exact("ch.protonmail.android",          EMAIL,    "proton"),
    cx_channel_exact("com.discord",                    SOCIAL,   "discord"),
    cx_channel_exact("com.duckduckgo.mobile.android",  SEARCH,   "duckduckgo"),
    cx_channel_exact("com.facebook.katana",            SOCIAL,   "facebook"),
    cx_channel_exact("com.facebook.lite",              SOCIAL,   "facebook"),
    cx_channel_exact("com.facebook.orca",              SOCIAL,   "messenger"),
    cx_channel_exact("com.google.android.apps.searchlite",
                     SEARCH, "google"),
    cx_channel_exact("com.google.android.gm",          EMAIL,    "gmail"),
    cx_channel_exact("com.google.android.googlequicksearchbox",
                     SEARCH, "google"),
    cx_channel_exact("com.google.android.youtube",     SOCIAL,   "youtube"),
    cx_channel_exact("com.instagram.android",          SOCIAL,   "instagram"),
    cx_channel_exact("com.linkedin.android",           SOCIAL,   "linkedin"),
    cx_channel_exact("com.microsoft.bing",             SEARCH,   "bing"),
    cx_channel_exact("com.microsoft.office.outlook",   EMAIL,    "outlook"),
    cx_channel_exact("com.pinterest",                  SOCIAL,   "pinterest"),
    cx_channel_exact("com.reddit.frontpage",           SOCIAL,   "reddit"),
    cx_channel_exact("com.slack",                      REFERRAL, "slack"),
    cx_channel_exact("com.snapchat.android",           SOCIAL,   "snapchat"),
    cx_channel_exact("com.twitter.android",            SOCIAL,   "twitter"),
    cx_channel_exact("com.vkontakte.android",          SOCIAL,   "vk"),
    cx_channel_exact("com.whatsapp",                   SOCIAL,   "whatsapp"),
    cx_channel_exact("com.yahoo.mobile.client.android.mail",
                     EMAIL, "yahoo"),
    cx_channel_exact("com.zhiliaoapp.musically",       SOCIAL,   "tiktok"),
    cx_channel_exact("jp.naver.line.android",          SOCIAL,   "line"),
    cx_channel_exact("org.telegram.messenger",         SOCIAL,   "telegram"),
};


const char *
cx_channel_name(cx_channel_e channel)
{
    return cx_channel_valid(channel) ? cx_channel_names[channel] : NULL;
}


cx_channel_e
cx_channel_from_name(cx_str_t name)
{
    int       c;
    cx_str_t  known;

    for (c = CX_CHANNEL_DIRECT; c < CX_CHANNEL_COUNT; c++) {
        known.data = (const unsigned char *) cx_channel_names[c];
        known.len = strlen(cx_channel_names[c]);

        if (cx_channel_equal_nocase(name, known)) {
            return (cx_channel_e) c;
        }
    }

    return CX_CHANNEL_NONE;
}


void
cx_channel_classify(cx_str_t query, cx_str_t referrer, cx_str_t request_host,
    const cx_channel_host_t *hosts, size_t nhosts, const cx_str_t *internal,
    size_t ninternal, unsigned char *scratch, size_t scratch_size,
    cx_channel_result_t *out)
{
    cx_str_t              raw[CX_CHANNEL_PARAM_COUNT];
    cx_referrer_t         ref;
    cx_channel_scratch_t  buf;

    buf.pos = scratch;
    buf.left = (scratch != NULL) ? scratch_size : 0;

    cx_channel_read_query(query, raw);

    out->channel = CX_CHANNEL_NONE;
    out->source = cx_channel_decode(raw[CX_CHANNEL_PARAM_UTM_SOURCE], &buf);
    out->medium = cx_channel_decode(raw[CX_CHANNEL_PARAM_UTM_MEDIUM], &buf);
    out->campaign = cx_channel_decode(raw[CX_CHANNEL_PARAM_UTM_CAMPAIGN],
                                      &buf);
    out->term = cx_channel_decode(raw[CX_CHANNEL_PARAM_UTM_TERM], &buf);
    out->content = cx_channel_decode(raw[CX_CHANNEL_PARAM_UTM_CONTENT],
                                     &buf);

    if (cx_channel_from_query(raw, out)) {
        return;
    }

    /* from here on utm_source is absent, and so is out->source */

    if (!cx_referrer_parse(referrer, buf.pos, buf.left, &ref)) {
        out->channel = CX_CHANNEL_DIRECT;
        return;
    }

    if (cx_channel_from_hosts(&ref, hosts, nhosts, out)) {
        return;
    }

    /*
     * The site's own hosts come before the built-in tables: to a blog on
     * tumblr.com or to mastodon.social, a link from itself is internal
     */

    if (cx_channel_is_internal(&ref, request_host, internal, ninternal)) {
        out->channel = CX_CHANNEL_INTERNAL;
        return;
    }

    if (cx_channel_from_builtin(&ref, out)) {
        return;
    }

    out->channel = CX_CHANNEL_REFERRAL;
    out->source = ref.name;
}


/* the first value of each parameter, data NULL when there is none */
static void
cx_channel_read_query(cx_str_t query, cx_str_t *raw)
{
    size_t    i;
    cx_str_t  rest, name, value;

    for (i = 0; i < CX_CHANNEL_PARAM_COUNT; i++) {
        raw[i].data = NULL;
        raw[i].len = 0;
    }

    rest = query;

    while (cx_query_next(&rest, &name, &value)) {

        for (i = 0; i < CX_CHANNEL_PARAM_COUNT; i++) {

            if (name.len == cx_channel_params[i].name.len
                && memcmp(name.data, cx_channel_params[i].name.data,
                          name.len) == 0)
            {
                if (raw[i].data == NULL) {
                    raw[i] = value;
                }

                break;
            }
        }
    }
}


/* a decoded query value in the scratch; empty values are absent */
static cx_str_t
cx_channel_decode(cx_str_t raw, cx_channel_scratch_t *scratch)
{
    cx_str_t  value;

    value.data = NULL;
    value.len = 0;

    if (raw.len == 0 || raw.len > scratch->left) {
        return value;
    }

    value.len = cx_url_decode(scratch->pos, raw, 1);
    value.data = scratch->pos;

    scratch->pos += value.len;
    scratch->left -= value.len;

    return value;
}


static int
cx_channel_from_query(const cx_str_t *raw, cx_channel_result_t *out)
{
    size_t  i;

    for (i = CX_CHANNEL_PARAM_GCLID; i < CX_CHANNEL_PARAM_COUNT; i++) {

        if (raw[i].len != 0) {
            out->channel = CX_CHANNEL_PAID;

            if (out->source.data == NULL) {
                out->source = cx_channel_params[i].network;
            }

            return 1;
        }
    }

    if (out->medium.data != NULL) {

        if (cx_channel_prefix_nocase(out->medium, cx_channel_paid_prefix)
            || cx_channel_medium_in(out->medium, cx_channel_paid_media,
                                    cx_channel_nelts(cx_channel_paid_media)))
        {
            out->channel = CX_CHANNEL_PAID;
            return 1;
        }

        if (cx_channel_medium_in(out->medium, cx_channel_email_media,
                                 cx_channel_nelts(cx_channel_email_media)))
        {
            out->channel = CX_CHANNEL_EMAIL;
            return 1;
        }

        if (cx_channel_medium_in(out->medium, cx_channel_social_media,
                                 cx_channel_nelts(cx_channel_social_media)))
        {
            out->channel = CX_CHANNEL_SOCIAL;
            return 1;
        }
    }

    if (out->source.data != NULL || out->medium.data != NULL) {
        out->channel = CX_CHANNEL_CAMPAIGN;
        return 1;
    }

    return 0;
}


static int
cx_channel_medium_in(cx_str_t medium, const cx_str_t *list, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if (cx_channel_equal_nocase(medium, list[i])) {
            return 1;
        }
    }

    return 0;
}


static int
cx_channel_valid(cx_channel_e channel)
{
    return (unsigned) channel > CX_CHANNEL_NONE
           && (unsigned) channel < CX_CHANNEL_COUNT;
}


/* the most specific of the operator's entries wins */
static int
cx_channel_from_hosts(const cx_referrer_t *ref,
    const cx_channel_host_t *hosts, size_t nhosts, cx_channel_result_t *out)
{
    size_t                    i, rank, best_rank;
    const cx_channel_host_t  *best;

    best = NULL;
    best_rank = 0;

    for (i = 0; i < nhosts; i++) {

        if (!cx_channel_valid(hosts[i].channel)) {
            continue;
        }

        rank = cx_referrer_match(ref, hosts[i].host);

        if (rank > best_rank) {
            best = &hosts[i];
            best_rank = rank;
        }
    }

    if (best == NULL) {
        return 0;
    }

    out->channel = best->channel;

    if (best->channel == CX_CHANNEL_DIRECT
        || best->channel == CX_CHANNEL_INTERNAL)
    {
        return 1;
    }

    if (best->source.data != NULL && best->source.len != 0) {
        out->source = best->source;

    } else {
        out->source = ref->name;
    }

    return 1;
}


static int
cx_channel_is_internal(const cx_referrer_t *ref, cx_str_t request_host,
    const cx_str_t *internal, size_t ninternal)
{
    size_t  i;

    if (ref->android) {
        return 0;
    }

    if (cx_referrer_same_host(ref, request_host)) {
        return 1;
    }

    for (i = 0; i < ninternal; i++) {
        if (cx_referrer_match(ref, internal[i]) != 0) {
            return 1;
        }
    }

    return 0;
}


static int
cx_channel_from_builtin(const cx_referrer_t *ref, cx_channel_result_t *out)
{
    const cx_channel_known_t  *known;

    if (ref->android) {
        known = cx_channel_lookup(cx_channel_packages,
                                  cx_channel_nelts(cx_channel_packages),
                                  ref->name);

    } else {
        known = cx_channel_lookup_host(ref->name);

        if (known == NULL) {
            known = cx_channel_lookup_family(ref->name);
        }
    }

    if (known != NULL) {
        out->channel = known->channel;
        out->source = known->source;
        return 1;
    }

    if (!ref->android && ref->name.len > cx_channel_webmail.len
        && cx_channel_prefix_nocase(ref->name, cx_channel_webmail))
    {
        out->channel = CX_CHANNEL_EMAIL;
        out->source = ref->name;
        return 1;
    }

    return 0;
}


static const cx_channel_known_t *
cx_channel_lookup(const cx_channel_known_t *table, size_t n, cx_str_t key)
{
    return bsearch(&key, table, n, sizeof(cx_channel_known_t),
                   cx_channel_compare);
}


/* the host itself, then each parent domain: the most specific entry wins */
static const cx_channel_known_t *
cx_channel_lookup_host(cx_str_t name)
{
    cx_str_t                   suffix;
    const unsigned char       *dot;
    const cx_channel_known_t  *known;

    suffix = name;

    for ( ;; ) {
        known = cx_channel_lookup(cx_channel_hosts,
                                  cx_channel_nelts(cx_channel_hosts), suffix);

        if (known != NULL && (known->subdomains || suffix.len == name.len)) {
            return known;
        }

        dot = memchr(suffix.data, '.', suffix.len);

        if (dot == NULL) {
            return NULL;
        }

        suffix.len -= dot + 1 - suffix.data;
        suffix.data = dot + 1;
    }
}


/*
 * "brand.com", "brand.xx", "brand.co.xx", "brand.com.xx" with xx any two
 * letters, and what precedes the brand when the family allows it
 */
static const cx_channel_known_t *
cx_channel_lookup_family(cx_str_t name)
{
    cx_str_t                   tld, second, brand, rest, before;
    const cx_channel_known_t  *known;

    tld = cx_channel_last_label(name, &rest);

    if (rest.data == NULL) {
        return NULL;
    }

    if (tld.len == 2) {

        if (!cx_channel_letter(tld.data[0]) || !cx_channel_letter(tld.data[1]))
        {
            return NULL;
        }

        second = cx_channel_last_label(rest, &before);

        if (before.data != NULL
            && ((second.len == 2 && memcmp(second.data, "co", 2) == 0)
                || (second.len == 3 && memcmp(second.data, "com", 3) == 0)))
        {
            rest = before;
        }

    } else if (tld.len != 3 || memcmp(tld.data, "com", 3) != 0) {
        return NULL;
    }

    brand = cx_channel_last_label(rest, &before);

    known = cx_channel_lookup(cx_channel_families,
                              cx_channel_nelts(cx_channel_families), brand);

    if (known == NULL) {
        return NULL;
    }

    if (known->subdomains || before.data == NULL
        || (before.len == 1 && before.data[0] == 'm'))
    {
        return known;
    }

    return NULL;
}


static int
cx_channel_compare(const void *key, const void *entry)
{
    int                        rc;
    size_t                     n;
    const cx_str_t            *k;
    const cx_channel_known_t  *e;

    k = key;
    e = entry;

    n = (k->len < e->key.len) ? k->len : e->key.len;
    rc = (n != 0) ? memcmp(k->data, e->key.data, n) : 0;

    if (rc != 0) {
        return rc;
    }

    return (k->len > e->key.len) - (k->len < e->key.len);
}


/* the label after the last dot; rest is what precedes it, NULL if no dot */
static cx_str_t
cx_channel_last_label(cx_str_t host, cx_str_t *rest)
{
    size_t    i;
    cx_str_t  label;

    for (i = host.len; i > 0; i--) {
        if (host.data[i - 1] == '.') {
            break;
        }
    }

    if (i == 0) {
        rest->data = NULL;
        rest->len = 0;
        return host;
    }

    rest->data = host.data;
    rest->len = i - 1;

    label.data = host.data + i;
    label.len = host.len - i;

    return label;
}


static int
cx_channel_equal_nocase(cx_str_t a, cx_str_t b)
{
    return a.len == b.len && cx_channel_prefix_nocase(a, b);
}


static int
cx_channel_prefix_nocase(cx_str_t s, cx_str_t prefix)
{
    size_t  i;

    if (s.len < prefix.len) {
        return 0;
    }

    for (i = 0; i < prefix.len; i++) {
        if (cx_channel_lower(s.data[i]) != cx_channel_lower(prefix.data[i])) {
            return 0;
        }
    }

    return 1;
}


static unsigned char
cx_channel_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (c | 0x20) : c;
}
