
/*
 * Unit tests of the journey record (cx_record.c) and its timestamps
 * (cx_time.c).
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cx_agent.h"
#include "cx_beacon.h"
#include "cx_channel.h"
#include "cx_experience.h"
#include "cx_fetch.h"
#include "cx_record.h"
#include "cx_time.h"
#include "json_check.h"


#define str(s)  ((cx_str_t) { (const unsigned char *) (s), sizeof(s) - 1 })


static void
test_timestamps(void **state)
{
    unsigned char  buf[CX_TIME_ISO8601_LEN + 1];

    buf[CX_TIME_ISO8601_LEN] = '\0';

    cx_time_iso8601(buf, 0, 0);
    assert_string_equal((char *) buf, "1970-01-01T00:00:00.000Z");

    /* the example and this module's date */
    cx_time_iso8601(buf, 1796107632, 123);
    assert_string_equal((char *) buf, "2026-12-01T06:47:12.123Z");

    /* a leap day, and the last millisecond of a century's leap year */
    cx_time_iso8601(buf, 951782400, 5);
    assert_string_equal((char *) buf, "2000-02-29T00:00:00.005Z");
    cx_time_iso8601(buf, 978307199, 999);
    assert_string_equal((char *) buf, "2000-12-31T23:59:59.999Z");

    /* 2100 is not a leap year */
    cx_time_iso8601(buf, 4107542400, 0);
    assert_string_equal((char *) buf, "2100-03-01T00:00:00.000Z");
}


static cx_record_t
page_view(void)
{
    cx_record_t  rec;

    memset(&rec, 0, sizeof(rec));

    rec.event = CX_EVENT_PAGE_VIEW;
    rec.start_sec = 1796107632;
    rec.start_msec = 123;
    rec.host = str("shop.example");
    rec.method = str("GET");
    rec.path = str("/cart");
    rec.query = str("a=1");
    rec.status = 200;
    rec.bytes = 512;
    rec.request_ms = 7;
    rec.upstream_ms = CX_NONE;
    rec.session_index = CX_NONE;
    rec.seq = CX_NONE;
    rec.new_visitor = CX_UNKNOWN;
    rec.new_session = CX_UNKNOWN;
    rec.landing = CX_UNKNOWN;
    rec.since_prev_ms = CX_NONE;
    rec.goal = CX_UNKNOWN;
    rec.bot = CX_UNKNOWN;
    rec.asn = CX_NONE;

    return rec;
}


static void
test_page_view_line(void **state)
{
    char         buf[4096];
    size_t       len;
    cx_record_t  rec;

    rec = page_view();
    len = cx_record_write(&rec, (unsigned char *) buf, sizeof(buf));
    assert_true(len > 0);
    assert_null(json_check_line((unsigned char *) buf, len));
    buf[len] = '\0';

    assert_string_equal(buf,
        "{\"v\":1,\"ts\":\"2026-12-01T06:47:12.123Z\",\"event\":\"page_view\","
        "\"host\":\"shop.example\",\"method\":\"GET\",\"path\":\"/cart\","
        "\"query\":\"a=1\",\"status\":200,\"bytes\":512,\"request_ms\":7,"
        "\"upstream_ms\":null,\"visitor\":null,\"session\":null,"
        "\"session_index\":null,\"seq\":null,\"new_visitor\":null,"
        "\"new_session\":null,\"prev_touchpoint\":null,"
        "\"since_prev_ms\":null,\"landing\":null,\"touchpoint\":null,"
        "\"goal\":null,\"channel\":null,\"source\":null,\"medium\":null,"
        "\"campaign\":null,\"term\":null,\"content\":null,"
        "\"referrer\":null,\"device\":null,\"browser\":null,\"os\":null,"
        "\"bot\":null,\"country\":null,\"region\":null,\"city\":null,"
        "\"lat\":null,\"lon\":null,\"asn\":null,\"as_org\":null,"
        "\"ip\":null,\"experiments\":{},\"experience\":null}\n");
}


