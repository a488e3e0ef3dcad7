
/*
 * SHA-256 (FIPS 180-4).  Only configuration reads it, to turn a secret file
 * of any length and alphabet into a cookie key, so it favours plainness over
 * speed.
 */


#ifndef CX_SHA256_H
#define CX_SHA256_H


#include <stddef.h>
#include <stdint.h>


#define CX_SHA256_BLOCK_LEN   64
#define CX_SHA256_DIGEST_LEN  32


typedef struct {
    uint32_t       state[8];
    uint64_t       length;                      /* bytes hashed so far */
    size_t         fill;                        /* bytes waiting in block */
    unsigned char  block[CX_SHA256_BLOCK_LEN];
} cx_sha256_t;


void cx_sha256_init(cx_sha256_t *ctx);
void cx_sha256_update(cx_sha256_t *ctx, const unsigned char *data,
    size_t len);

/* writes the digest; ctx needs cx_sha256_init() before it is used again */
void cx_sha256_final(cx_sha256_t *ctx,
    unsigned char digest[CX_SHA256_DIGEST_LEN]);

void cx_sha256(const unsigned char *data, size_t len,
    unsigned char digest[CX_SHA256_DIGEST_LEN]);


#endif /* CX_SHA256_H */
