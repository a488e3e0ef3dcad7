
/*
 * The inputs of cx-report: files, plain or gzip (by the magic bytes), or
 * standard input, read a line at a time and merged by time.
 */


#ifndef CX_REPORT_INPUT_H
#define CX_REPORT_INPUT_H


#include <stdio.h>
#include <zlib.h>

#include "cx_report.h"


typedef struct {
    const char      *name;
    int              fd;
    gzFile           gz;
    unsigned char   *buf;
    size_t           size;
    size_t           start;         /* the next line begins here */
    size_t           end;           /* bytes read into buf */
    int              eof;
    int              mapped;        /* buf is the file, mapped */
    size_t           unmapped;      /* bytes of it given back */
    uint64_t         lineno;
    uint64_t         consumed;      /* bytes of the file read so far */
    cx_reader_t      reader;
    cx_line_t        line;
    int              has_line;      /* "line" holds the next valid one */
} cx_input_t;


typedef struct {
    cx_input_t      *in;
    unsigned         n;
    unsigned         reported;      /* invalid lines named on stderr */
    unsigned         quiet;         /* the first ones, named already */
    uint64_t         total;         /* bytes of the regular files */
    int              progress;
} cx_inputs_t;


/* -1 and a message on stderr when a file cannot be opened */
int cx_inputs_open(cx_inputs_t *ins, char **files, unsigned n);
void cx_inputs_close(cx_inputs_t *ins);

/* one pass: every line handed to the report, by time; -1 on a read
 * error (said on stderr) or without memory */
int cx_inputs_run(cx_inputs_t *ins, cx_report_t *rp);


#endif /* CX_REPORT_INPUT_H */