static void
test_experiments(void **state)
{
    char                 buf[4096];
    size_t               len;
    cx_record_t          rec;
    cx_record_variant_t  v[2];

    v[0].experiment = str("checkout");
    v[0].variant = str("B");
    v[0].forced = 0;
    v[1].experiment = str("hero");
    v[1].variant = str("A");
    v[1].forced = 1;

    rec = page_view();
    rec.variants = v;
    rec.nvariants = 2;

    len = cx_record_write(&rec, (unsigned char *) buf, cx_record_bound(&rec));
    assert_true(len > 0);
    assert_null(json_check_line((unsigned char *) buf, len));
    buf[len] = '\0';

    assert_non_null(strstr(buf, ",\"experiments\":{\"checkout\":\"B\","
                            "\"hero\":\"A\"},\"forced\":[\"hero\"],"));
}


static void
test_friction_and_experience(void **state)
{
    char         buf[4096];
    size_t       len;
    cx_record_t  rec;

    rec = page_view();
    rec.friction = CX_FRICTION_SLOW | CX_FRICTION_RELOAD | CX_FRICTION_LOOP;
    rec.experience = "negative";

    len = cx_record_write(&rec, (unsigned char *) buf, sizeof(buf));
    assert_true(len > 0);
    buf[len] = '\0';

    assert_non_null(strstr(buf, ",\"experiments\":{},\"friction\":[\"slow\","
                            "\"reload\",\"loop\"],"
                            "\"experience\":\"negative\"}\n"));
}


static void
test_geo_fields(void **state)
{
    char         buf[4096];
    size_t       len;
    cx_record_t  rec;

    rec = page_view();
    rec.country = str("SE");
    rec.region = str("E");
    rec.city = str("Link\xc3\xb6ping");
    rec.lat = 58.4167;
    rec.lon = 15.6167;
    rec.has_location = 1;
    rec.asn = 29518;
    rec.as_org = str("Bredband2 AB");
    rec.ip = str("89.160.20.0");

    len = cx_record_write(&rec, (unsigned char *) buf, sizeof(buf));
    assert_true(len > 0);
    buf[len] = '\0';

    assert_non_null(strstr(buf, ",\"country\":\"SE\",\"region\":\"E\","
                            "\"city\":\"Link\xc3\xb6ping\",\"lat\":58.4167,"
                            "\"lon\":15.6167,\"asn\":29518,"
                            "\"as_org\":\"Bredband2 AB\","
                            "\"ip\":\"89.160.20.0\","));
}


/*
 * Every combination of device, browser and os written once by
 * cx_record_agent() and copied into a line gives the line the names
 * written there would, bot or not
 */
static void
test_agent_text_same_as_names(void **state)
{
    char           with[4096], without[4096];
    size_t         len, text_len;
    unsigned       d, b, o, bot;
    cx_record_t    rec;
    unsigned char  text[CX_RECORD_AGENT_LEN];

    for (d = 0; d < CX_DEVICE_COUNT; d++) {
        for (b = 0; b < CX_BROWSER_COUNT; b++) {
            for (o = 0; o < CX_OS_COUNT; o++) {
                for (bot = 0; bot < 2; bot++) {
                    rec = page_view();
                    rec.device = cx_device_name(d);
                    rec.browser = cx_browser_name(b);
                    rec.os = cx_os_name(o);
                    rec.bot = bot;

                    len = cx_record_write(&rec, (unsigned char *) without,
                                          sizeof(without));
                    assert_true(len > 0);

                    text_len = cx_record_agent(text, rec.device,
                                               rec.browser, rec.os);
                    assert_true(text_len > 0);

                    rec.agent.data = text;
                    rec.agent.len = text_len;

                    assert_int_equal(cx_record_write(&rec,
                                                     (unsigned char *) with,
                                                     sizeof(with)),
                                     len);
                    assert_memory_equal(with, without, len);
                }
            }
        }
    }

    /* a text too long for the buffer: none */

    assert_int_equal(cx_record_agent(text, "desktop", "chrome",
                                     "an operating system whose name is "
                                     "longer than any of ours"), 0);
}


