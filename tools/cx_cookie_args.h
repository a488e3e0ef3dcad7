
/*
 * cx-cookie's argument parsing: see cx_cookie_args.c.
 */


#ifndef CX_COOKIE_ARGS_H
#define CX_COOKIE_ARGS_H


#include "cx_cookie.h"


#define TOOL_MAX_SECRETS    16
#define TOOL_MIN_SECRET     16

#define TOOL_MAX_UNIX_SEC   0xffffffffULL       /* session_start: 32 bits */
#define TOOL_MAX_UNIX_MS    0xffffffffffffULL   /* last_seen_ms: 48 bits */


typedef struct {
    int     argc;
    char  **argv;
    int     next;
} tool_args_t;

typedef struct {
    cx_cookie_key_t  keys[TOOL_MAX_SECRETS];
    size_t           nkeys;
    uint64_t         now_ms;
    int              now_given;
} tool_common_t;


void tool_fail(const char *fmt, ...);
const char *tool_value(tool_args_t *args, const char *name);
int tool_common_option(tool_args_t *args, const char *arg,
    tool_common_t *common);
void tool_read_secret(const char *path, cx_cookie_key_t *key);
uint64_t tool_uint(const char *name, const char *arg, uint64_t max);
uint64_t tool_time_ms(const char *name, const char *arg, uint64_t now_ms,
    uint64_t max_ms);
void tool_hex(const char *name, const char *arg, unsigned char *out,
    size_t len);
uint8_t tool_experience(const char *arg);
void tool_force(const char *arg, cx_cookie_state_t *st);
uint32_t tool_hash(const char *s);
uint64_t tool_clock_ms(void);
void tool_random(unsigned char *buf, size_t len);


#endif /* CX_COOKIE_ARGS_H */
