
/*
 * SHA-256: see cx_sha256.h.  Names follow FIPS 180-4 section 6.2.
 */


#include <string.h>

#include "cx_sha256.h"


#define cx_rotr32(x, n)  (uint32_t) (((x) >> (n)) | ((x) << (32 - (n))))


static void cx_sha256_compress(cx_sha256_t *ctx, const unsigned char *block);


/* the first 32 bits of the fractional parts of the cube roots of the first
 * 64 primes (FIPS 180-4 section 4.2.2) */
static const uint32_t  cx_sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
    0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
    0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
    0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
    0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};


void
cx_sha256_init(cx_sha256_t *ctx)
{
    /* the square roots of the first 8 primes (FIPS 180-4 section 5.3.3) */
    ctx->state[0] = 0x6a09e667;
    ctx->state[1] = 0xbb67ae85;
    ctx->state[2] = 0x3c6ef372;
    ctx->state[3] = 0xa54ff53a;
    ctx->state[4] = 0x510e527f;
    ctx->state[5] = 0x9b05688c;
    ctx->state[6] = 0x1f83d9ab;
    ctx->state[7] = 0x5be0cd19;
    ctx->length = 0;
    ctx->fill = 0;
}


void
cx_sha256_update(cx_sha256_t *ctx, const unsigned char *data, size_t len)
{
    size_t  n;

    ctx->length += len;

    if (ctx->fill > 0) {
        n = CX_SHA256_BLOCK_LEN - ctx->fill;

        if (n > len) {
            n = len;
        }

        memcpy(ctx->block + ctx->fill, data, n);
        ctx->fill += n;
        data += n;
        len -= n;

        if (ctx->fill < CX_SHA256_BLOCK_LEN) {
            return;
        }

        cx_sha256_compress(ctx, ctx->block);
        ctx->fill = 0;
    }

    while (len >= CX_SHA256_BLOCK_LEN) {
        cx_sha256_compress(ctx, data);
        data += CX_SHA256_BLOCK_LEN;
        len -= CX_SHA256_BLOCK_LEN;
    }

    if (len > 0) {
        memcpy(ctx->block, data, len);
        ctx->fill = len;
    }
}


void
cx_sha256_final(cx_sha256_t *ctx, unsigned char digest[CX_SHA256_DIGEST_LEN])
{
    int       i;
    uint64_t  bits;

    bits = ctx->length * 8;

    /* a 1 bit, zeros up to 56 bytes into a block, the length in bits */
    ctx->block[ctx->fill++] = 0x80;

    if (ctx->fill > CX_SHA256_BLOCK_LEN - 8) {
        memset(ctx->block + ctx->fill, 0, CX_SHA256_BLOCK_LEN - ctx->fill);
        cx_sha256_compress(ctx, ctx->block);
        ctx->fill = 0;
    }

    memset(ctx->block + ctx->fill, 0, CX_SHA256_BLOCK_LEN - 8 - ctx->fill);

    for (i = 0; i < 8; i++) {
        ctx->block[CX_SHA256_BLOCK_LEN - 1 - i] =
                                           (unsigned char) (bits >> (8 * i));
    }

    cx_sha256_compress(ctx, ctx->block);

    for (i = 0; i < 32; i++) {
        digest[i] = (unsigned char) (ctx->state[i / 4] >> (24 - 8 * (i % 4)));
    }

    memset(ctx, 0, sizeof(cx_sha256_t));
}


void
cx_sha256(const unsigned char *data, size_t len,
    unsigned char digest[CX_SHA256_DIGEST_LEN])
{
    cx_sha256_t  ctx;

    cx_sha256_init(&ctx);
    cx_sha256_update(&ctx, data, len);
    cx_sha256_final(&ctx, digest);
}


static void
cx_sha256_compress(cx_sha256_t *ctx, const unsigned char *block)
{
    int       t;
    uint32_t  w[64], a, b, c, d, e, f, g, h, t1, t2, s0, s1;

    for (t = 0; t < 16; t++) {
        w[t] = (uint32_t) block[4 * t] << 24
               | (uint32_t) block[4 * t + 1] << 16
               | (uint32_t) block[4 * t + 2] << 8
               | (uint32_t) block[4 * t + 3];
    }

    for (t = 16; t < 64; t++) {
        s0 = cx_rotr32(w[t - 15], 7) ^ cx_rotr32(w[t - 15], 18)
             ^ (w[t - 15] >> 3);
        s1 = cx_rotr32(w[t - 2], 17) ^ cx_rotr32(w[t - 2], 19)
             ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }

    a = ctx->state[0];
    b = ctx->state[1];
    c = ctx->state[2];
    d = ctx->state[3];
    e = ctx->state[4];
    f = ctx->state[5];
    g = ctx->state[6];
    h = ctx->state[7];

    for (t = 0; t < 64; t++) {
        t1 = h + (cx_rotr32(e, 6) ^ cx_rotr32(e, 11) ^ cx_rotr32(e, 25))
             + ((e & f) ^ (~e & g)) + cx_sha256_k[t] + w[t];
        t2 = (cx_rotr32(a, 2) ^ cx_rotr32(a, 13) ^ cx_rotr32(a, 22))
             + ((a & b) ^ (a & c) ^ (b & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }

    ctx->state[0] += a;
    ctx->state[1] += b;
    ctx->state[2] += c;
    ctx->state[3] += d;
    ctx->state[4] += e;
    ctx->state[5] += f;
    ctx->state[6] += g;
    ctx->state[7] += h;
}
