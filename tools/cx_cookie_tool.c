
/*
 * cx-cookie: reads and makes ngx_cx_module cookies from the command line,
 * with the same secret files as the cx_secret directive, to look inside a
 * visitor's cookie or to craft one for a test.
 *
 *   cx-cookie decode --secret FILE [--secret FILE...] [--now UNIXMS] COOKIE
 *   cx-cookie mint --secret FILE [--secret FILE...] [options]
 *   cx-cookie --version
 *
 * Exit status: 0 done, 1 an invalid cookie (decode) or a system failure,
 * 2 bad arguments.
 */


#define _DEFAULT_SOURCE

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/types.h>
#include <sys/random.h>

#include "cx_cookie_args.h"
#include "cx_base64.h"
#include "cx_cookie.h"
#include "cx_hash.h"
#include "cx_json.h"
#include "cx_siphash.h"
#include "cx_time.h"


#define TOOL_JSON_SIZE      4096

/* the Makefile passes the one in the file VERSION */
#ifndef CX_VERSION
#error "CX_VERSION is not defined: build with make, which reads VERSION"
#endif


static void tool_usage(FILE *out);
static int tool_mint_many(const char *file, cx_cookie_state_t *st,
    const cx_cookie_key_t *key);
static size_t tool_resign_version(unsigned char *text, size_t len,
    uint8_t version, const cx_cookie_key_t *key);
static void tool_json_hex(cx_json_t *json, const unsigned char *bytes,
    size_t len);
static void tool_json_time(cx_json_t *json, uint64_t ms);
static void tool_json_state(cx_json_t *json, const cx_cookie_state_t *st);
static void tool_print(cx_cookie_status_e rc, const cx_cookie_state_t *st);
static int tool_decode(tool_args_t *args);
static int tool_mint(tool_args_t *args);


static const char  tool_hex_digits[] = "0123456789abcdef";


int
main(int argc, char **argv)
{
    tool_args_t  args;

    args.argc = argc;
    args.argv = argv;
    args.next = 2;

    if (argc < 2) {
        tool_fail("missing command: decode or mint (--help for usage)");
    }

    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0
        || (argc > 2 && strcmp(argv[2], "--help") == 0))
    {
        tool_usage(stdout);
        return 0;
    }

    if (strcmp(argv[1], "--version") == 0) {
        printf("cx-cookie %s\n", CX_VERSION);
        return 0;
    }

    if (strcmp(argv[1], "decode") == 0) {
        return tool_decode(&args);
    }

    if (strcmp(argv[1], "mint") == 0) {
        return tool_mint(&args);
    }

    tool_fail("unknown command \"%s\" (decode or mint)", argv[1]);

    return 2;
}


static void
tool_usage(FILE *out)
{
    fputs("usage:\n"
          "  cx-cookie decode --secret FILE [--secret FILE...]"
          " [--now UNIXMS] COOKIE\n"
          "  cx-cookie mint --secret FILE [--secret FILE...] [options]\n"
          "  cx-cookie --version\n"
          "\n"
          "mint options (TIME: unix seconds, \"now\", or -31m, +10m, -30s,"
          " -2h, -1d):\n"
          "  --visitor HEX32  --session HEX16     random when absent\n"
          "  --visitors FILE  one cookie a line for each visitor id a line\n"
          "                   of FILE (- for stdin)\n"
          "  --session-index N  --seq N           default 1\n"
          "  --last-seen TIME                     default now\n"
          "  --session-start TIME                 default --last-seen\n"
          "  --now UNIXMS                         the \"now\" of TIME\n"
          "  --path P  --prev-path P  --touchpoint NAME  --campaign NAME\n"
          "  --channel N  --goal  --loyal  --repeat N\n"
          "  --experience R[,R[,R]]   newest first: none, positive,"
          " neutral, negative\n"
          "  --force EXPERIMENT:VARIANT  (up to 4)\n"
          "  --version N  --key-id N   deliberately wrong cookies\n",
          out);
}


