
/*
 * Unit tests of the User-Agent classifier (cx_agent.c) on real agents, as
 * browsers, crawlers, monitors and tools send them: each with its exact
 * device, browser, os and bot.  test_agent.c tests the edges.
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
#define FIREFOX   CX_BROWSER_FIREFOX
#define SAFARI    CX_BROWSER_SAFARI
#define EDGE      CX_BROWSER_EDGE
#define OPERA     CX_BROWSER_OPERA
#define SAMSUNG   CX_BROWSER_SAMSUNG
#define OTHER     CX_BROWSER_OTHER

#define WINDOWS   CX_OS_WINDOWS
#define MACOS     CX_OS_MACOS
#define IOS       CX_OS_IOS
#define ANDROID   CX_OS_ANDROID
#define LINUX     CX_OS_LINUX
#define CHROMEOS  CX_OS_CHROMEOS
#define NO_OS     CX_OS_OTHER

#define cases_of(table)  table, sizeof(table) / sizeof(table[0])

#define str(s)  ((cx_str_t) { (const unsigned char *) (s), sizeof(s) - 1 })


typedef struct {
    const char    *ua;
    cx_device_e    device;
    cx_browser_e   browser;
    cx_os_e        os;
    int            bot;
} agent_case_t;


static const agent_case_t  desktop_cases[] = {
    { "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
      "like Gecko) Chrome/131.0.0.0 Safari/537.36",
      DESKTOP, CHROME, WINDOWS, 0 },
    { "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
      "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      DESKTOP, CHROME, MACOS, 0 },
    { "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
      "Gecko) Chrome/131.0.0.0 Safari/537.36",
      DESKTOP, CHROME, LINUX, 0 },
    { "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, "
      "like Gecko) Chrome/131.0.0.0 Safari/537.36",
      DESKTOP, CHROME, CHROMEOS, 0 },
    { "Mozilla/5.0 (X11; CrOS aarch64 15917.71.0) AppleWebKit/537.36 "
      "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      DESKTOP, CHROME, CHROMEOS, 0 },
    { "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
      "Gecko) Ubuntu Chromium/79.0.3945.79 Chrome/79.0.3945.79 "
      "Safari/537.36",
      DESKTOP, CHROME, LINUX, 0 },
    { "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 "
      "Firefox/133.0",
      DESKTOP, FIREFOX, WINDOWS, 0 },
    { "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) "
      "Gecko/20100101 Firefox/133.0",
      DESKTOP, FIREFOX, MACOS, 0 },
    { "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 "
      "Firefox/133.0",
      DESKTOP, FIREFOX, LINUX, 0 },
    { "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:128.0) Gecko/20100101 "
      "Firefox/128.0",
      DESKTOP, FIREFOX, LINUX, 0 },
    { "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0; rv:133.0) Gecko/20100101 "
      "Firefox/133.0",
      DESKTOP, FIREFOX, CHROMEOS, 0 },
    /* the BSDs count as linux */
    { "Mozilla/5.0 (X11; FreeBSD amd64; rv:133.0) Gecko/20100101 "
      "Firefox/133.0",
      DESKTOP, FIREFOX, LINUX, 0 },
    { "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
      "(KHTML, like Gecko) Version/18.1 Safari/605.1.15",
      DESKTOP, SAFARI, MACOS, 0 },
    { "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
      "like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
      DESKTOP, EDGE, WINDOWS, 0 },
    { "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
      "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
      DESKTOP, EDGE, MACOS, 0 },
    { "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
      "Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
      DESKTOP, EDGE, LINUX, 0 },
    /* EdgeHTML, before Edge moved to Chromium */
    { "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
      "like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19582",
      DESKTOP, EDGE, WINDOWS, 0 },
    { "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
      "like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0",
      DESKTOP, OPERA, WINDOWS, 0 },
    { "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
      "(KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0",
      DESKTOP, OPERA, MACOS, 0 },
    { "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
      "Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0",
      DESKTOP, OPERA, LINUX, 0 },
    /* Presto: no Chrome/ and a Version/ that is not Safari's */
    { "Opera/9.80 (Windows NT 6.1; WOW64) Presto/2.12.388 Version/12.18",
      DESKTOP, OPERA, WINDOWS, 0 },
    /* other Chromium browsers count as chrome */
    { "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
      "like Gecko) Chrome/130.0.0.0 Safari/537.36 Vivaldi/7.0.3495.18",
      DESKTOP, CHROME, WINDOWS, 0 },
    { "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
      "like Gecko) Chrome/124.0.0.0 YaBrowser/24.6.0.0 Safari/537.36",
      DESKTOP, CHROME, WINDOWS, 0 },
    { "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko",
      DESKTOP, OTHER, WINDOWS, 0 },
    /* a pen-enabled Windows 7 PC is not a tablet */
    { "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; WOW64; "
      "Trident/5.0; SLCC2; .NET CLR 2.0.50727; .NET CLR 3.5.30729; .NET CLR "
      "3.0.30729; Media Center PC 6.0; Tablet PC 2.0)",
      DESKTOP, OTHER, WINDOWS, 0 },
    { "Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) "
      "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 "
      "Safari/537.36 Edge/44.18363.8131",
      DESKTOP, EDGE, WINDOWS, 0 },
};


