
/*
 * The yardstick of cx-report's reader (docs/report.md, "Speed"): the same
 * journey log read with jansson, a JSON library that builds a tree per
 * line, picking out a few of the fields the report uses.  Prints the
 * lines parsed and page views seen; time it with /usr/bin/time.
 *
 *     gcc -O2 bench/report_jansson.c -ljansson -o build/report-jansson
 */


#define _POSIX_C_SOURCE  200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>


int
main(int argc, char **argv)
{
    char          *buf;
    size_t         cap;
    ssize_t        len;
    FILE          *f;
    json_t        *doc, *event, *session, *tp;
    json_error_t   err;
    unsigned long  lines, views, invalid;

    if (argc != 2 || (f = fopen(argv[1], "r")) == NULL) {
        fprintf(stderr, "usage: report-jansson LOG\n");
        return 2;
    }

    buf = NULL;
    cap = 0;
    lines = views = invalid = 0;

    while ((len = getline(&buf, &cap, f)) != -1) {
        lines++;
        doc = json_loadb(buf, (size_t) len, JSON_REJECT_DUPLICATES, &err);

        if (doc == NULL || !json_is_object(doc)) {
            invalid++;
            json_decref(doc);
            continue;
        }

        event = json_object_get(doc, "event");
        session = json_object_get(doc, "session");
        tp = json_object_get(doc, "touchpoint");

        if (json_is_string(event)
            && strcmp(json_string_value(event), "page_view") == 0
            && (session == NULL || json_is_string(session)
                || json_is_null(session))
            && (tp == NULL || json_is_string(tp) || json_is_null(tp)))
        {
            views++;
        }

        json_decref(doc);
    }

    printf("%lu lines, %lu invalid, %lu page views\n", lines, invalid, views);
    free(buf);
    fclose(f);

    return 0;
}