/* len random bytes from "from", len_from of them */
static void
random_text(unsigned char *out, size_t len, const char *from, size_t len_from)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        out[i] = (unsigned char) from[rand() % len_from];
    }
}


/*
 * Text the caller vouches for as plain (CX_RECORD_PLAIN_*) is copied, not
 * looked at: the same line as when each byte is
 * looked at.  Past its cap, vouched or not, it is cut as any text.
 */
static void
test_plain_text_same_as_scanned(void **state)
{
    char                  with[8192], without[8192];
    size_t                i, k, len;
    cx_record_t           rec;
    cx_record_variant_t   variants[3];
    unsigned char         text[7][80], places[320];

    static const char  hex[] = "0123456789abcdef";
    static const char  names[] = "abcdefghijklmnopqrstuvwxyz"
                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-";

    srand(17);

    for (i = 0; i < 20000; i++) {
        rec = page_view();

        random_text(text[0], 32, hex, 16);
        random_text(text[1], 16, hex, 16);
        rec.visitor.data = text[0];
        rec.visitor.len = (i % 7 == 0) ? (size_t) rand() % 33 : 32;
        rec.session.data = text[1];
        rec.session.len = (i % 5 == 0) ? (size_t) rand() % 17 : 16;

        /* names up to the cap and a little past it, an address's text */

        for (k = 2; k < 7; k++) {
            random_text(text[k], 70, names, sizeof(names) - 1);
        }

        /* places' names, past their cap of 256 too */

        random_text(places, sizeof(places), names, sizeof(names) - 1);

        rec.touchpoint.data = text[2];
        rec.touchpoint.len = (size_t) rand() % 70;
        rec.prev_touchpoint.data = text[3];
        rec.prev_touchpoint.len = (size_t) rand() % 70;
        rec.ip.data = text[4];
        rec.ip.len = (size_t) rand() % 70;
        rec.method.data = text[5] + 1;
        rec.method.len = (size_t) rand() % 40;
        rec.country.data = places;
        rec.country.len = (size_t) rand() % 4;
        rec.region.data = places + 3;
        rec.region.len = (size_t) rand() % 40;
        rec.city.data = places + 5;
        rec.city.len = (i % 11 == 0) ? 240 + (size_t) rand() % 30
                                     : (size_t) rand() % 40;
        rec.as_org.data = places + 7;
        rec.as_org.len = (size_t) rand() % 60;

        rec.nvariants = (size_t) rand() % 4;
        rec.variants = variants;

        for (k = 0; k < rec.nvariants; k++) {
            variants[k].experiment.data = text[5] + k;
            variants[k].experiment.len = (size_t) rand() % 67;
            variants[k].variant.data = text[6] + k;
            variants[k].variant.len = (size_t) rand() % 67;
            variants[k].forced = rand() % 2;
        }

        rec.plain = 0;
        len = cx_record_write(&rec, (unsigned char *) without,
                              sizeof(without));
        assert_true(len > 0);

        rec.plain = CX_RECORD_PLAIN_VISITOR | CX_RECORD_PLAIN_SESSION
                    | CX_RECORD_PLAIN_TOUCHPOINT
                    | CX_RECORD_PLAIN_PREV_TOUCHPOINT | CX_RECORD_PLAIN_IP
                    | CX_RECORD_PLAIN_VARIANTS | CX_RECORD_PLAIN_METHOD
                    | CX_RECORD_PLAIN_COUNTRY | CX_RECORD_PLAIN_REGION
                    | CX_RECORD_PLAIN_CITY | CX_RECORD_PLAIN_AS_ORG;

        assert_int_equal(cx_record_write(&rec, (unsigned char *) with,
                                         sizeof(with)),
                         len);
        assert_memory_equal(with, without, len);

        /* a buffer just the line's size, and a byte short */

        assert_int_equal(cx_record_write(&rec, (unsigned char *) with, len),
                         len);
        assert_memory_equal(with, without, len);
        assert_int_equal(cx_record_write(&rec, (unsigned char *) with,
                                         len - 1),
                         0);
    }
}


/*
 * A place's lat and lon written once by cx_record_location() and copied into
 * each line give the line the numbers written there would
 */