/* another version byte, signed again: cx_cookie_encode() writes only 1 */
static size_t
tool_resign_version(unsigned char *text, size_t len, uint8_t version,
    const cx_cookie_key_t *key)
{
    size_t         i, signed_len;
    uint64_t       tag;
    cx_str_t       s;
    ptrdiff_t      n;
    unsigned char  bytes[CX_COOKIE_MAX_BINARY];

    s.data = text;
    s.len = len;
    n = cx_base64url_decode(bytes, s);

    if (n <= CX_COOKIE_TAG_LEN) {
        fprintf(stderr, "cx-cookie: cannot re-sign the cookie\n");
        exit(1);
    }

    signed_len = (size_t) n - CX_COOKIE_TAG_LEN;
    bytes[0] = version;
    tag = cx_siphash24(key->key, bytes, signed_len);

    for (i = 0; i < CX_COOKIE_TAG_LEN; i++) {
        bytes[signed_len + i] = (unsigned char) (tag >> (8 * i));
    }

    s.data = bytes;
    s.len = (size_t) n;

    return cx_base64url_encode(text, s);
}


static void
tool_json_hex(cx_json_t *json, const unsigned char *bytes, size_t len)
{
    size_t         i;
    unsigned char  hex[2 * 16];     /* the visitor id is the longest */

    for (i = 0; i < len; i++) {
        hex[2 * i] = (unsigned char) tool_hex_digits[bytes[i] >> 4];
        hex[2 * i + 1] = (unsigned char) tool_hex_digits[bytes[i] & 0x0f];
    }

    cx_json_string(json, hex, 2 * len, 2 * len);
}


static void
tool_json_time(cx_json_t *json, uint64_t ms)
{
    unsigned char  iso[CX_TIME_ISO8601_LEN];

    cx_time_iso8601(iso, (int64_t) (ms / 1000), (unsigned) (ms % 1000));
    cx_json_string(json, iso, sizeof(iso), sizeof(iso));
}


/* the members after "valid" of a cookie that verified */
static void
tool_json_state(cx_json_t *json, const cx_cookie_state_t *st)
{
    size_t  i;

    cx_json_key(json, "version");
    cx_json_integer(json, CX_COOKIE_VERSION);
    cx_json_key(json, "key_id");
    cx_json_integer(json, st->key_id);
    cx_json_key(json, "visitor");
    tool_json_hex(json, st->visitor, sizeof(st->visitor));
    cx_json_key(json, "session");
    tool_json_hex(json, st->session, sizeof(st->session));
    cx_json_key(json, "session_start");
    tool_json_time(json, (uint64_t) st->session_start * 1000);
    cx_json_key(json, "last_seen");
    tool_json_time(json, st->last_seen_ms);
    cx_json_key(json, "session_index");
    cx_json_integer(json, st->session_index);
    cx_json_key(json, "seq");
    cx_json_integer(json, st->seq);

    cx_json_key(json, "path_hashes");
    cx_json_array_start(json);
    cx_json_integer(json, st->path_hash[0]);
    cx_json_integer(json, st->path_hash[1]);
    cx_json_array_end(json);

    cx_json_key(json, "touchpoint_hash");
    cx_json_integer(json, st->touchpoint);
    cx_json_key(json, "channel");
    cx_json_integer(json, st->channel);

    cx_json_key(json, "flags");
    cx_json_object_start(json);
    cx_json_key(json, "goal");
    cx_json_bool(json, st->flags & CX_COOKIE_GOAL);
    cx_json_key(json, "loyal");
    cx_json_bool(json, st->flags & CX_COOKIE_LOYAL);
    cx_json_object_end(json);

    cx_json_key(json, "campaign_hash");
    cx_json_integer(json, st->campaign);

    cx_json_key(json, "experience");
    cx_json_array_start(json);

    for (i = 0; i < 3; i++) {
        cx_json_integer(json, (st->experience >> (2 * i)) & 3);
    }

    cx_json_array_end(json);

    cx_json_key(json, "repeat");
    cx_json_integer(json, st->repeat);

    cx_json_key(json, "forced");
    cx_json_array_start(json);

    for (i = 0; i < st->nforced; i++) {
        cx_json_object_start(json);
        cx_json_key(json, "experiment_hash");
        cx_json_integer(json, st->forced[i].experiment);
        cx_json_key(json, "variant_hash");
        cx_json_integer(json, st->forced[i].variant);
        cx_json_object_end(json);
    }

    cx_json_array_end(json);
}


