
/*
 * SipHash-2-4 (J.-P. Aumasson, D. J. Bernstein): a MAC built for short
 * inputs, so signing a cookie costs a few hundred instructions per request.
 */


#ifndef CX_SIPHASH_H
#define CX_SIPHASH_H


#include <stddef.h>
#include <stdint.h>


#define CX_SIPHASH_KEY_LEN  16


/* the state after the key and some whole 8-byte words of a message */
typedef struct {
    uint64_t  v0;
    uint64_t  v1;
    uint64_t  v2;
    uint64_t  v3;
} cx_siphash_state_t;


/*
 * The 64-bit tag of data under a 128-bit key; its bytes in little-endian
 * order are the tag as the reference implementation writes it.
 */
uint64_t cx_siphash24(const unsigned char key[CX_SIPHASH_KEY_LEN],
    const unsigned char *data, size_t len);

/*
 * The same tag, and in *state the state after the first "kept" bytes of
 * data (a multiple of 8, at most len): a message that starts with the
 * same bytes is signed from there with cx_siphash24_resume().
 */
uint64_t cx_siphash24_keep(const unsigned char key[CX_SIPHASH_KEY_LEN],
    const unsigned char *data, size_t len, size_t kept,
    cx_siphash_state_t *state);

/*
 * The tag of data under the key of a state that cx_siphash24_keep() left
 * after the same first "kept" bytes.
 */
uint64_t cx_siphash24_resume(const cx_siphash_state_t *state,
    const unsigned char *data, size_t len, size_t kept);


#endif /* CX_SIPHASH_H */
