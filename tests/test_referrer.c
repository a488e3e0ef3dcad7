
/*
 * Unit tests of the Referer's host (cx_referrer.c): what is taken for the
 * host, how it is normalised, and how patterns and the Host header match.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "cx_referrer.h"


#define str(s)  ((cx_str_t) { (const unsigned char *) (s), sizeof(s) - 1 })


static unsigned char  buf[512];


static cx_str_t
cstr(const char *s)
{
    cx_str_t  out;

    out.data = (const unsigned char *) s;
    out.len = strlen(s);

    return out;
}


static void
assert_str(cx_str_t s, const char *expected)
{
    assert_int_equal(s.len, strlen(expected));
    assert_memory_equal(s.data, expected, s.len);
}


static void
assert_parsed(const char *referrer, const char *host, const char *name,
    unsigned android)
{
    cx_referrer_t  ref;

    memset(buf, 0xa5, sizeof(buf));
    assert_int_equal(cx_referrer_parse(cstr(referrer), buf, strlen(referrer),
                                       &ref), 1);
    assert_str(ref.host, host);
    assert_str(ref.name, name);
    assert_int_equal(ref.android, android);
    assert_ptr_equal(ref.host.data, buf);
    assert_int_equal(buf[ref.host.len], 0xa5);
}


static void
assert_no_host(const char *referrer)
{
    cx_referrer_t  ref;

    assert_int_equal(cx_referrer_parse(cstr(referrer), buf, sizeof(buf),
                                       &ref), 0);
}


static void
test_parse(void **state)
{
    assert_parsed("https://www.Example.COM/a?b#c", "www.example.com",
                  "example.com", 0);
    assert_parsed("http://user:pw@Shop.Example.com.:8080/x",
                  "shop.example.com", "shop.example.com", 0);
    assert_parsed("https://www.com/", "www.com", "www.com", 0);
    assert_parsed("https://www.co.uk/", "www.co.uk", "co.uk", 0);
    assert_parsed("https://WWW.example.org?x", "www.example.org",
                  "example.org", 0);
    assert_parsed("https://example.org#frag", "example.org", "example.org",
                  0);
    assert_parsed("ftp://files.example.net/", "files.example.net",
                  "files.example.net", 0);
    assert_parsed("http://[2001:DB8::1]:443/", "[2001:db8::1]",
                  "[2001:db8::1]", 0);
    assert_parsed("http://10.0.0.1:80", "10.0.0.1", "10.0.0.1", 0);
    assert_parsed("http://localhost/", "localhost", "localhost", 0);
    assert_parsed("http://under_score.example/", "under_score.example",
                  "under_score.example", 0);
    assert_parsed("http://caf\xc3\xa9.example/", "caf\xc3\xa9.example",
                  "caf\xc3\xa9.example", 0);
    assert_parsed("android-app://Com.Google.Android.GM/",
                  "com.google.android.gm", "com.google.android.gm", 1);
    assert_parsed("android-app://www.pkg.x", "www.pkg.x", "www.pkg.x", 1);
}


static void
test_parse_without_scheme(void **state)
{
    assert_parsed("www.example.com/path", "www.example.com", "example.com",
                  0);
    assert_parsed("example.com:8080/x", "example.com", "example.com", 0);
    assert_parsed("//cdn.example.com/x", "cdn.example.com",
                  "cdn.example.com", 0);
    assert_parsed("//localhost/", "localhost", "localhost", 0);
    assert_parsed(" \texample.com \t", "example.com", "example.com", 0);
    assert_no_host("localhost");
    assert_no_host("localhost:8080");
    assert_no_host("garbage");
}


static void
test_parse_no_host(void **state)
{
    cx_referrer_t  ref;

    assert_int_equal(cx_referrer_parse(str(""), buf, 0, &ref), 0);
    assert_int_equal(cx_referrer_parse((cx_str_t) cx_null_string, NULL, 0,
                                       &ref), 0);
    assert_no_host("   ");
    assert_no_host("about:blank");
    assert_no_host("mailto:a@example.com");
    assert_no_host("http:example.com");
    assert_no_host("file:///etc/passwd");
    assert_no_host("http://");
    assert_no_host("http://@/");
    assert_no_host("http://:80/");
    assert_no_host("http://example.com:8o/");
    assert_no_host("http://exa mple.com/");
    assert_no_host("http://exa%6dple.com/");
    assert_no_host("http://a..b/");
    assert_no_host("http://.a.b/");
    assert_no_host("http://a.b../");
    assert_no_host("http://./");
    assert_no_host("http://-a.b/");
    assert_no_host("http://[::1/");
    assert_no_host("http://[]/");
    assert_no_host("http://[::g]/");
    assert_no_host("http://[::1]x/");
    assert_no_host("android-app://");
    assert_no_host("android-app://1pkg/");
    assert_no_host("android-app://com.example:80/");
    assert_no_host("android-app://com-example/");
}


static void
test_parse_bounds(void **state)
{
    char           host[300];
    cx_referrer_t  ref;

    /* a 253 byte name is a host, a 254 byte one is not */
    memset(host, 'a', sizeof(host));
    memcpy(host, "http://", 7);
    host[7 + 249] = '.';
    host[7 + 250] = 'c';
    host[7 + 251] = 'o';
    host[7 + 252] = 'm';
    host[7 + 253] = '\0';
    assert_int_equal(cx_referrer_parse(cstr(host), buf, sizeof(buf), &ref),
                     1);
    assert_int_equal(ref.host.len, 253);

    host[7 + 249] = 'a';
    host[7 + 250] = '.';
    host[7 + 251] = 'c';
    host[7 + 252] = 'o';
    host[7 + 253] = 'm';
    host[7 + 254] = '\0';
    assert_int_equal(cx_referrer_parse(cstr(host), buf, sizeof(buf), &ref),
                     0);

    /* never written past the buffer it was given */
    memset(buf, 0xa5, sizeof(buf));
    assert_int_equal(cx_referrer_parse(str("http://example.com/"), buf, 10,
                                       &ref), 0);
    assert_int_equal(buf[0], 0xa5);
    assert_int_equal(cx_referrer_parse(str("http://example.com/"), buf, 11,
                                       &ref), 1);
    assert_int_equal(buf[11], 0xa5);
}


