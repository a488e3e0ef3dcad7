
/*
 * User-Agent classification: see cx_agent.h.
 *
 * The agent is lowercased once into a stack buffer and read left to right.
 * At each byte only the tokens that begin with that byte are compared (a
 * table indexed by the first byte, then the second byte before the rest),
 * so the cost follows the agent's length, not the number of tokens.  Every
 * token found sets feature bits; the answers are then read off the bits in
 * the order real agents need, as they carry the tokens of the browsers they
 * descend from ("Edg/" comes with "Chrome/" and "Safari/").
 */


#include <string.h>

#include "cx_agent.h"


#define CX_AGENT_BOT            0x00001
#define CX_AGENT_MOBILE         0x00002
#define CX_AGENT_TABLET         0x00004
#define CX_AGENT_IOS            0x00008
#define CX_AGENT_ANDROID        0x00010
#define CX_AGENT_WINDOWS        0x00020
#define CX_AGENT_WINDOWS_PHONE  0x00040
#define CX_AGENT_MACOS          0x00080
#define CX_AGENT_CHROMEOS       0x00100
#define CX_AGENT_LINUX          0x00200
#define CX_AGENT_EDGE           0x00400
#define CX_AGENT_OPERA          0x00800
#define CX_AGENT_SAMSUNG        0x01000
#define CX_AGENT_CHROME         0x02000
#define CX_AGENT_FIREFOX        0x04000
#define CX_AGENT_SAFARI         0x08000
#define CX_AGENT_VERSION        0x10000
#define CX_AGENT_IN_APP         0x20000

/* a token read whole and passed over, so that the tokens inside it do not
   count: the one that starts with it and the ones within */
#define CX_AGENT_SKIP           0x80000

#define CX_AGENT_TOKEN_MAX      20


#define cx_agent_token(text, features)  { text, sizeof(text) - 1, features }

#define cx_agent_bucket(tokens)                                              \
    { tokens, sizeof(tokens) / sizeof(tokens[0]) }


typedef struct {
    unsigned char  text[CX_AGENT_TOKEN_MAX];   /* lowercase, 3 bytes or more,
                                                  kept inline: no pointer
                                                  to follow per candidate */
    uint8_t        len;
    uint32_t       features;
} cx_agent_token_t;


typedef struct {
    const cx_agent_token_t  *tokens;
    size_t                   n;
} cx_agent_bucket_t;


static uint64_t cx_agent_lowercase8(uint64_t word);
static uint32_t cx_agent_scan(const unsigned char *s, size_t len);
static int cx_agent_contains(const unsigned char *s, size_t len,
    cx_str_t token);
static cx_os_e cx_agent_os(uint32_t features);
static cx_browser_e cx_agent_browser(uint32_t features, cx_os_e os);
static cx_device_e cx_agent_device(uint32_t features);


static const char  *cx_device_names[] = {
    "desktop", "mobile", "tablet", "bot"
};

static const char  *cx_browser_names[] = {
    "other", "chrome", "firefox", "safari", "edge", "opera", "samsung"
};

static const char  *cx_os_names[] = {
    "other", "windows", "macos", "ios", "android", "linux", "chromeos"
};


/*
 * The tokens, by first byte, each bucket in alphabetical order.  Agents
 * that a shorter token already names have no entry of their own: "bot"
 * finds Googlebot, bingbot, Applebot, YandexBot, DuckDuckBot, Twitterbot,
 * Slackbot, TelegramBot, Discordbot, GPTBot, ClaudeBot, CCBot,
 * PerplexityBot, Amazonbot, PetalBot, SemrushBot, MJ12bot, DotBot, Facebot,
 * UptimeRobot, Pingdom.com_bot; "spider" Baiduspider and Bytespider; "+http"
 * Scrapy and Iframely; "-google" FeedFetcher-Google; "iphone" the iPods of
 * iOS 2 and later ("CPU iPhone OS"); "tablet" the BlackBerry PlayBook.
 */

static const cx_agent_token_t  cx_agent_tokens_space[] = {
    cx_agent_token(" cros ", CX_AGENT_CHROMEOS)
};

/* the crawlers' convention of a contact address: "(+http://...)" */
static const cx_agent_token_t  cx_agent_tokens_plus[] = {
    cx_agent_token("+http", CX_AGENT_BOT)
};