static void
tool_print(cx_cookie_status_e rc, const cx_cookie_state_t *st)
{
    const char    *reason;
    cx_json_t      json;
    unsigned char  buf[TOOL_JSON_SIZE];

    cx_json_init(&json, buf, sizeof(buf));
    cx_json_object_start(&json);
    cx_json_key(&json, "valid");
    cx_json_bool(&json, rc == CX_COOKIE_OK);

    if (rc == CX_COOKIE_OK) {
        tool_json_state(&json, st);

    } else {
        reason = cx_cookie_status_name(rc);
        cx_json_key(&json, "reason");
        cx_json_string(&json, (const unsigned char *) reason, strlen(reason),
                       strlen(reason));
    }

    cx_json_object_end(&json);

    fwrite(buf, 1, cx_json_length(&json), stdout);
    fputc('\n', stdout);
}


static int
tool_decode(tool_args_t *args)
{
    const char         *arg, *cookie;
    tool_common_t       common;
    cx_cookie_state_t   st;
    cx_cookie_status_e  rc;

    memset(&common, 0, sizeof(tool_common_t));
    cookie = NULL;

    while (args->next < args->argc) {
        arg = args->argv[args->next++];

        if (strcmp(arg, "--") == 0 && args->next < args->argc) {
            arg = args->argv[args->next++];

        } else if (strncmp(arg, "--", 2) == 0) {
            if (!tool_common_option(args, arg, &common)) {
                tool_fail("unknown decode option \"%s\"", arg);
            }

            continue;
        }

        if (cookie != NULL) {
            tool_fail("unexpected argument \"%s\": one COOKIE only", arg);
        }

        cookie = arg;
    }

    if (common.nkeys == 0) {
        tool_fail("decode needs --secret FILE");
    }

    if (cookie == NULL) {
        tool_fail("decode needs a COOKIE");
    }

    if (!common.now_given) {
        common.now_ms = tool_clock_ms();
    }

    rc = cx_cookie_decode((const unsigned char *) cookie, strlen(cookie),
                          common.keys, common.nkeys, common.now_ms, NULL,
                          &st, NULL);

    tool_print(rc, &st);

    return rc == CX_COOKIE_OK ? 0 : 1;
}