static void
test_location_text_same_as_numbers(void **state)
{
    char           with[4096], without[4096];
    size_t         i, len, text_len;
    cx_record_t    rec;
    unsigned char  text[CX_RECORD_LOCATION_LEN];

    static const double  edges[] = {
        0.0, -0.0, 90.0, -90.0, 180.0, -180.0, 1e-7, -1e-7, 5e-7, -5e-7,
        0.0000015, 51.5142, -0.0931, 32.7405, -117.0935, 89.9999995,
        -179.9999995, 1e300, -1e300, 123456789012345.0
    };

    srand(16);

    for (i = 0; i < 100000; i++) {
        rec = page_view();
        rec.has_location = 1;

        if (i < sizeof(edges) / sizeof(edges[0])) {
            rec.lat = edges[i];
            rec.lon = -edges[i];

        } else {
            rec.lat = (rand() / (double) RAND_MAX) * 180.0 - 90.0;
            rec.lon = (rand() / (double) RAND_MAX) * 360.0 - 180.0;

            /* as the databases give them: few decimals */

            if (i % 3 == 0) {
                rec.lat = (double) (long) (rec.lat * 10000) / 10000;
                rec.lon = (double) (long) (rec.lon * 10000) / 10000;
            }
        }

        len = cx_record_write(&rec, (unsigned char *) without,
                              sizeof(without));
        assert_true(len > 0);

        text_len = cx_record_location(text, rec.lat, rec.lon);

        if (text_len == 0) {
            /* only numbers too long for the text: the line writes them */
            assert_true(rec.lat > 1e9 || rec.lat < -1e9);
            continue;
        }

        rec.location.data = text;
        rec.location.len = text_len;

        assert_int_equal(cx_record_write(&rec, (unsigned char *) with,
                                         sizeof(with)),
                         len);
        assert_memory_equal(with, without, len);
    }

    /* one known line */

    rec = page_view();
    rec.has_location = 0;
    rec.location.len = cx_record_location(text, 58.4167, 15.6167);
    rec.location.data = text;
    assert_int_equal(rec.location.len,
                     sizeof(",\"lat\":58.4167,\"lon\":15.6167") - 1);
    assert_memory_equal(text, ",\"lat\":58.4167,\"lon\":15.6167",
                        rec.location.len);

    len = cx_record_write(&rec, (unsigned char *) with, sizeof(with));
    assert_true(len > 0);
    with[len] = '\0';
    assert_non_null(strstr(with, ",\"city\":null,\"lat\":58.4167,"
                           "\"lon\":15.6167,\"asn\":"));
}


static void
test_classification_fields(void **state)
{
    char         buf[4096];
    size_t       len;
    cx_record_t  rec;

    rec = page_view();
    rec.touchpoint = str("checkout");
    rec.goal = 1;
    rec.channel = "campaign";
    rec.source = str("newsletter");
    rec.medium = str("email");
    rec.campaign = str("spring sale");
    rec.device = "mobile";
    rec.browser = "safari";
    rec.os = "ios";
    rec.bot = 0;

    len = cx_record_write(&rec, (unsigned char *) buf, sizeof(buf));
    assert_true(len > 0);
    buf[len] = '\0';

    assert_non_null(strstr(buf, ",\"touchpoint\":\"checkout\",\"goal\":true,"
                            "\"channel\":\"campaign\","
                            "\"source\":\"newsletter\","
                            "\"medium\":\"email\",\"campaign\":\"spring sale\","
                            "\"term\":null,\"content\":null,\"referrer\":null,"
                            "\"device\":\"mobile\",\"browser\":\"safari\","
                            "\"os\":\"ios\",\"bot\":false,"));
}


