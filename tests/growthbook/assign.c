
/*
 * The C side of the GrowthBook comparison (compare.js): for each line
 *
 *     experiment<TAB>weights<TAB>visitor
 *
 * where weights are the directive's, comma-separated ("33.33%,33.33%,*"),
 * prints "bucket<TAB>variant", the variant being -1 when the visitor is in
 * no range.  A line that does not parse stops it with exit status 2.
 */


#include <stdio.h>
#include <string.h>

#include "cx_experiment.h"


#define ASSIGN_LINE_MAX  4096


static int assign_line(char *line, unsigned long number);
static int assign_weights(cx_str_t text, uint32_t *weights, size_t *n,
    int *rest_index);


int
main(void)
{
    char           line[ASSIGN_LINE_MAX];
    unsigned long  number;

    number = 0;

    while (fgets(line, sizeof(line), stdin) != NULL) {
        number++;

        if (assign_line(line, number) != 0) {
            return 2;
        }
    }

    return ferror(stdin) ? 2 : 0;
}


static int
assign_line(char *line, unsigned long number)
{
    int                     rest_index, variant;
    char                   *weights_tab, *visitor_tab, *newline;
    size_t                  n;
    uint32_t                bucket, weights[CX_EXPERIMENT_MAX_VARIANTS];
    cx_str_t                name, text, visitor;
    cx_experiment_ranges_t  ranges;

    newline = strchr(line, '\n');

    if (newline == NULL) {
        fprintf(stderr, "assign: line %lu: too long or unterminated\n",
                number);
        return -1;
    }

    *newline = '\0';

    weights_tab = strchr(line, '\t');
    visitor_tab = weights_tab ? strchr(weights_tab + 1, '\t') : NULL;

    if (visitor_tab == NULL) {
        fprintf(stderr, "assign: line %lu: not three fields\n", number);
        return -1;
    }

    name.data = (const unsigned char *) line;
    name.len = weights_tab - line;
    text.data = (const unsigned char *) weights_tab + 1;
    text.len = visitor_tab - weights_tab - 1;
    visitor.data = (const unsigned char *) visitor_tab + 1;
    visitor.len = newline - visitor_tab - 1;

    if (assign_weights(text, weights, &n, &rest_index) != 0
        || cx_experiment_ranges(weights, n, rest_index, &ranges) != 0)
    {
        fprintf(stderr, "assign: line %lu: invalid weights \"%.*s\"\n",
                number, (int) text.len, (const char *) text.data);
        return -1;
    }

    bucket = cx_experiment_bucket(name, visitor);
    variant = cx_experiment_choose(&ranges, bucket);

    printf("%u\t%d\n", (unsigned) bucket, variant);

    return 0;
}


static int
assign_weights(cx_str_t text, uint32_t *weights, size_t *n, int *rest_index)
{
    int64_t               percent;
    cx_str_t              item;
    const unsigned char  *p, *comma, *end;

    *n = 0;
    *rest_index = -1;
    p = text.data;
    end = text.data + text.len;

    for ( ;; ) {
        comma = memchr(p, ',', end - p);
        item.data = p;
        item.len = (comma ? comma : end) - p;

        if (*n == CX_EXPERIMENT_MAX_VARIANTS) {
            return -1;
        }

        if (item.len == 1 && item.data[0] == '*' && *rest_index < 0) {
            *rest_index = (int) *n;
            weights[(*n)++] = 0;

        } else {
            percent = cx_experiment_parse_percent(item);

            if (percent < 0) {
                return -1;
            }

            weights[(*n)++] = (uint32_t) percent;
        }

        if (comma == NULL) {
            return 0;
        }

        p = comma + 1;
    }
}