/* Google's fetchers other than Googlebot: AdsBot-Google,
   Mediapartners-Google, FeedFetcher-Google, APIs-Google, Google-Read-Aloud,
   Google-InspectionTool, Google-Site-Verification... */
static const cx_agent_token_t  cx_agent_tokens_dash[] = {
    cx_agent_token("-google", CX_AGENT_BOT)
};

/* Android's WebView, the engine of in-app browsers */
static const cx_agent_token_t  cx_agent_tokens_semicolon[] = {
    cx_agent_token("; wv)", CX_AGENT_IN_APP)
};

static const cx_agent_token_t  cx_agent_tokens_a[] = {
    cx_agent_token("ahrefs", CX_AGENT_BOT),
    cx_agent_token("aiohttp", CX_AGENT_BOT),
    cx_agent_token("android", CX_AGENT_ANDROID),
    cx_agent_token("anthropic-ai", CX_AGENT_BOT),
    cx_agent_token("axios", CX_AGENT_BOT)
};

static const cx_agent_token_t  cx_agent_tokens_b[] = {
    cx_agent_token("bingpreview", CX_AGENT_BOT),
    cx_agent_token("bot", CX_AGENT_BOT)
};

/* CUBOT is a phone brand */
static const cx_agent_token_t  cx_agent_tokens_c[] = {
    cx_agent_token("chatgpt-user", CX_AGENT_BOT),
    cx_agent_token("chrome/", CX_AGENT_CHROME),
    cx_agent_token("crawl", CX_AGENT_BOT),
    cx_agent_token("crios/", CX_AGENT_CHROME),
    cx_agent_token("cubot", CX_AGENT_SKIP),
    cx_agent_token("curl", CX_AGENT_BOT)
};

static const cx_agent_token_t  cx_agent_tokens_e[] = {
    cx_agent_token("edg/", CX_AGENT_EDGE),
    cx_agent_token("edga/", CX_AGENT_EDGE),
    cx_agent_token("edge/", CX_AGENT_EDGE),
    cx_agent_token("edgios/", CX_AGENT_EDGE),
    cx_agent_token("embedly", CX_AGENT_BOT)
};

static const cx_agent_token_t  cx_agent_tokens_f[] = {
    cx_agent_token("facebookexternalhit", CX_AGENT_BOT),
    cx_agent_token("fbav/", CX_AGENT_IN_APP),
    cx_agent_token("feedly", CX_AGENT_BOT),
    cx_agent_token("firefox/", CX_AGENT_FIREFOX),
    cx_agent_token("fxios/", CX_AGENT_FIREFOX)
};

static const cx_agent_token_t  cx_agent_tokens_g[] = {
    cx_agent_token("go-http-client", CX_AGENT_BOT),
    cx_agent_token("google-", CX_AGENT_BOT),
    cx_agent_token("googleother", CX_AGENT_BOT),
    cx_agent_token("guzzlehttp", CX_AGENT_BOT)
};

static const cx_agent_token_t  cx_agent_tokens_h[] = {
    cx_agent_token("headless", CX_AGENT_BOT),
    cx_agent_token("httpclient", CX_AGENT_BOT),
    cx_agent_token("httpie", CX_AGENT_BOT),
    cx_agent_token("httpx", CX_AGENT_BOT)
};

static const cx_agent_token_t  cx_agent_tokens_i[] = {
    cx_agent_token("instagram", CX_AGENT_IN_APP),
    cx_agent_token("ipad", CX_AGENT_IOS | CX_AGENT_TABLET),
    cx_agent_token("iphone", CX_AGENT_IOS | CX_AGENT_MOBILE),
    cx_agent_token("ipod", CX_AGENT_IOS | CX_AGENT_MOBILE)
};

static const cx_agent_token_t  cx_agent_tokens_j[] = {
    cx_agent_token("java/", CX_AGENT_BOT)
};

static const cx_agent_token_t  cx_agent_tokens_k[] = {
    cx_agent_token("kindle", CX_AGENT_TABLET)
};

static const cx_agent_token_t  cx_agent_tokens_l[] = {
    cx_agent_token("libwww-perl", CX_AGENT_BOT),
    cx_agent_token("lighthouse", CX_AGENT_BOT),
    cx_agent_token("linux", CX_AGENT_LINUX)
};

