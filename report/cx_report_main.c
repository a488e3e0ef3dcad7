
/*
 * cx-report: the journey log turned into answers (docs/report.md).
 */


#define _POSIX_C_SOURCE  200809L

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cx_report.h"
#include "cx_report_input.h"


static const char  cx_report_usage[] =
    "usage: cx-report [--format text|json|html] [-o FILE] "
    "[--funnel tp1,tp2,...]\n"
    "                 [--since TS] [--until TS] [--host HOST] "
    "[--control exp=variant]\n"
    "                 [--weights exp=50,50] [--path-steps N] "
    "FILE... ('-' is stdin)\n";


static int cx_report_usage_error(const char *fmt, const char *arg);
static int cx_report_funnel(cx_report_conf_t *conf, char *arg);
static int cx_report_time(const char *arg, int64_t *ms);
static int cx_report_pair(const char *arg, int weights);
static int cx_report_run(cx_report_conf_t *conf, FILE *out);


static int
cx_report_usage_error(const char *fmt, const char *arg)
{
    fputs("cx-report: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (cx-report --help)\n", stderr);

    return 2;
}


static int
cx_report_funnel(cx_report_conf_t *conf, char *arg)
{
    char  *step, *next;

    if (arg == NULL) {
        return -1;
    }

    conf->nfunnel = 0;
    conf->funnel = calloc(CX_REPORT_MAX_STEPS, sizeof(char *));
    if (conf->funnel == NULL) {
        return -1;
    }

    for (step = arg; step != NULL; step = next) {
        next = strchr(step, ',');
        if (next != NULL) {
            *next++ = '\0';
        }

        if (*step == '\0' || strlen(step) > 64
            || conf->nfunnel == CX_REPORT_MAX_STEPS)
        {
            return -1;
        }

        conf->funnel[conf->nfunnel++] = step;
    }

    return 0;
}


/* YYYY-MM-DD, with THH:MM:SS and .mmm, and Z, any of the last three left
 * out: always UTC */
static int
cx_report_time(const char *arg, int64_t *ms)
{
    size_t  len;
    char    full[25];

    static const char  fill[] = "0000-00-00T00:00:00.000Z";

    len = strlen(arg);
    if (len > 0 && arg[len - 1] == 'Z') {
        len--;
    }

    if (len != 10 && len != 19 && len != 23) {
        return -1;
    }

    memcpy(full, fill, sizeof(fill));
    memcpy(full, arg, len);

    if (len == 10 && full[10] != 'T') {
        return -1;
    }

    *ms = cx_reader_ts_ms((const unsigned char *) full, 24);

    return *ms < 0 ? -1 : 0;
}


/* "exp=variant" or "exp=w1,w2,...", checked for shape */
static int
cx_report_pair(const char *arg, int weights)
{
    char        *end;
    double       w;
    const char  *eq;

    eq = strchr(arg, '=');
    if (eq == NULL || eq == arg || eq[1] == '\0') {
        return -1;
    }

    if (!weights) {
        return 0;
    }

    for (arg = eq + 1; ; arg = end + 1) {
        errno = 0;
        w = strtod(arg, &end);
        if (end == arg || errno != 0 || !(w > 0) || w > 1e9) {
            return -1;
        }
        if (*end == '\0') {
            return 0;
        }
        if (*end != ',') {
            return -1;
        }
    }
}