static int
tool_mint(tool_args_t *args)
{
    int                version, key_id;
    size_t             n;
    const char        *arg, *start, *last, *visitors;
    tool_common_t      common;
    cx_cookie_key_t    key;
    cx_cookie_state_t  st;
    unsigned char      text[CX_COOKIE_MAX_TEXT];

    memset(&common, 0, sizeof(tool_common_t));
    memset(&st, 0, sizeof(cx_cookie_state_t));
    st.session_index = 1;
    st.seq = 1;

    /* random ids unless --visitor or --session overwrite them */
    tool_random(st.visitor, sizeof(st.visitor));
    tool_random(st.session, sizeof(st.session));

    version = -1;
    key_id = -1;
    start = NULL;
    last = "now";
    visitors = NULL;

    while (args->next < args->argc) {
        arg = args->argv[args->next++];

        if (tool_common_option(args, arg, &common)) {
            continue;
        }

        if (strcmp(arg, "--visitor") == 0) {
            tool_hex(arg, tool_value(args, arg), st.visitor,
                     sizeof(st.visitor));

        } else if (strcmp(arg, "--visitors") == 0) {
            visitors = tool_value(args, arg);

        } else if (strcmp(arg, "--session") == 0) {
            tool_hex(arg, tool_value(args, arg), st.session,
                     sizeof(st.session));

        } else if (strcmp(arg, "--session-index") == 0) {
            st.session_index = (uint16_t) tool_uint(arg,
                                                    tool_value(args, arg),
                                                    UINT16_MAX);

        } else if (strcmp(arg, "--seq") == 0) {
            st.seq = (uint16_t) tool_uint(arg, tool_value(args, arg),
                                          UINT16_MAX);

        } else if (strcmp(arg, "--session-start") == 0) {
            start = tool_value(args, arg);

        } else if (strcmp(arg, "--last-seen") == 0) {
            last = tool_value(args, arg);

        } else if (strcmp(arg, "--path") == 0) {
            st.path_hash[0] = tool_hash(tool_value(args, arg));

        } else if (strcmp(arg, "--prev-path") == 0) {
            st.path_hash[1] = tool_hash(tool_value(args, arg));

        } else if (strcmp(arg, "--touchpoint") == 0) {
            st.touchpoint = tool_hash(tool_value(args, arg));

        } else if (strcmp(arg, "--campaign") == 0) {
            st.campaign = tool_hash(tool_value(args, arg));

        } else if (strcmp(arg, "--channel") == 0) {
            st.channel = (uint8_t) tool_uint(arg, tool_value(args, arg),
                                             UINT8_MAX);

        } else if (strcmp(arg, "--goal") == 0) {
            st.flags |= CX_COOKIE_GOAL;

        } else if (strcmp(arg, "--loyal") == 0) {
            st.flags |= CX_COOKIE_LOYAL;

        } else if (strcmp(arg, "--experience") == 0) {
            st.experience = tool_experience(tool_value(args, arg));

        } else if (strcmp(arg, "--repeat") == 0) {
            st.repeat = (uint8_t) tool_uint(arg, tool_value(args, arg),
                                            UINT8_MAX);

        } else if (strcmp(arg, "--force") == 0) {
            tool_force(tool_value(args, arg), &st);

        } else if (strcmp(arg, "--version") == 0) {
            version = (int) tool_uint(arg, tool_value(args, arg), UINT8_MAX);

        } else if (strcmp(arg, "--key-id") == 0) {
            key_id = (int) tool_uint(arg, tool_value(args, arg), UINT8_MAX);

        } else {
            tool_fail("unknown mint option \"%s\"", arg);
        }
    }

    if (common.nkeys == 0) {
        tool_fail("mint needs --secret FILE");
    }

    if (!common.now_given) {
        common.now_ms = tool_clock_ms();
    }

    st.last_seen_ms = tool_time_ms("--last-seen", last, common.now_ms,
                                   TOOL_MAX_UNIX_MS);

    /* a session seen last 31 minutes ago began then, unless told */

    if (start == NULL) {
        st.session_start = (uint32_t) (st.last_seen_ms / 1000);

    } else {
        st.session_start = (uint32_t) (tool_time_ms("--session-start", start,
                                                    common.now_ms,
                                                    TOOL_MAX_UNIX_SEC * 1000)
                                       / 1000);
    }

    key = common.keys[0];

    /* signed with the first key, but under another key's id */
    if (key_id >= 0) {
        key.id = (uint8_t) key_id;
    }

    if (visitors) {
        return tool_mint_many(visitors, &st, &key);
    }

    n = cx_cookie_encode(&st, &key, NULL, NULL, text);

    if (version >= 0) {
        n = tool_resign_version(text, n, (uint8_t) version, &key);
    }

    fwrite(text, 1, n, stdout);
    fputc('\n', stdout);

    return 0;
}


/* one cookie a line for each visitor id a line of the file ("-": stdin) */
static int
tool_mint_many(const char *file, cx_cookie_state_t *st,
    const cx_cookie_key_t *key)
{
    FILE           *in;
    char            line[128];
    size_t          n, len;
    unsigned char   text[CX_COOKIE_MAX_TEXT];

    in = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");

    if (in == NULL) {
        tool_fail("--visitors \"%s\" cannot be opened: %s", file,
                  strerror(errno));
    }

    while (fgets(line, sizeof(line), in)) {
        len = strcspn(line, "\r\n");
        line[len] = '\0';

        if (len == 0) {
            continue;
        }

        tool_hex("--visitors", line, st->visitor, sizeof(st->visitor));
        tool_random(st->session, sizeof(st->session));

        n = cx_cookie_encode(st, key, NULL, NULL, text);
        fwrite(text, 1, n, stdout);
        fputc('\n', stdout);
    }

    if (in != stdin) {
        fclose(in);
    }

    return 0;
}
