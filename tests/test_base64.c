
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


/* the RFC's definition, bit by bit: what the table-driven code must match */
static size_t
reference_encode(const unsigned char *in, size_t len, char *out)
{
    size_t       i, bits, n;
    unsigned     acc;
    const char  *alphabet;

    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
               "0123456789-_";
    acc = 0;
    bits = 0;
    n = 0;

    for (i = 0; i < len; i++) {
        acc = (acc << 8 | in[i]) & 0xffff;
        bits += 8;

        while (bits >= 6) {
            bits -= 6;
            out[n++] = alphabet[(acc >> bits) & 0x3f];
        }
    }

    if (bits > 0) {
        out[n++] = alphabet[(acc << (6 - bits)) & 0x3f];
    }

    return n;
}


/* every pair of bytes in every place of a group, alone and in a run */
static void
test_encode_every_pair(void **state)
{
    size_t         i, n;
    unsigned       v;
    cx_str_t       s;
    char           expected[16];
    unsigned char  in[10], out[16];

    for (v = 0; v < 65536; v++) {
        for (i = 0; i < sizeof(in); i++) {
            in[i] = (unsigned char) (v >> (i % 2 ? 0 : 8)) ^ (i / 2 * 0x35);
        }

        for (n = 1; n <= sizeof(in); n += 3) {
            s.data = in;
            s.len = n;
            assert_int_equal(cx_base64url_encode(out, s),
                             reference_encode(in, n, expected));
            assert_memory_equal(out, expected,
                                cx_base64url_encoded_length(n));
        }
    }
}


/*
 * Every byte value in every place of a group, in the last group and in one
 * followed by others: accepted exactly when it is in the alphabet (and, in
 * a short last group, leaves the unused bits zero).
 */
static void
test_decode_every_character(void **state)
{
    size_t         at, len, value;
    unsigned       c;
    cx_str_t       s;
    ptrdiff_t      expected;
    const char    *alphabet, *found;
    unsigned char  text[12], out[16], again[16];

    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
               "0123456789-_";

    for (c = 0; c < 256; c++) {
        found = c != 0 ? strchr(alphabet, (int) c) : NULL;
        value = found ? (size_t) (found - alphabet) : 64;

        for (len = 2; len <= sizeof(text); len++) {
            if (len % 4 == 1) {
                continue;
            }

            for (at = 0; at < len; at++) {
                memset(text, 'A', sizeof(text));
                text[at] = (unsigned char) c;

                expected = (ptrdiff_t) cx_base64url_decoded_length(len);

                if (value == 64
                    || (at == len - 1 && len % 4 == 2 && (value & 0x0f))
                    || (at == len - 1 && len % 4 == 3 && (value & 0x03)))
                {
                    expected = -1;
                }

                s.data = text;
                s.len = len;
                assert_int_equal(cx_base64url_decode(out, s), expected);

                /* what is accepted is the one spelling of what it gave */
                if (expected >= 0) {
                    s.data = out;
                    s.len = expected;
                    assert_int_equal(cx_base64url_encode(again, s), len);
                    assert_memory_equal(again, text, len);
                }
            }
        }
    }
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
        cmocka_unit_test(test_encode_every_pair),
        cmocka_unit_test(test_decode_every_character),
        cmocka_unit_test(test_lengths),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