static const agent_case_t  apple_mobile_cases[] = {
    { "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) "
      "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 "
      "Safari/604.1",
      MOBILE, SAFARI, IOS, 0 },
    { "Mozilla/5.0 (iPhone; CPU iPhone OS 17_7 like Mac OS X) "
      "AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 "
      "Mobile/15E148 Safari/604.1",
      MOBILE, CHROME, IOS, 0 },
    { "Mozilla/5.0 (iPhone; CPU iPhone OS 17_7 like Mac OS X) "
      "AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/133.0 Mobile/15E148 "
      "Safari/605.1.15",
      MOBILE, FIREFOX, IOS, 0 },
    { "Mozilla/5.0 (iPhone; CPU iPhone OS 17_7 like Mac OS X) "
      "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 "
      "EdgiOS/131.2903.68 Mobile/15E148 Safari/605.1.15",
      MOBILE, EDGE, IOS, 0 },
    { "Mozilla/5.0 (iPhone; CPU iPhone OS 17_7 like Mac OS X) "
      "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 "
      "Safari/604.1 OPT/5.0.4",
      MOBILE, OPERA, IOS, 0 },
    { "Mozilla/5.0 (iPod touch; CPU iPhone OS 15_8 like Mac OS X) "
      "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.6 Mobile/15E148 "
      "Safari/604.1",
      MOBILE, SAFARI, IOS, 0 },
    /* iPhone OS 1 did not say "iPhone" on an iPod */
    { "Mozilla/5.0 (iPod; U; CPU like Mac OS X; en) AppleWebKit/420.1 "
      "(KHTML, like Gecko) Version/3.0 Mobile/3A101a Safari/419.3",
      MOBILE, SAFARI, IOS, 0 },
    { "Mozilla/5.0 (iPhone; CPU iPhone OS 12_1 like Mac OS X) "
      "AppleWebKit/605.1.15 (KHTML, like Gecko) OPiOS/16.0.14.122053 "
      "Mobile/16C101 Safari/9537.53",
      MOBILE, OPERA, IOS, 0 },
    { "Mozilla/5.0 (iPad; CPU OS 12_5_7 like Mac OS X) AppleWebKit/605.1.15 "
      "(KHTML, like Gecko) Version/12.1.2 Mobile/15E148 Safari/604.1",
      TABLET, SAFARI, IOS, 0 },
    { "Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 "
      "(KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
      TABLET, CHROME, IOS, 0 },
    { "Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 "
      "(KHTML, like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15",
      TABLET, FIREFOX, IOS, 0 },
    /* in-app browsers: no Version/, or a token of their own */
    { "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6_1 like Mac OS X) "
      "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
      "[FBAN/FBIOS;FBAV/485.0.0.41.109;FBBV/656373766;FBDV/iPhone14,5;"
      "FBMD/iPhone;FBSN/iOS;FBSV/17.6.1;FBSS/3;FBID/phone;FBLC/en_US;"
      "FBOP/5;FBRV/658399155]",
      MOBILE, OTHER, IOS, 0 },
    { "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) "
      "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram "
      "339.0.3.12.91 (iPhone13,2; iOS 17_5_1; en_US; en; scale=3.00; "
      "1170x2532; 618335213)",
      MOBILE, OTHER, IOS, 0 },
    { "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) "
      "AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/343.0.695551749 "
      "Mobile/15E148 Safari/604.1",
      MOBILE, OTHER, IOS, 0 },
};


