
/*
 * User-Agent classification: the device class, the browser family and the
 * operating system of a request, and whether the agent is a crawler, a
 * preview fetcher, a monitor or a scripted tool rather than a person.
 *
 * Only the first CX_AGENT_SCAN_MAX bytes are read (real agents are shorter;
 * what a client pads beyond that is ignored), case-insensitively for ASCII,
 * in one pass and without allocation.
 *
 * Choices the classifier makes, so that analysts know what the names mean:
 * - iPadOS 13+ asks for desktop sites with a Macintosh agent that cannot be
 *   told from a Mac's: it counts as desktop, macos, safari.
 * - Android without "Mobile" counts as a tablet (Chrome's convention), and
 *   so do other big-screen Android devices such as TVs.
 * - Windows Phone counts as mobile, windows; X11 without Linux (the BSDs,
 *   Solaris) counts as linux; Kindle and Silk count as tablets, even when
 *   the first Kindle Fire poses as a Mac.
 * - In-app browsers and WebViews (Android "; wv)", Facebook and Messenger
 *   "FBAV/", Instagram) are browser "other": they are not the browser the
 *   visitor chose, and their sessions behave differently.  On iOS they
 *   carry no "Version/", so they are "other" too.
 * - Other Chromium browsers that carry "Chrome/" (Vivaldi, Yandex, UC,
 *   Silk, Brave) count as chrome; Safari needs "Version/" and an Apple OS,
 *   so Android's old stock browser and Kindle readers are "other".
 * - "bot" is a crawler token anywhere in the agent, except in the phone
 *   brand CUBOT; "Tablet PC" on Windows desktops is not a tablet.
 * - Selenium, Puppeteer and Playwright do not name themselves by default;
 *   when an agent does, it is a bot.
 */


#ifndef CX_AGENT_H
#define CX_AGENT_H


#include "cx_str.h"


#define CX_AGENT_SCAN_MAX  512


typedef enum {
    CX_DEVICE_DESKTOP = 0,
    CX_DEVICE_MOBILE,
    CX_DEVICE_TABLET,
    CX_DEVICE_BOT,
    CX_DEVICE_COUNT
} cx_device_e;


typedef enum {
    CX_BROWSER_OTHER = 0,
    CX_BROWSER_CHROME,
    CX_BROWSER_FIREFOX,
    CX_BROWSER_SAFARI,
    CX_BROWSER_EDGE,
    CX_BROWSER_OPERA,
    CX_BROWSER_SAMSUNG,
    CX_BROWSER_COUNT
} cx_browser_e;


typedef enum {
    CX_OS_OTHER = 0,
    CX_OS_WINDOWS,
    CX_OS_MACOS,
    CX_OS_IOS,
    CX_OS_ANDROID,
    CX_OS_LINUX,
    CX_OS_CHROMEOS,
    CX_OS_COUNT
} cx_os_e;


typedef struct {
    cx_device_e   device;           /* CX_DEVICE_BOT whenever bot is set */
    cx_browser_e  browser;          /* filled for bots too, when known */
    cx_os_e       os;
    unsigned      bot:1;
} cx_agent_t;


/* the names the journey record and the X-CX-Device header carry; a value
   out of range gets the name of the enum's 0 */
const char *cx_device_name(cx_device_e d);
const char *cx_browser_name(cx_browser_e b);
const char *cx_os_name(cx_os_e o);

/*
 * Classifies ua.  An absent or empty agent is a bot.  bot_tokens are the
 * operator's extra bot tokens (cx_bots), lowercase ASCII, found as
 * substrings of the agent whatever its case; an empty token is ignored.
 */
void cx_agent_classify(cx_str_t ua, const cx_str_t *bot_tokens,
    size_t ntokens, cx_agent_t *out);


#endif /* CX_AGENT_H */