static void
test_journey_fields(void **state)
{
    char         buf[4096];
    size_t       len;
    cx_record_t  rec;

    rec = page_view();
    rec.visitor = str("00112233445566778899aabbccddeeff");
    rec.session = str("0123456789abcdef");
    rec.session_index = 2;
    rec.seq = 5;
    rec.new_visitor = 0;
    rec.new_session = 0;
    rec.landing = 0;
    rec.since_prev_ms = 61000;

    len = cx_record_write(&rec, (unsigned char *) buf, sizeof(buf));
    assert_true(len > 0);
    buf[len] = '\0';

    assert_non_null(strstr(buf, ",\"visitor\":"
                            "\"00112233445566778899aabbccddeeff\","
                            "\"session\":\"0123456789abcdef\","
                            "\"session_index\":2,\"seq\":5,"
                            "\"new_visitor\":false,\"new_session\":false,"
                            "\"prev_touchpoint\":null,"
                            "\"since_prev_ms\":61000,\"landing\":false,"));
}


static void
test_consent(void **state)
{
    char         buf[4096];
    size_t       len;
    cx_record_t  rec;

    /* no cx_consent where the page was served: no member at all */

    rec = page_view();
    rec.bot = 0;
    len = cx_record_write(&rec, (unsigned char *) buf, sizeof(buf));
    assert_true(len > 0);
    buf[len] = '\0';
    assert_null(strstr(buf, "consent"));
    assert_non_null(strstr(buf, ",\"bot\":false,\"country\":null,"));

    rec.consent = CX_CONSENT_GIVEN;
    len = cx_record_write(&rec, (unsigned char *) buf, sizeof(buf));
    assert_true(len > 0);
    assert_null(json_check_line((unsigned char *) buf, len));
    buf[len] = '\0';
    assert_non_null(strstr(buf, ",\"bot\":false,\"consent\":true,"
                            "\"country\":null,"));

    rec.consent = CX_CONSENT_REFUSED;
    len = cx_record_write(&rec, (unsigned char *) buf, sizeof(buf));
    assert_true(len > 0);
    buf[len] = '\0';
    assert_non_null(strstr(buf, ",\"bot\":false,\"consent\":false,"
                            "\"country\":null,"));
}


/* every member there, every number at its longest: the bound still holds */
static void
test_longest_members_within_bound(void **state)
{
    char         buf[8192];
    size_t       len;
    cx_record_t  rec;

    rec = page_view();
    rec.event = CX_EVENT_FEEDBACK;
    rec.host = str("h");
    rec.method = str("m");
    rec.path = str("p");
    rec.referrer = str("r");
    rec.status = INT64_MIN + 1;
    rec.bytes = INT64_MIN + 1;
    rec.request_ms = INT64_MIN + 1;
    rec.upstream_ms = INT64_MIN + 1;
    rec.visitor = str("v");
    rec.session = str("s");
    rec.session_index = INT64_MIN + 1;
    rec.seq = INT64_MIN + 1;
    rec.new_visitor = 0;
    rec.new_session = 0;
    rec.prev_touchpoint = str("t");
    rec.since_prev_ms = INT64_MIN + 1;
    rec.landing = 0;
    rec.touchpoint = str("t");
    rec.goal = 0;
    rec.channel = "organic_search";
    rec.source = str("s");
    rec.medium = str("m");
    rec.campaign = str("c");
    rec.term = str("t");
    rec.content = str("c");
    rec.device = "desktop";
    rec.browser = "samsung";
    rec.os = "chromeos";
    rec.bot = 0;
    rec.consent = CX_CONSENT_REFUSED;
    rec.country = str("c");
    rec.region = str("r");
    rec.city = str("c");
    rec.lat = -89.123456789012345;
    rec.lon = -179.123456789012345;
    rec.has_location = 1;
    rec.asn = INT64_MIN + 1;
    rec.as_org = str("a");
    rec.ip = str("i");
    rec.friction = ~0u;
    rec.experience = "negative";
    rec.score = INT64_MIN + 1;
    rec.scale = "thumbs";
    rec.comment = str("c");
    rec.feedback_touchpoint = str("t");
    rec.name = str("n");
    rec.value = -1e9 - 0.123456;
    rec.has_value = 1;

    assert_true(cx_record_bound(&rec) <= sizeof(buf));
    len = cx_record_write(&rec, (unsigned char *) buf, cx_record_bound(&rec));
    assert_true(len > 0);
    assert_null(json_check_line((unsigned char *) buf, len));
}