static const agent_case_t  android_cases[] = {
    /* Chrome's reduced agent: model "K" */
    { "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like "
      "Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
      MOBILE, CHROME, ANDROID, 0 },
    { "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, "
      "like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36",
      MOBILE, CHROME, ANDROID, 0 },
    { "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like "
      "Gecko) Chrome/131.0.0.0 Safari/537.36",
      TABLET, CHROME, ANDROID, 0 },
    { "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S928B) AppleWebKit/537.36 "
      "(KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile "
      "Safari/537.36",
      MOBILE, SAMSUNG, ANDROID, 0 },
    { "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-X710) AppleWebKit/537.36 "
      "(KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 "
      "Safari/537.36",
      TABLET, SAMSUNG, ANDROID, 0 },
    { "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like "
      "Gecko) Chrome/130.0.0.0 Mobile Safari/537.36 OPR/86.0.0.0",
      MOBILE, OPERA, ANDROID, 0 },
    { "Opera/9.80 (Android; Opera Mini/36.2.2254/119.132; U; id) "
      "Presto/2.12.423 Version/12.16",
      MOBILE, OPERA, ANDROID, 0 },
    { "Opera/9.80 (J2ME/MIDP; Opera Mini/4.2.14912/870; U; id) "
      "Presto/2.4.15",
      MOBILE, OPERA, NO_OS, 0 },
    { "Opera/9.80 (Android 2.3.3; Linux; Opera Mobi/ADR-1111101157; U; "
      "es-ES) Presto/2.9.201 Version/11.50",
      MOBILE, OPERA, ANDROID, 0 },
    { "Mozilla/5.0 (Android 15; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
      MOBILE, FIREFOX, ANDROID, 0 },
    { "Mozilla/5.0 (Android 14; Tablet; rv:133.0) Gecko/133.0 Firefox/133.0",
      TABLET, FIREFOX, ANDROID, 0 },
    { "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like "
      "Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0",
      MOBILE, EDGE, ANDROID, 0 },
    { "Mozilla/5.0 (Linux; U; Android 10; en-US; RMX1911 "
      "Build/QKQ1.200209.002) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Version/4.0 Chrome/100.0.4896.58 UCBrowser/13.6.0.1315 Mobile "
      "Safari/537.36",
      MOBILE, CHROME, ANDROID, 0 },
    /* WebViews and in-app browsers */
    { "Mozilla/5.0 (Linux; Android 13; SM-G991B Build/TP1A.220624.014; wv) "
      "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
      "Chrome/131.0.6778.81 Mobile Safari/537.36",
      MOBILE, OTHER, ANDROID, 0 },
    { "Mozilla/5.0 (Linux; Android 14; SM-A546B Build/UP1A.231005.007; wv) "
      "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
      "Chrome/130.0.6723.107 Mobile Safari/537.36 "
      "[FB_IAB/FB4A;FBAV/488.0.0.64.84;]",
      MOBILE, OTHER, ANDROID, 0 },
    /* the same without the WebView mark: FBAV/ alone, Instagram alone */
    { "Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, "
      "like Gecko) Chrome/130.0.6723.107 Mobile Safari/537.36 "
      "[FB_IAB/FB4A;FBAV/488.0.0.64.84;]",
      MOBILE, OTHER, ANDROID, 0 },
    { "Mozilla/5.0 (Linux; Android 12; SM-A525F) AppleWebKit/537.36 (KHTML, "
      "like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36 Instagram "
      "312.1.0.34.111 Android (31/12; 450dpi; 1080x2186; samsung)",
      MOBILE, OTHER, ANDROID, 0 },
    { "Mozilla/5.0 (Linux; Android 9; KFTRWI) AppleWebKit/537.36 (KHTML, "
      "like Gecko) Silk/130.4.1 like Chrome/130.0.6723.102 Safari/537.36",
      TABLET, CHROME, ANDROID, 0 },
    { "Mozilla/5.0 (X11; U; Linux armv7l like Android; en-us) "
      "AppleWebKit/531.2+ (KHTML, like Gecko) Version/5.0 Safari/533.2+ "
      "Kindle/3.0+",
      TABLET, OTHER, ANDROID, 0 },
    { "Mozilla/5.0 (Linux; U; en-US) AppleWebKit/528.5+ (KHTML, like Gecko, "
      "Safari/528.5+) Version/4.0 Kindle/3.0 (screen 600x800; rotate)",
      TABLET, OTHER, LINUX, 0 },
    /* the first Kindle Fire, in its desktop mode */
    { "Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10_6_3; en-us; "
      "Silk/1.0.146.3-Gen4_12000410) AppleWebKit/533.16 (KHTML, like Gecko) "
      "Version/5.0 Safari/533.16 Silk-Accelerated=true",
      TABLET, SAFARI, MACOS, 0 },
    /* the old stock browser: Version/ and Safari/, but not Safari */
    { "Mozilla/5.0 (Linux; U; Android 4.0.3; ko-kr; LG-L160L Build/IML74K) "
      "AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Mobile "
      "Safari/534.30",
      MOBILE, OTHER, ANDROID, 0 },
    /* CUBOT is a phone brand, not a crawler */
    { "Mozilla/5.0 (Linux; Android 11; CUBOT X50) AppleWebKit/537.36 (KHTML, "
      "like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36",
      MOBILE, CHROME, ANDROID, 0 },
    { "Mozilla/5.0 (Linux; Android 9; CUBOT P30 Build/PPR1.180610.011) "
      "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/108.0.5359.128 "
      "Safari/537.36",
      TABLET, CHROME, ANDROID, 0 },
    { "Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) "
      "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile "
      "Safari/537.36 Edge/15.15063",
      MOBILE, EDGE, WINDOWS, 0 },
    { "Mozilla/5.0 (Mobile; Windows Phone 8.1; Android 4.0; ARM; "
      "Trident/7.0; Touch; rv:11.0; IEMobile/11.0; NOKIA; Lumia 635) like "
      "iPhone OS 7_0_3 Mac OS X AppleWebKit/537 (KHTML, like Gecko) Mobile "
      "Safari/537",
      MOBILE, OTHER, WINDOWS, 0 },
    { "Mozilla/5.0 (BB10; Touch) AppleWebKit/537.35+ (KHTML, like Gecko) "
      "Version/10.3.3.2205 Mobile Safari/537.35+",
      MOBILE, OTHER, NO_OS, 0 },
    { "Mozilla/5.0 (PlayBook; U; RIM Tablet OS 2.1.0; en-US) "
      "AppleWebKit/536.2+ (KHTML like Gecko) Version/7.2.1.0 Safari/536.2+",
      TABLET, OTHER, NO_OS, 0 },
};