static const cx_agent_token_t  cx_agent_tokens_m[] = {
    cx_agent_token("macintosh", CX_AGENT_MACOS),
    cx_agent_token("masscan", CX_AGENT_BOT),
    cx_agent_token("mobile", CX_AGENT_MOBILE),
    cx_agent_token("monitoring", CX_AGENT_BOT)
};

static const cx_agent_token_t  cx_agent_tokens_n[] = {
    cx_agent_token("nikto", CX_AGENT_BOT),
    cx_agent_token("nmap", CX_AGENT_BOT),
    cx_agent_token("node-fetch", CX_AGENT_BOT)
};

static const cx_agent_token_t  cx_agent_tokens_o[] = {
    cx_agent_token("okhttp", CX_AGENT_BOT),
    cx_agent_token("opera", CX_AGENT_OPERA),
    cx_agent_token("opera mini", CX_AGENT_MOBILE),
    cx_agent_token("opera mobi", CX_AGENT_MOBILE),
    cx_agent_token("opios/", CX_AGENT_OPERA),
    cx_agent_token("opr/", CX_AGENT_OPERA),
    cx_agent_token("opt/", CX_AGENT_OPERA)
};

static const cx_agent_token_t  cx_agent_tokens_p[] = {
    cx_agent_token("pagespeed", CX_AGENT_BOT),
    cx_agent_token("phantomjs", CX_AGENT_BOT),
    cx_agent_token("playwright", CX_AGENT_BOT),
    cx_agent_token("postmanruntime", CX_AGENT_BOT),
    cx_agent_token("powershell", CX_AGENT_BOT),
    cx_agent_token("ptst/", CX_AGENT_BOT),
    cx_agent_token("puppeteer", CX_AGENT_BOT),
    cx_agent_token("python-requests", CX_AGENT_BOT),
    cx_agent_token("python-urllib", CX_AGENT_BOT)
};

static const cx_agent_token_t  cx_agent_tokens_s[] = {
    cx_agent_token("safari/", CX_AGENT_SAFARI),
    cx_agent_token("samsungbrowser/", CX_AGENT_SAMSUNG),
    cx_agent_token("selenium", CX_AGENT_BOT),
    cx_agent_token("silk/", CX_AGENT_TABLET),
    cx_agent_token("site24x7", CX_AGENT_BOT),
    cx_agent_token("skypeuripreview", CX_AGENT_BOT),
    cx_agent_token("slurp", CX_AGENT_BOT),
    cx_agent_token("spider", CX_AGENT_BOT),
    cx_agent_token("sqlmap", CX_AGENT_BOT),
    cx_agent_token("statuscake", CX_AGENT_BOT)
};

/* Windows desktops with a pen announce "Tablet PC 2.0" */
static const cx_agent_token_t  cx_agent_tokens_t[] = {
    cx_agent_token("tablet", CX_AGENT_TABLET),
    cx_agent_token("tablet pc", CX_AGENT_SKIP)
};

static const cx_agent_token_t  cx_agent_tokens_v[] = {
    cx_agent_token("version/", CX_AGENT_VERSION)
};

static const cx_agent_token_t  cx_agent_tokens_w[] = {
    cx_agent_token("wget", CX_AGENT_BOT),
    cx_agent_token("whatsapp", CX_AGENT_BOT),
    cx_agent_token("windows nt", CX_AGENT_WINDOWS),
    cx_agent_token("windows phone", CX_AGENT_WINDOWS_PHONE | CX_AGENT_MOBILE)
};

static const cx_agent_token_t  cx_agent_tokens_x[] = {
    cx_agent_token("x11", CX_AGENT_LINUX)
};

static const cx_agent_token_t  cx_agent_tokens_z[] = {
    cx_agent_token("zgrab", CX_AGENT_BOT)
};


