
/*
 * Unit tests of address anonymisation (cx_ip.c).
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cx_ip.h"


static void
test_ipv4(void **state)
{
    unsigned char  a[4] = { 81, 2, 69, 142 };

    cx_ip_anonymize(a, 4);
    assert_memory_equal(a, "\x51\x02\x45\x00", 4);
}


static void
test_ipv6_keeps_48_bits(void **state)
{
    unsigned char  a[16] = { 0x20, 0x01, 0x02, 0x18, 0xab, 0xcd, 0x12, 0x34,
                             0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x11, 0x22 };
    unsigned char  expected[16] = { 0x20, 0x01, 0x02, 0x18, 0xab, 0xcd };

    cx_ip_anonymize(a, 16);
    assert_memory_equal(a, expected, 16);
}


static void
test_ipv4_mapped(void **state)
{
    unsigned char  a[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
                             89, 160, 20, 112 };
    unsigned char  expected[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
                                    89, 160, 20, 0 };

    cx_ip_anonymize(a, 16);
    assert_memory_equal(a, expected, 16);
}


static void
test_other_lengths_untouched(void **state)
{
    unsigned char  a[6] = { 1, 2, 3, 4, 5, 6 };

    cx_ip_anonymize(a, 6);
    assert_memory_equal(a, "\x01\x02\x03\x04\x05\x06", 6);
}


static void
assert_text4(unsigned char a, unsigned char b, unsigned char c,
    unsigned char d, const char *expected)
{
    size_t         len;
    unsigned char  addr[4], out[16];

    addr[0] = a;
    addr[1] = b;
    addr[2] = c;
    addr[3] = d;

    len = cx_ip_text4(addr, out);
    assert_int_equal(len, strlen(expected));
    assert_memory_equal(out, expected, len);
}


static void
test_text4(void **state)
{
    assert_text4(81, 2, 69, 0, "81.2.69.0");
    assert_text4(0, 0, 0, 0, "0.0.0.0");
    assert_text4(255, 255, 255, 255, "255.255.255.255");
    assert_text4(100, 10, 9, 200, "100.10.9.200");
}


/*
 * Differential, against snprintf(): every octet value in every position
 * (the others pseudo-random), then pseudo-random addresses
 */
static void
test_text4_every_octet(void **state)
{
    int            n;
    char           expected[16];
    size_t         i, k, len;
    uint32_t       x;
    unsigned char  addr[4], out[16];

    x = 0x2545f491u;

    for (i = 0; i < 4 * 256 + 100000; i++) {
        for (k = 0; k < 4; k++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            addr[k] = (unsigned char) (x >> 8);
        }

        if (i < 4 * 256) {
            addr[i / 256] = (unsigned char) (i % 256);
        }

        n = snprintf(expected, sizeof(expected), "%u.%u.%u.%u", addr[0],
                     addr[1], addr[2], addr[3]);

        memset(out, 'x', sizeof(out));
        len = cx_ip_text4(addr, out);

        assert_int_equal(len, (size_t) n);
        assert_memory_equal(out, expected, len);
        assert_int_equal(out[len], 'x');
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_ipv4),
        cmocka_unit_test(test_ipv6_keeps_48_bits),
        cmocka_unit_test(test_ipv4_mapped),
        cmocka_unit_test(test_other_lengths_untouched),
        cmocka_unit_test(test_text4),
        cmocka_unit_test(test_text4_every_octet),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