static const agent_case_t  crawler_cases[] = {
    { "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; "
      "Googlebot/2.1; +http://www.google.com/bot.html) "
      "Chrome/131.0.6778.69 Safari/537.36",
      BOT, CHROME, NO_OS, 1 },
    { "Mozilla/5.0 (compatible; Googlebot/2.1; "
      "+http://www.google.com/bot.html)",
      BOT, OTHER, NO_OS, 1 },
    { "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) "
      "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.69 Mobile "
      "Safari/537.36 (compatible; Googlebot/2.1; "
      "+http://www.google.com/bot.html)",
      BOT, CHROME, ANDROID, 1 },
    { "Googlebot-Image/1.0", BOT, OTHER, NO_OS, 1 },
    { "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; "
      "bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 "
      "Safari/537.36",
      BOT, CHROME, NO_OS, 1 },
    { "Mozilla/5.0 (compatible; bingbot/2.0; "
      "+http://www.bing.com/bingbot.htm)",
      BOT, OTHER, NO_OS, 1 },
    { "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
      "like Gecko) Chrome/79.0.3945.74 Safari/537.36 Edg/79.0.309.43 "
      "BingPreview/1.0b",
      BOT, EDGE, WINDOWS, 1 },
    { "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 "
      "(KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; "
      "+http://www.apple.com/go/applebot)",
      BOT, SAFARI, MACOS, 1 },
    { "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
      BOT, OTHER, NO_OS, 1 },
    { "Mozilla/5.0 (compatible; Baiduspider/2.0; "
      "+http://www.baidu.com/search/spider.html)",
      BOT, OTHER, NO_OS, 1 },
    { "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)",
      BOT, OTHER, NO_OS, 1 },
    { "Mozilla/5.0 (compatible; Yahoo! Slurp; "
      "http://help.yahoo.com/help/us/ysearch/slurp)",
      BOT, OTHER, NO_OS, 1 },
    { "facebookexternalhit/1.1 "
      "(+http://www.facebook.com/externalhit_uatext.php)",
      BOT, OTHER, NO_OS, 1 },
    { "facebookexternalhit/1.1", BOT, OTHER, NO_OS, 1 },
    { "Twitterbot/1.0", BOT, OTHER, NO_OS, 1 },
    { "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
      BOT, OTHER, NO_OS, 1 },
    { "WhatsApp/2.23.20.0 A", BOT, OTHER, NO_OS, 1 },
    { "TelegramBot (like TwitterBot)", BOT, OTHER, NO_OS, 1 },
    { "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
      BOT, OTHER, NO_OS, 1 },
    { "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; "
      "GPTBot/1.2; +https://openai.com/gptbot",
      BOT, OTHER, NO_OS, 1 },
    { "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; "
      "ChatGPT-User/1.0",
      BOT, OTHER, NO_OS, 1 },
    { "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; "
      "ClaudeBot/1.0; +claudebot@anthropic.com)",
      BOT, OTHER, NO_OS, 1 },
    { "anthropic-ai", BOT, OTHER, NO_OS, 1 },
    { "CCBot/2.0 (https://commoncrawl.org/faq/)", BOT, OTHER, NO_OS, 1 },
    { "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; "
      "PerplexityBot/1.0; +https://perplexity.ai/perplexitybot)",
      BOT, OTHER, NO_OS, 1 },
    { "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like "
      "Gecko) Mobile Safari/537.36 (compatible; Bytespider; "
      "spider-feedback@bytedance.com)",
      BOT, OTHER, ANDROID, 1 },
    { "Mozilla/5.0 (compatible; AhrefsSiteAudit/6.1)",
      BOT, OTHER, NO_OS, 1 },
    { "Mozilla/5.0 (compatible; SemrushBot/7~bl; "
      "+http://www.semrush.com/bot.html)",
      BOT, OTHER, NO_OS, 1 },
    { "Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)",
      BOT, OTHER, NO_OS, 1 },
    { "crawler4j (https://github.com/yasserg/crawler4j/)",
      BOT, OTHER, NO_OS, 1 },
    { "Mozilla/5.0 (compatible; Qwantify/2.4w; +https://www.qwant.com/)"
      "/2.4w",
      BOT, OTHER, NO_OS, 1 },
    { "Mozilla/5.0 (compatible; Google-InspectionTool/1.0;)",
      BOT, OTHER, NO_OS, 1 },
    { "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) "
      "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.69 Mobile "
      "Safari/537.36 (compatible; GoogleOther)",
      BOT, CHROME, ANDROID, 1 },
    { "Mediapartners-Google", BOT, OTHER, NO_OS, 1 },
    { "FeedFetcher-Google; (+http://www.google.com/feedfetcher.html)",
      BOT, OTHER, NO_OS, 1 },
    { "Feedly/1.0 (http://www.feedly.com/fetcher.html; 3 subscribers)",
      BOT, OTHER, NO_OS, 1 },
    { "Mozilla/5.0+(compatible; UptimeRobot/2.0; "
      "http://www.uptimerobot.com/)",
      BOT, OTHER, NO_OS, 1 },
    { "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)",
      BOT, OTHER, NO_OS, 1 },
    { "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
      "like Gecko) Chrome/120.0.0.0 Safari/537.36 StatusCake",
      BOT, CHROME, WINDOWS, 1 },
    { "Site24x7", BOT, OTHER, NO_OS, 1 },
    { "check_http/v2.3.3 (monitoring-plugins 2.3.3)",
      BOT, OTHER, NO_OS, 1 },
    { "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
      "like Gecko) SkypeUriPreview Preview/0.5",
      BOT, OTHER, WINDOWS, 1 },
    { "Mozilla/5.0 (compatible; Embedly/0.2)", BOT, OTHER, NO_OS, 1 },
    { "Iframely/1.3.1 (+https://iframely.com/docs/about)",
      BOT, OTHER, NO_OS, 1 },
};