static size_t
rank(const char *referrer, const char *pattern)
{
    cx_referrer_t  ref;

    assert_int_equal(cx_referrer_parse(cstr(referrer), buf, sizeof(buf),
                                       &ref), 1);

    return cx_referrer_match(&ref, cstr(pattern));
}


static void
test_match(void **state)
{
    assert_int_equal(rank("https://example.com/", "example.com"), 12);
    assert_int_equal(rank("https://www.example.com/", "example.com"), 12);
    assert_int_equal(rank("https://example.com/", "www.example.com"), 12);
    assert_int_equal(rank("https://Example.com/", "EXAMPLE.COM."), 12);
    assert_int_equal(rank("https://a.example.com/", "example.com"), 0);
    assert_int_equal(rank("https://example.com/", ".example.com"), 11);
    assert_int_equal(rank("https://www.example.com/", ".example.com"), 11);
    assert_int_equal(rank("https://a.b.example.com/", ".Example.com."), 11);
    assert_int_equal(rank("https://a.b.example.com/", ".b.example.com"), 13);
    assert_int_equal(rank("https://notexample.com/", ".example.com"), 0);
    assert_int_equal(rank("https://example.com/", ".a.example.com"), 0);
    assert_int_equal(rank("https://www.example.com/", ".www.example.com"),
                     15);
    assert_int_equal(rank("https://example.com/", ""), 0);
    assert_int_equal(rank("https://example.com/", "."), 0);
    assert_int_equal(rank("https://example.com/", ".."), 0);
    assert_int_equal(rank("android-app://com.example.app/",
                          "com.example.app"), 16);
}


static int
same_host(const char *referrer, const char *host_header)
{
    cx_referrer_t  ref;

    assert_int_equal(cx_referrer_parse(cstr(referrer), buf, sizeof(buf),
                                       &ref), 1);

    return cx_referrer_same_host(&ref, cstr(host_header));
}


static void
test_same_host(void **state)
{
    assert_true(same_host("https://shop.example/", "shop.example"));
    assert_true(same_host("https://www.shop.example/", "shop.example"));
    assert_true(same_host("https://shop.example/", "WWW.Shop.Example:8443"));
    assert_true(same_host("https://shop.example:1/", "shop.example."));
    assert_true(same_host("http://[::1]:8080/", "[::1]:80"));
    assert_false(same_host("https://a.shop.example/", "shop.example"));
    assert_false(same_host("https://shop.example/", "a.shop.example"));
    assert_false(same_host("https://shop.example/", ""));
    assert_false(same_host("https://shop.example/", ":8080"));
    assert_false(same_host("android-app://shop.example/", "shop.example"));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_without_scheme),
        cmocka_unit_test(test_parse_no_host),
        cmocka_unit_test(test_parse_bounds),
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_same_host),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
