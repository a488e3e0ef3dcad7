
/*
 * SipHash-2-4 (J.-P. Aumasson, D. J. Bernstein): a MAC built for short
 * inputs, so signing a cookie costs a few hundred instructions per request.
 */


#ifndef CX_SIPHASH_H
#define CX_SIPHASH_H


#include <stddef.h>
#include <stdint.h>


#define CX_SIPHASH_KEY_LEN  16


/*
 * The 64-bit tag of data under a 128-bit key; its bytes in little-endian
 * order are the tag as the reference implementation writes it.
 */
uint64_t cx_siphash24(const unsigned char key[CX_SIPHASH_KEY_LEN],
    const unsigned char *data, size_t len);


#endif /* CX_SIPHASH_H */