static const agent_case_t  tool_cases[] = {
    { "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
      "Gecko) HeadlessChrome/131.0.6778.33 Safari/537.36",
      BOT, CHROME, LINUX, 1 },
    { "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) "
      "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile "
      "Safari/537.36 Chrome-Lighthouse",
      BOT, CHROME, ANDROID, 1 },
    { "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
      "like Gecko) Chrome/131.0.0.0 Safari/537.36 PTST/241212.130601",
      BOT, CHROME, WINDOWS, 1 },
    { "Serf/1.1.0 mod_pagespeed/1.13.35.2-0", BOT, OTHER, NO_OS, 1 },
    { "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like "
      "Gecko) PhantomJS/2.1.1 Safari/538.1",
      BOT, OTHER, LINUX, 1 },
    { "curl/8.5.0", BOT, OTHER, NO_OS, 1 },
    { "Wget/1.21.4", BOT, OTHER, NO_OS, 1 },
    { "python-requests/2.32.3", BOT, OTHER, NO_OS, 1 },
    { "Python-urllib/3.11", BOT, OTHER, NO_OS, 1 },
    { "Python/3.12 aiohttp/3.9.5", BOT, OTHER, NO_OS, 1 },
    { "python-httpx/0.27.0", BOT, OTHER, NO_OS, 1 },
    { "Go-http-client/1.1", BOT, OTHER, NO_OS, 1 },
    { "Go-http-client/2.0", BOT, OTHER, NO_OS, 1 },
    { "okhttp/4.12.0", BOT, OTHER, NO_OS, 1 },
    { "Java/17.0.2", BOT, OTHER, NO_OS, 1 },
    { "Apache-HttpClient/4.5.14 (Java/17.0.8)", BOT, OTHER, NO_OS, 1 },
    { "Jakarta Commons-HttpClient/3.1", BOT, OTHER, NO_OS, 1 },
    { "libwww-perl/6.72", BOT, OTHER, NO_OS, 1 },
    { "axios/1.7.7", BOT, OTHER, NO_OS, 1 },
    { "node-fetch", BOT, OTHER, NO_OS, 1 },
    { "Scrapy/2.11.2 (+https://scrapy.org)", BOT, OTHER, NO_OS, 1 },
    { "GuzzleHttp/7", BOT, OTHER, NO_OS, 1 },
    { "HTTPie/3.2.2", BOT, OTHER, NO_OS, 1 },
    { "PostmanRuntime/7.39.0", BOT, OTHER, NO_OS, 1 },
    { "Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.19045; en-US) "
      "PowerShell/7.4.1",
      BOT, OTHER, WINDOWS, 1 },
    { "Mozilla/5.0 (compatible; Nmap Scripting Engine; "
      "https://nmap.org/book/nse.html)",
      BOT, OTHER, NO_OS, 1 },
    { "Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:Port Check)",
      BOT, OTHER, NO_OS, 1 },
    { "sqlmap/1.7.2#stable (https://sqlmap.org)", BOT, OTHER, NO_OS, 1 },
    { "Mozilla/5.0 zgrab/0.x", BOT, OTHER, NO_OS, 1 },
    { "masscan/1.3 (https://github.com/robertdavidgraham/masscan)",
      BOT, OTHER, NO_OS, 1 },
    /* automation that names itself */
    { "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
      "Gecko) Chrome/131.0.0.0 Safari/537.36 Selenium",
      BOT, CHROME, LINUX, 1 },
    { "Mozilla/5.0 (X11; Linux x86_64) Puppeteer", BOT, OTHER, LINUX, 1 },
    { "Mozilla/5.0 (Macintosh) Playwright/1.48", BOT, OTHER, MACOS, 1 },
};


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