static void
test_empty_strings_are_null(void **state)
{
    char         buf[4096];
    size_t       len;
    cx_record_t  rec;

    rec = page_view();
    rec.query = str("");
    rec.host = (cx_str_t) { NULL, 0 };
    rec.upstream_ms = 0;

    len = cx_record_write(&rec, (unsigned char *) buf, sizeof(buf));
    buf[len] = '\0';

    assert_non_null(strstr(buf, "\"host\":null,"));
    assert_non_null(strstr(buf, "\"query\":null,"));
    assert_non_null(strstr(buf, "\"upstream_ms\":0,"));
}


static void
test_truncated_fields_listed(void **state)
{
    char           buf[40000];
    size_t         len;
    cx_record_t    rec;
    unsigned char  path[5000], referrer[3000];

    memset(path, 'p', sizeof(path));
    memset(referrer, 0x01, sizeof(referrer));

    rec = page_view();
    rec.path = (cx_str_t) { path, sizeof(path) };
    rec.referrer = (cx_str_t) { referrer, sizeof(referrer) };

    assert_true(cx_record_bound(&rec) <= sizeof(buf));
    len = cx_record_write(&rec, (unsigned char *) buf,
                          cx_record_bound(&rec));
    assert_true(len > 0);
    assert_null(json_check_line((unsigned char *) buf, len));
    buf[len] = '\0';

    assert_non_null(strstr(buf, ",\"truncated\":[\"path\",\"referrer\"]}\n"));

    /* 2048 'p's exactly, then the closing quote */
    assert_non_null(strstr(buf, "pp\",\"query\""));
    assert_int_equal(strstr(buf, "\",\"query\"") - strstr(buf, "ppp"), 2048);
}


/*
 * Every string past its cap, of control bytes (6 bytes out for each byte
 * in), and two experiments: cx_record_bound_max() still holds the line, and
 * is no less than the exact bound.
 */
static void
test_bound_max_holds_the_longest_record(void **state)
{
    size_t                i, len, max;
    cx_str_t              big, *fields[22];
    cx_record_t           rec;
    unsigned char        *buf;
    static unsigned char  bytes[5000];
    cx_record_variant_t   variants[2];

    memset(bytes, 0x01, sizeof(bytes));
    big = (cx_str_t) { bytes, sizeof(bytes) };

    for (i = 0; i < 2; i++) {
        variants[i].experiment = big;
        variants[i].variant = big;
        variants[i].forced = 1;
    }

    rec = page_view();
    rec.event = CX_EVENT_FEEDBACK;
    rec.consent = CX_CONSENT_GIVEN;
    rec.variants = variants;
    rec.nvariants = 2;
    rec.channel = "organic_search";

    fields[0] = &rec.host;
    fields[1] = &rec.method;
    fields[2] = &rec.path;
    fields[3] = &rec.query;
    fields[4] = &rec.referrer;
    fields[5] = &rec.visitor;
    fields[6] = &rec.session;
    fields[7] = &rec.prev_touchpoint;
    fields[8] = &rec.touchpoint;
    fields[9] = &rec.source;
    fields[10] = &rec.medium;
    fields[11] = &rec.campaign;
    fields[12] = &rec.term;
    fields[13] = &rec.content;
    fields[14] = &rec.country;
    fields[15] = &rec.region;
    fields[16] = &rec.city;
    fields[17] = &rec.as_org;
    fields[18] = &rec.ip;
    fields[19] = &rec.comment;
    fields[20] = &rec.feedback_touchpoint;
    fields[21] = &rec.name;

    for (i = 0; i < 22; i++) {
        *fields[i] = big;
    }

    max = cx_record_bound_max(rec.nvariants);
    assert_true(cx_record_bound(&rec) <= max);

    buf = malloc(max);
    assert_non_null(buf);

    len = cx_record_write(&rec, buf, max);
    assert_true(len > 0);
    assert_null(json_check_line(buf, len));

    /* as an event, the name at its cap instead of the feedback */
    rec.event = CX_EVENT_EVENT;
    assert_true(cx_record_bound(&rec) <= max);
    assert_true(cx_record_write(&rec, buf, max) > 0);

    free(buf);
}


