
/*
 * FNV-1a, 32 bits: the hash GrowthBook's SDKs assign experiments with, and
 * the one the cookie keeps names and paths as.  Not keyed: nothing secret
 * depends on it.
 */


#ifndef CX_HASH_H
#define CX_HASH_H


#include "cx_str.h"


#define CX_FNV1A32_INIT  0x811c9dc5u


/* continues a hash over more bytes; start from CX_FNV1A32_INIT */
uint32_t cx_fnv1a32_update(uint32_t hash, const unsigned char *data,
    size_t len);
uint32_t cx_fnv1a32(cx_str_t s);


#endif /* CX_HASH_H */
