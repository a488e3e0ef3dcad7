
/*
 * Address anonymisation: see cx_ip.h.  The /24 and /48 cuts are those of
 * Google Analytics' IP anonymisation, widely taken as the common practice.
 */


#include <string.h>

#include "cx_digits.h"
#include "cx_ip.h"


static const unsigned char  cx_ip_v4_mapped[12] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};


void
cx_ip_anonymize(unsigned char *addr, size_t len)
{
    if (len == 4) {
        addr[3] = 0;
        return;
    }

    if (len != 16) {
        return;
    }

    if (memcmp(addr, cx_ip_v4_mapped, sizeof(cx_ip_v4_mapped)) == 0) {
        addr[15] = 0;
        return;
    }

    memset(addr + 6, 0, 10);
}


size_t
cx_ip_text4(const unsigned char *addr, unsigned char *out)
{
    size_t          i;
    unsigned        n;
    unsigned char  *p;

    /* two digits a load: no division, where there were three an octet */

    p = out;

    for (i = 0; i < 4; i++) {
        n = addr[i];

        if (n >= 100) {
            *p++ = (unsigned char) (n >= 200 ? '2' : '1');
            n -= (n >= 200) ? 200 : 100;
            *p++ = cx_digit_pairs[n * 2];
            *p++ = cx_digit_pairs[n * 2 + 1];

        } else if (n >= 10) {
            *p++ = cx_digit_pairs[n * 2];
            *p++ = cx_digit_pairs[n * 2 + 1];

        } else {
            *p++ = (unsigned char) ('0' + n);
        }

        if (i < 3) {
            *p++ = '.';
        }
    }

    return p - out;
}
