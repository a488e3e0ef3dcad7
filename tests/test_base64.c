
/*
 * Unit tests of base64url (cx_base64.c): the RFC 4648 section 10 vectors,
 * the URL alphabet, and strict decoding's refusals.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "cx_base64.h"


#define str(s)  ((cx_str_t) { (const unsigned char *) (s), sizeof(s) - 1 })


static void
assert_pair(cx_str_t bytes, const char *text)
{
    size_t         n;
    ptrdiff_t      d;
    cx_str_t       encoded;
    unsigned char  buf[64], back[64];

    n = cx_base64url_encode(buf, bytes);
    assert_int_equal(n, strlen(text));
    assert_int_equal(n, cx_base64url_encoded_length(bytes.len));
    assert_memory_equal(buf, text, n);

    encoded.data = (const unsigned char *) text;
    encoded.len = strlen(text);
    d = cx_base64url_decode(back, encoded);
    assert_int_equal(d, bytes.len);
    assert_int_equal(d, cx_base64url_decoded_length(encoded.len));
    assert_memory_equal(back, bytes.data, bytes.len);
}


static void
assert_rejected(cx_str_t text)
{
    unsigned char  buf[64];

    assert_int_equal(cx_base64url_decode(buf, text), -1);
}


static void
test_rfc4648_vectors(void **state)
{
    assert_pair(str(""), "");
    assert_pair(str("f"), "Zg");
    assert_pair(str("fo"), "Zm8");
    assert_pair(str("foo"), "Zm9v");
    assert_pair(str("foob"), "Zm9vYg");
    assert_pair(str("fooba"), "Zm9vYmE");
    assert_pair(str("foobar"), "Zm9vYmFy");
}


static void
test_url_alphabet(void **state)
{
    assert_pair(str("\xfb\xef\xbe"), "----");
    assert_pair(str("\xff\xff\xff"), "____");
    assert_pair(str("\xfb\xff"), "-_8");
    assert_pair(str("\x00\x10\x83\x10\x51\x87\x20\x92\x8b\x30\xd3\x8f"
                    "\x41\x14\x93\x51\x55\x97\x61\x96\x9b\x71\xd7\x9f"
                    "\x82\x18\xa3\x92\x59\xa7\xa2\x9a\xab\xb2\xdb\xaf"
                    "\xc3\x1c\xb3\xd3\x5d\xb7\xe3\x9e\xbb\xf3\xdf\xbf"),
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                "0123456789-_");
    assert_pair(str("\0"), "AA");
    assert_pair(str("\0\0"), "AAA");
}


static void
test_rejects(void **state)
{
    /* the standard alphabet's characters and padding */
    assert_rejected(str("+/+/"));
    assert_rejected(str("Zg=="));
    assert_rejected(str("Zg="));
    assert_rejected(str("Zm9v="));
    /* anything else outside the alphabet, in each place of a group */
    assert_rejected(str(".m9v"));
    assert_rejected(str("Z.9v"));
    assert_rejected(str("Zm.v"));
    assert_rejected(str("Zm9."));
    assert_rejected(str("Zm9vZ."));
    assert_rejected(str("Zm9vZm."));
    assert_rejected(str("Zm9v Zm8"));
    assert_rejected(str("Zm9v\0Zm8"));
    assert_rejected(str("Zm9v\x80"));
    assert_rejected(str("Zm9v\xff\xff\xff\xff"));
    /* 4n+1 characters leave 6 bits: no byte string encodes to that */
    assert_rejected(str("Z"));
    assert_rejected(str("Zm9vY"));
    assert_rejected(str("Zm9vYmFyZ"));
    /* unused trailing bits set: "Zh" and "Zm9" would respell "f" and "fo" */
    assert_rejected(str("Zh"));
    assert_rejected(str("Zv"));
    assert_rejected(str("Zm9"));
    assert_rejected(str("Zm-"));
    assert_rejected(str("Zm9vYh"));
}


static void
test_lengths(void **state)
{
    assert_int_equal(cx_base64url_encoded_length(0), 0);
    assert_int_equal(cx_base64url_encoded_length(1), 2);
    assert_int_equal(cx_base64url_encoded_length(2), 3);
    assert_int_equal(cx_base64url_encoded_length(3), 4);
    assert_int_equal(cx_base64url_encoded_length(69), 92);
    assert_int_equal(cx_base64url_encoded_length(101), 135);
    assert_int_equal(cx_base64url_decoded_length(0), 0);
    assert_int_equal(cx_base64url_decoded_length(2), 1);
    assert_int_equal(cx_base64url_decoded_length(3), 2);
    assert_int_equal(cx_base64url_decoded_length(4), 3);
    assert_int_equal(cx_base64url_decoded_length(256), 192);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_rfc4648_vectors),
        cmocka_unit_test(test_url_alphabet),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_lengths),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
