
/*
 * Rules that are a literal at the start of the path ("^/product/" in
 * cx_touchpoint, with "~*" caseless) need no regex engine: found once at
 * configuration time, they become one compare per request, matching exactly
 * the paths nginx's PCRE2 (no UTF, default character tables) would.
 */


#ifndef CX_PREFIX_H
#define CX_PREFIX_H


#include "cx_str.h"


#define CX_PREFIX_NONE  ((size_t) -1)


/*
 * The literal a regex "^literal" asks for, written to out (room for
 * pattern.len bytes), or CX_PREFIX_NONE for any other regex: an anchor but
 * at the start, a class, a quantifier, an alternation, a group, "\" before
 * a letter or digit, a byte outside printable ASCII.  "\" before printable
 * punctuation (as "\.") is that character.
 */
size_t cx_prefix_literal(unsigned char *out, cx_str_t pattern);

/* 1 if s starts with prefix; caseless folds ASCII letters only, as PCRE2 */
int cx_prefix_match(cx_str_t prefix, int caseless, cx_str_t s);


#endif /* CX_PREFIX_H */