/* every case is checked, each failure named, then the test fails */
static void
check_cases(const agent_case_t *cases, size_t n)
{
    size_t               i, failed;
    cx_str_t             ua;
    cx_agent_t           a;
    const agent_case_t  *c;

    failed = 0;

    for (i = 0; i < n; i++) {
        c = &cases[i];
        ua.data = (const unsigned char *) c->ua;
        ua.len = strlen(c->ua);

        classify(ua, NULL, 0, &a);

        if (!agent_is(&a, c->device, c->browser, c->os, c->bot)) {
            print_error("%s\n  got %s %s %s bot=%u, want %s %s %s bot=%d\n",
                        c->ua, cx_device_name(a.device),
                        cx_browser_name(a.browser), cx_os_name(a.os), a.bot,
                        cx_device_name(c->device),
                        cx_browser_name(c->browser), cx_os_name(c->os),
                        c->bot);
            failed++;
        }
    }

    assert_int_equal(failed, 0);
}


static void
test_desktop(void **state)
{
    check_cases(cases_of(desktop_cases));
}


static void
test_apple_mobile(void **state)
{
    check_cases(cases_of(apple_mobile_cases));
}


static void
test_android_and_other_mobile(void **state)
{
    check_cases(cases_of(android_cases));
}


static void
test_crawlers(void **state)
{
    check_cases(cases_of(crawler_cases));
}


static void
test_tools(void **state)
{
    check_cases(cases_of(tool_cases));
}


/* iPadOS 13+ asks for desktop pages as a Mac: it is a Mac to us */
static void
test_ipados_desktop_mode(void **state)
{
    cx_agent_t  a;

    classify(str("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) "
                 "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
                 "Safari/605.1.15"), NULL, 0, &a);
    assert_true(agent_is(&a, DESKTOP, SAFARI, MACOS, 0));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_desktop),
        cmocka_unit_test(test_apple_mobile),
        cmocka_unit_test(test_android_and_other_mobile),
        cmocka_unit_test(test_crawlers),
        cmocka_unit_test(test_tools),
        cmocka_unit_test(test_ipados_desktop_mode),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