static void
assert_plain_name(const char *name)
{
    const char  *p;

    if (name == NULL) {
        return;
    }

    assert_true(strlen(name) > 0 && strlen(name) <= 32);

    for (p = name; *p; p++) {
        assert_true(*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\');
    }
}


/* cx_record_quoted() copies the code's names with no escape: none needs one */
static void
test_vocabularies_are_plain(void **state)
{
    unsigned  i;

    for (i = 0; i < CX_CHANNEL_COUNT; i++) {
        assert_plain_name(cx_channel_name(i));
    }

    for (i = 0; i < CX_DEVICE_COUNT; i++) {
        assert_plain_name(cx_device_name(i));
    }

    for (i = 0; i < CX_BROWSER_COUNT; i++) {
        assert_plain_name(cx_browser_name(i));
    }

    for (i = 0; i < CX_OS_COUNT; i++) {
        assert_plain_name(cx_os_name(i));
    }

    for (i = 0; i < CX_SCALE_COUNT; i++) {
        assert_plain_name(cx_scale_name(i));
    }

    for (i = 0; i <= CX_EXPERIENCE_NEGATIVE; i++) {
        assert_plain_name(cx_experience_name(i));
    }

    for (i = 0; i < CX_FRICTION_KINDS; i++) {
        assert_plain_name(cx_friction_name(i));
    }

    for (i = 0; i <= CX_FETCH_OTHER; i++) {
        assert_plain_name(cx_fetch_name(i));
    }
}


/* a page fetched ahead: the kind last, where the beacon's fields go */
static void
test_prefetch_line(void **state)
{
    char         buf[4096];
    size_t       len;
    const char  *tail;
    cx_record_t  rec;

    rec = page_view();
    rec.event = CX_EVENT_PREFETCH;
    rec.speculation = "prerender";

    len = cx_record_write(&rec, (unsigned char *) buf, sizeof(buf));
    assert_true(len > 0);
    assert_null(json_check_line((unsigned char *) buf, len));
    buf[len] = '\0';

    assert_non_null(strstr(buf, "\"event\":\"prefetch\","));

    tail = "\"experience\":null,\"speculation\":\"prerender\"}\n";
    assert_true(len > strlen(tail));
    assert_string_equal(buf + len - strlen(tail), tail);

    /* only a prefetch line says it */
    rec.event = CX_EVENT_PAGE_VIEW;
    len = cx_record_write(&rec, (unsigned char *) buf, sizeof(buf));
    buf[len] = '\0';
    assert_null(strstr(buf, "speculation"));
}


static void
test_too_small_a_buffer_writes_nothing_usable(void **state)
{
    char         buf[64];
    cx_record_t  rec;

    rec = page_view();
    assert_int_equal(cx_record_write(&rec, (unsigned char *) buf,
                                     sizeof(buf)), 0);
    assert_int_equal(cx_record_write(&rec, (unsigned char *) buf, 0), 0);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_timestamps),
        cmocka_unit_test(test_page_view_line),
        cmocka_unit_test(test_journey_fields),
        cmocka_unit_test(test_classification_fields),
        cmocka_unit_test(test_geo_fields),
        cmocka_unit_test(test_location_text_same_as_numbers),
        cmocka_unit_test(test_experiments),
        cmocka_unit_test(test_friction_and_experience),
        cmocka_unit_test(test_consent),
        cmocka_unit_test(test_longest_members_within_bound),
        cmocka_unit_test(test_empty_strings_are_null),
        cmocka_unit_test(test_truncated_fields_listed),
        cmocka_unit_test(test_bound_max_holds_the_longest_record),
        cmocka_unit_test(test_vocabularies_are_plain),
        cmocka_unit_test(test_plain_text_same_as_scanned),
        cmocka_unit_test(test_agent_text_same_as_names),
        cmocka_unit_test(test_prefetch_line),
        cmocka_unit_test(test_too_small_a_buffer_writes_nothing_usable),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