static const cx_agent_bucket_t  cx_agent_buckets[256] = {
    [' '] = cx_agent_bucket(cx_agent_tokens_space),
    ['+'] = cx_agent_bucket(cx_agent_tokens_plus),
    ['-'] = cx_agent_bucket(cx_agent_tokens_dash),
    [';'] = cx_agent_bucket(cx_agent_tokens_semicolon),
    ['a'] = cx_agent_bucket(cx_agent_tokens_a),
    ['b'] = cx_agent_bucket(cx_agent_tokens_b),
    ['c'] = cx_agent_bucket(cx_agent_tokens_c),
    ['e'] = cx_agent_bucket(cx_agent_tokens_e),
    ['f'] = cx_agent_bucket(cx_agent_tokens_f),
    ['g'] = cx_agent_bucket(cx_agent_tokens_g),
    ['h'] = cx_agent_bucket(cx_agent_tokens_h),
    ['i'] = cx_agent_bucket(cx_agent_tokens_i),
    ['j'] = cx_agent_bucket(cx_agent_tokens_j),
    ['k'] = cx_agent_bucket(cx_agent_tokens_k),
    ['l'] = cx_agent_bucket(cx_agent_tokens_l),
    ['m'] = cx_agent_bucket(cx_agent_tokens_m),
    ['n'] = cx_agent_bucket(cx_agent_tokens_n),
    ['o'] = cx_agent_bucket(cx_agent_tokens_o),
    ['p'] = cx_agent_bucket(cx_agent_tokens_p),
    ['s'] = cx_agent_bucket(cx_agent_tokens_s),
    ['t'] = cx_agent_bucket(cx_agent_tokens_t),
    ['v'] = cx_agent_bucket(cx_agent_tokens_v),
    ['w'] = cx_agent_bucket(cx_agent_tokens_w),
    ['x'] = cx_agent_bucket(cx_agent_tokens_x),
    ['z'] = cx_agent_bucket(cx_agent_tokens_z)
};


const char *
cx_device_name(cx_device_e d)
{
    return cx_device_names[(unsigned) d < CX_DEVICE_COUNT ? d : 0];
}


const char *
cx_browser_name(cx_browser_e b)
{
    return cx_browser_names[(unsigned) b < CX_BROWSER_COUNT ? b : 0];
}


const char *
cx_os_name(cx_os_e o)
{
    return cx_os_names[(unsigned) o < CX_OS_COUNT ? o : 0];
}


void
cx_agent_classify(cx_str_t ua, const cx_str_t *bot_tokens, size_t ntokens,
    cx_agent_t *out)
{
    size_t         i, len;
    uint64_t       word;
    uint32_t       features;
    unsigned char  c, lower[CX_AGENT_SCAN_MAX + 1];

    len = ua.data == NULL ? 0 : ua.len;

    if (len > CX_AGENT_SCAN_MAX) {
        len = CX_AGENT_SCAN_MAX;
    }

    for (i = 0; i + 8 <= len; i += 8) {
        memcpy(&word, ua.data + i, 8);
        word = cx_agent_lowercase8(word);
        memcpy(lower + i, &word, 8);
    }

    for ( /* void */ ; i < len; i++) {
        c = ua.data[i];
        lower[i] = (unsigned) (c - 'A') < 26 ? c | 0x20 : c;
    }

    lower[len] = '\0';

    features = cx_agent_scan(lower, len);

    if (len == 0) {
        features |= CX_AGENT_BOT;
    }

    for (i = 0; i < ntokens && !(features & CX_AGENT_BOT); i++) {
        if (cx_agent_contains(lower, len, bot_tokens[i])) {
            features |= CX_AGENT_BOT;
        }
    }

    out->os = cx_agent_os(features);
    out->browser = cx_agent_browser(features, out->os);
    out->device = cx_agent_device(features);
    out->bot = (features & CX_AGENT_BOT) != 0;
}


/*
 * ASCII lowercase of 8 bytes at once, whatever their order in the word: a
 * byte below 0x80 gets its 0x20 bit when it lies in 'A'..'Z'.  The sums
 * are of 7-bit values and carry into no other byte.
 */
static uint64_t
cx_agent_lowercase8(uint64_t word)
{
    uint64_t  seven, from_a, past_z, upper;

    seven = word & 0x7f7f7f7f7f7f7f7full;
    from_a = seven + 0x3f3f3f3f3f3f3f3full;   /* bit 7 set from 'A' on */
    past_z = seven + 0x2525252525252525ull;   /* bit 7 set past 'Z' */
    upper = ~word & from_a & ~past_z & 0x8080808080808080ull;

    return word | upper >> 2;
}


/*
 * s[len] is a NUL put there by the caller, so that the second byte can be
 * compared before the length is checked.  A bucket is in alphabetical
 * order: past the second byte of p, no token of it can match.
 */
