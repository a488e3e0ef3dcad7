
/*
 * Names by id, and the small containers the report counts in.
 */


#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "cx_report.h"


static int cx_names_rehash(cx_names_t *names);
static int cx_int64_cmp(const void *a, const void *b);


uint64_t
cx_hash_bytes(const unsigned char *s, size_t len)
{
    size_t    i;
    uint64_t  h;

    /* FNV-1a: names are short and come from our own log */
    h = 0xcbf29ce484222325ULL;

    for (i = 0; i < len; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }

    return h ^ (h >> 29);
}


int
cx_names_init(cx_names_t *names)
{
    memset(names, 0, sizeof(cx_names_t));

    if (cx_names_id(names, (const unsigned char *) "(none)", 6)
            != CX_NAME_NONE
        || cx_names_id(names, (const unsigned char *) "\xe2\x80\xa6", 3)
            != CX_NAME_MORE)
    {
        return -1;
    }

    return 0;
}


void
cx_names_free(cx_names_t *names)
{
    size_t  i;

    for (i = 0; i < names->n; i++) {
        free(names->name[i]);
    }

    free(names->name);
    free(names->len);
    free(names->slot);
    memset(names, 0, sizeof(cx_names_t));
}


static int
cx_names_rehash(cx_names_t *names)
{
    size_t     i, j, nslots;
    uint32_t  *slot;

    nslots = names->nslots ? names->nslots * 2 : 1024;
    slot = calloc(nslots, sizeof(uint32_t));
    if (slot == NULL) {
        return -1;
    }

    for (i = 0; i < names->n; i++) {
        j = cx_hash_bytes((unsigned char *) names->name[i], names->len[i])
            & (nslots - 1);

        while (slot[j] != 0) {
            j = (j + 1) & (nslots - 1);
        }

        slot[j] = (uint32_t) i + 1;
    }

    free(names->slot);
    names->slot = slot;
    names->nslots = nslots;

    return 0;
}


/* the id of a name, added when new; -1 without memory */
int64_t
cx_names_id(cx_names_t *names, const unsigned char *s, size_t len)
{
    size_t     j, cap;
    uint32_t   id;
    char     **name;
    size_t    *lens;

    if ((names->n + 1) * 2 > names->nslots && cx_names_rehash(names) != 0) {
        return -1;
    }

    j = cx_hash_bytes(s, len) & (names->nslots - 1);

    while (names->slot[j] != 0) {
        id = names->slot[j] - 1;

        if (names->len[id] == len && memcmp(names->name[id], s, len) == 0) {
            return id;
        }

        j = (j + 1) & (names->nslots - 1);
    }

    if (names->n == names->cap) {
        cap = names->cap ? names->cap * 2 : 256;
        name = realloc(names->name, cap * sizeof(char *));
        if (name == NULL) {
            return -1;
        }
        names->name = name;
        lens = realloc(names->len, cap * sizeof(size_t));
        if (lens == NULL) {
            return -1;
        }
        names->len = lens;
        names->cap = cap;
    }

    names->name[names->n] = malloc(len + 1);
    if (names->name[names->n] == NULL) {
        return -1;
    }

    memcpy(names->name[names->n], s, len);
    names->name[names->n][len] = '\0';
    names->len[names->n] = len;
    names->slot[j] = (uint32_t) names->n + 1;

    return names->n++;
}


/* byte order of two names */
int
cx_names_cmp(cx_names_t *names, uint32_t a, uint32_t b)
{
    int     c;
    size_t  la, lb;

    if (a == b) {
        return 0;
    }

    la = names->len[a];
    lb = names->len[b];
    c = memcmp(names->name[a], names->name[b], la < lb ? la : lb);

    if (c != 0) {
        return c;
    }

    return la < lb ? -1 : (la > lb);
}


int
cx_ints_push(cx_ints_t *a, int64_t v)
{
    size_t    cap;
    int64_t  *p;

    if (a->n == a->cap) {
        cap = a->cap ? a->cap * 2 : 64;
        p = realloc(a->v, cap * sizeof(int64_t));
        if (p == NULL) {
            return -1;
        }
        a->v = p;
        a->cap = cap;
    }

    a->v[a->n++] = v;

    return 0;
}


static int
cx_int64_cmp(const void *a, const void *b)
{
    int64_t  x, y;

    x = *(const int64_t *) a;
    y = *(const int64_t *) b;

    return (x > y) - (x < y);
}


/*
 * The nearest rank: the value at rank ceil(p * n) of the sorted values,
 * from 1; p 0.5 gives the lower middle of an even count.  Sorts the array.
 */
int64_t
cx_ints_rank(cx_ints_t *a, double p)
{
    size_t  rank;

    qsort(a->v, a->n, sizeof(int64_t), cx_int64_cmp);

    /* p * n in integers where p is a whole percent, so that 0.95 * 20 is
     * 19, not 19.000000000000004 */
    rank = (size_t) ((llround(p * 100) * a->n + 99) / 100);
    if (rank < 1) {
        rank = 1;
    }

    return a->v[rank - 1];
}