int
main(int argc, char **argv)
{
    int                i, rc;
    long               n;
    char              *arg, *end, **list;
    FILE              *out;
    cx_report_conf_t   conf;

    memset(&conf, 0, sizeof(conf));
    conf.since_ms = INT64_MIN;
    conf.until_ms = INT64_MAX;
    conf.path_steps = 5;
    conf.files = calloc(argc, sizeof(char *));
    conf.controls = calloc(argc, sizeof(char *));
    conf.weights = calloc(argc, sizeof(char *));

    if (conf.files == NULL || conf.controls == NULL || conf.weights == NULL)
    {
        fprintf(stderr, "cx-report: out of memory\n");
        return 1;
    }

    for (i = 1; i < argc; i++) {
        arg = argv[i];

        if (arg[0] != '-' || strcmp(arg, "-") == 0) {
            conf.files[conf.nfiles++] = arg;
            continue;
        }

        if (strcmp(arg, "--") == 0) {
            while (++i < argc) {
                conf.files[conf.nfiles++] = argv[i];
            }
            break;
        }

        if (strcmp(arg, "--version") == 0) {
            printf("cx-report %s\n", cx_report_version);
            return 0;
        }

        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(cx_report_usage, stdout);
            return 0;
        }

        if (i + 1 == argc) {
            return cx_report_usage_error("\"%s\" needs a value", arg);
        }

        if (strcmp(arg, "--format") == 0) {
            arg = argv[++i];
            if (strcmp(arg, "text") == 0) {
                conf.format = 0;
            } else if (strcmp(arg, "json") == 0) {
                conf.format = 1;
            } else if (strcmp(arg, "html") == 0) {
                conf.format = 2;
            } else {
                return cx_report_usage_error("unknown --format \"%s\"", arg);
            }

        } else if (strcmp(arg, "-o") == 0) {
            conf.output = argv[++i];

        } else if (strcmp(arg, "--funnel") == 0) {
            arg = argv[++i];
            if (cx_report_funnel(&conf, strdup(arg)) != 0) {
                return cx_report_usage_error("invalid --funnel \"%s\": give "
                    "1 to 20 touchpoint names, comma-separated, none empty",
                    arg);
            }

        } else if (strcmp(arg, "--since") == 0
                   || strcmp(arg, "--until") == 0)
        {
            if (cx_report_time(argv[i + 1], arg[2] == 's' ? &conf.since_ms
                                                          : &conf.until_ms)
                != 0)
            {
                return cx_report_usage_error("invalid time \"%s\": give "
                    "YYYY-MM-DD[THH:MM:SS[.mmm]][Z]", argv[i + 1]);
            }
            i++;

        } else if (strcmp(arg, "--host") == 0) {
            conf.host = argv[++i];

        } else if (strcmp(arg, "--control") == 0
                   || strcmp(arg, "--weights") == 0)
        {
            list = arg[2] == 'c' ? conf.controls : conf.weights;
            if (cx_report_pair(argv[i + 1], arg[2] == 'w') != 0) {
                return cx_report_usage_error(arg[2] == 'c'
                    ? "invalid --control \"%s\": give experiment=variant"
                    : "invalid --weights \"%s\": give experiment=w1,w2,... "
                      "with positive weights", argv[i + 1]);
            }
            if (arg[2] == 'c') {
                list[conf.ncontrols++] = argv[++i];
            } else {
                list[conf.nweights++] = argv[++i];
            }

        } else if (strcmp(arg, "--path-steps") == 0) {
            arg = argv[++i];
            errno = 0;
            n = strtol(arg, &end, 10);
            if (*arg == '\0' || *end != '\0' || errno != 0 || n < 1
                || n > CX_REPORT_MAX_PATH)
            {
                return cx_report_usage_error("invalid --path-steps \"%s\": "
                    "give 1 to 50", arg);
            }
            conf.path_steps = (unsigned) n;

        } else {
            return cx_report_usage_error("unknown option \"%s\"", arg);
        }
    }

    if (conf.nfiles == 0) {
        return cx_report_usage_error("%s", "no input file given");
    }

    out = stdout;

    if (conf.output != NULL) {
        out = fopen(conf.output, "w");
        if (out == NULL) {
            fprintf(stderr, "cx-report: cannot write \"%s\": %s\n",
                    conf.output, strerror(errno));
            return 2;
        }
    }

    rc = cx_report_run(&conf, out);

    /* the funnel's steps lie in one copy of the option, from its first */
    if (conf.funnel != NULL) {
        free(conf.funnel[0]);
        free(conf.funnel);
    }

    free(conf.files);
    free(conf.controls);
    free(conf.weights);

    if (fclose(out) != 0 && rc == 0) {
        fprintf(stderr, "cx-report: cannot write the report: %s\n",
                strerror(errno));
        rc = 1;
    }

    return rc;
}


static int
cx_report_run(cx_report_conf_t *conf, FILE *out)
{
    int           rc, closing, pass;
    unsigned      i, quiet;
    cx_report_t   rp;
    cx_result_t   res;
    cx_inputs_t   ins;

    /* standard input cannot be read twice: its sessions stay open */
    closing = 1;
    for (i = 0; i < conf->nfiles; i++) {
        if (strcmp(conf->files[i], "-") == 0) {
            closing = 0;
        }
    }

    quiet = 0;

    for (pass = 0; ; pass++) {
        if (cx_inputs_open(&ins, conf->files, conf->nfiles) != 0) {
            return 2;
        }

        ins.quiet = quiet;

        if (cx_report_init(&rp, conf, closing) != 0) {
            fprintf(stderr, "cx-report: out of memory\n");
            return 1;
        }

        if (cx_inputs_run(&ins, &rp) != 0) {
            return 1;
        }

        quiet = ins.reported;
        cx_inputs_close(&ins);

        if (!rp.late) {
            break;
        }

        /* a line came for a session closed already: the inputs are not in
         * time order; all again, keeping every session open */
        cx_report_free(&rp);
        closing = 0;
    }

    if (cx_report_finish(&rp) != 0 || cx_result_build(&res, &rp) != 0) {
        fprintf(stderr, "cx-report: out of memory\n");
        return 1;
    }

    if (getenv("CX_REPORT_DEBUG") != NULL) {
        fprintf(stderr, "cx-report: %d pass(es), %zu sessions open at most\n",
                pass + 1, rp.peak_open);
    }

    switch (conf->format) {
    case 1:
        rc = cx_output_json(out, &res);
        break;
    case 2:
        rc = cx_output_html(out, &res);
        break;
    default:
        rc = cx_output_text(out, &res);
        break;
    }

    cx_result_free(&res);
    cx_report_free(&rp);

    return rc == 0 ? 0 : 1;
}