static uint32_t
cx_agent_scan(const unsigned char *s, size_t len)
{
    size_t                    i, k;
    uint32_t                  features, found;
    const unsigned char      *p, *end;
    const cx_agent_token_t   *t;
    const cx_agent_bucket_t  *bucket;

    features = 0;
    end = s + len;

    for (p = s; p < end; p++) {
        bucket = &cx_agent_buckets[*p];
        found = 0;

        for (i = 0; i < bucket->n; i++) {
            t = &bucket->tokens[i];

            if (t->text[1] != p[1]) {
                if (t->text[1] > p[1]) {
                    break;
                }

                continue;
            }

            if (t->len > (size_t) (end - p)) {
                continue;
            }

            for (k = 2; k < t->len && p[k] == t->text[k]; k++) {
                /* void */
            }

            if (k < t->len) {
                continue;
            }

            /* what the tokens inside it found at this byte is undone */
            if (t->features == CX_AGENT_SKIP) {
                found = 0;
                p += t->len - 1;
                break;
            }

            found |= t->features;
        }

        features |= found;
    }

    return features;
}


/* the operator's tokens are few: a plain substring search each will do */
static int
cx_agent_contains(const unsigned char *s, size_t len, cx_str_t token)
{
    const unsigned char  *p, *last;

    if (token.len == 0 || token.len > len) {
        return 0;
    }

    last = s + len - token.len;

    for (p = s; p <= last; p++) {
        p = memchr(p, token.data[0], last - p + 1);

        if (p == NULL) {
            return 0;
        }

        if (memcmp(p + 1, token.data + 1, token.len - 1) == 0) {
            return 1;
        }
    }

    return 0;
}


/*
 * Windows Phone names Android and "iPhone OS" too, and iOS says "like Mac
 * OS X", and Chrome OS says "X11": the most specific system comes first.
 */
static cx_os_e
cx_agent_os(uint32_t features)
{
    if (features & CX_AGENT_WINDOWS_PHONE) {
        return CX_OS_WINDOWS;
    }

    if (features & CX_AGENT_IOS) {
        return CX_OS_IOS;
    }

    if (features & CX_AGENT_ANDROID) {
        return CX_OS_ANDROID;
    }

    if (features & CX_AGENT_WINDOWS) {
        return CX_OS_WINDOWS;
    }

    if (features & CX_AGENT_CHROMEOS) {
        return CX_OS_CHROMEOS;
    }

    if (features & CX_AGENT_MACOS) {
        return CX_OS_MACOS;
    }

    if (features & CX_AGENT_LINUX) {
        return CX_OS_LINUX;
    }

    return CX_OS_OTHER;
}


/*
 * Edge, Opera and Samsung Internet carry "Chrome/"; Chrome carries
 * "Safari/"; only Safari itself has "Version/" without "Chrome/" on an
 * Apple system (Android's old stock browser has it too).
 */
static cx_browser_e
cx_agent_browser(uint32_t features, cx_os_e os)
{
    if (features & CX_AGENT_IN_APP) {
        return CX_BROWSER_OTHER;
    }

    if (features & CX_AGENT_EDGE) {
        return CX_BROWSER_EDGE;
    }

    if (features & CX_AGENT_OPERA) {
        return CX_BROWSER_OPERA;
    }

    if (features & CX_AGENT_SAMSUNG) {
        return CX_BROWSER_SAMSUNG;
    }

    if (features & CX_AGENT_CHROME) {
        return CX_BROWSER_CHROME;
    }

    if (features & CX_AGENT_FIREFOX) {
        return CX_BROWSER_FIREFOX;
    }

    if ((features & (CX_AGENT_SAFARI | CX_AGENT_VERSION))
        == (CX_AGENT_SAFARI | CX_AGENT_VERSION)
        && (os == CX_OS_IOS || os == CX_OS_MACOS))
    {
        return CX_BROWSER_SAFARI;
    }

    return CX_BROWSER_OTHER;
}


/* an iPad's agent says "Mobile/15E148": tablets are told first */
static cx_device_e
cx_agent_device(uint32_t features)
{
    if (features & CX_AGENT_BOT) {
        return CX_DEVICE_BOT;
    }

    if (features & CX_AGENT_TABLET) {
        return CX_DEVICE_TABLET;
    }

    if (features & CX_AGENT_MOBILE) {
        return CX_DEVICE_MOBILE;
    }

    if (features & CX_AGENT_ANDROID) {
        return CX_DEVICE_TABLET;
    }

    return CX_DEVICE_DESKTOP;
}
