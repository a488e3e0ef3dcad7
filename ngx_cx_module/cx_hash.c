
/*
 * FNV-1a, 32 bits (Fowler, Noll, Vo).
 */


#include "cx_hash.h"


uint32_t
cx_fnv1a32_update(uint32_t hash, const unsigned char *data, size_t len)
{
    size_t  i;

    /* four bytes a round: the loop's own instructions were half the cost */

    for (i = 0; i + 4 <= len; i += 4) {
        hash = (hash ^ data[i]) * 0x01000193u;
        hash = (hash ^ data[i + 1]) * 0x01000193u;
        hash = (hash ^ data[i + 2]) * 0x01000193u;
        hash = (hash ^ data[i + 3]) * 0x01000193u;
    }

    for ( /* void */ ; i < len; i++) {
        hash ^= data[i];
        hash *= 0x01000193u;
    }

    return hash;
}


uint32_t
cx_fnv1a32(cx_str_t s)
{
    return cx_fnv1a32_update(CX_FNV1A32_INIT, s.data, s.len);
}
