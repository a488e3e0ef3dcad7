
/*
 * Inputs: see cx_report_input.h.  Each input is read in large blocks and
 * cut into lines where they lie; the inputs' next valid lines wait side
 * by side and the earliest goes first, so that sessions can be closed as
 * the merged stream passes them.
 */


#define _POSIX_C_SOURCE  200809L

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "cx_report_input.h"


#define CX_INPUT_BLOCK        (1 << 20)
#define CX_INPUT_REPORTED     5
#define CX_INPUT_PROGRESS_MIN (64ULL << 20)
#define CX_INPUT_UNMAP        (32 << 20)


static int cx_input_open(cx_input_t *in, const char *name);
static int cx_input_gz(cx_input_t *in, int fd);
static int cx_input_next(cx_input_t *in, cx_inputs_t *ins, cx_report_t *rp);
static ssize_t cx_input_fill(cx_input_t *in);
static void cx_input_unmap(cx_input_t *in);
static void cx_inputs_progress(cx_inputs_t *ins, int done);


int
cx_inputs_open(cx_inputs_t *ins, char **files, unsigned n)
{
    unsigned     i;
    struct stat  st;

    memset(ins, 0, sizeof(cx_inputs_t));
    ins->in = calloc(n, sizeof(cx_input_t));
    if (ins->in == NULL) {
        fprintf(stderr, "cx-report: out of memory\n");
        return -1;
    }

    for (i = 0; i < n; i++) {
        if (cx_input_open(&ins->in[i], files[i]) != 0) {
            cx_inputs_close(ins);
            return -1;
        }

        ins->n++;

        if (fstat(ins->in[i].fd, &st) == 0 && S_ISREG(st.st_mode)) {
            ins->total += (uint64_t) st.st_size;
        }
    }

    ins->progress = isatty(2) && ins->total > CX_INPUT_PROGRESS_MIN;

    return 0;
}


static int
cx_input_open(cx_input_t *in, const char *name)
{
    int            fd;
    void          *map;
    ssize_t        n;
    struct stat    st;
    unsigned char  magic[2];

    in->name = name;
    in->fd = -1;

    if (strcmp(name, "-") == 0) {
        fd = dup(0);
        in->name = "(stdin)";

    } else {
        fd = open(name, O_RDONLY);
    }

    if (fd == -1) {
        fprintf(stderr, "cx-report: cannot open \"%s\": %s\n", name,
                strerror(errno));
        return -1;
    }

    in->fd = fd;
    in->size = 4 * CX_INPUT_BLOCK;
    in->buf = malloc(in->size);

    if (in->buf == NULL || cx_reader_init(&in->reader) != 0) {
        fprintf(stderr, "cx-report: out of memory\n");
        return -1;
    }

    /* a pipe cannot be rewound: zlib reads it, and itself tells gzip
     * from plain by the first bytes, passing plain bytes through */
    if (lseek(fd, 0, SEEK_CUR) == -1) {
        return cx_input_gz(in, fd);
    }

    /* the first bytes tell gzip from plain; they stay in the buffer, or,
     * for gzip, zlib is handed the descriptor rewound */
    n = read(fd, magic, 2);

    if (n == -1) {
        fprintf(stderr, "cx-report: cannot read \"%s\": %s\n", name,
                strerror(errno));
        return -1;
    }

    if (n == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
        if (lseek(fd, 0, SEEK_SET) != 0) {
            fprintf(stderr, "cx-report: cannot read \"%s\": %s\n", name,
                    strerror(errno));
            return -1;
        }

        return cx_input_gz(in, fd);
    }

    /* a plain file is read where it lies in the page cache: no copy */
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0
        && (uint64_t) st.st_size < SIZE_MAX)
    {
        map = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);

        if (map != MAP_FAILED) {
            (void) posix_madvise(map, (size_t) st.st_size,
                                 POSIX_MADV_SEQUENTIAL);
            free(in->buf);
            in->buf = map;
            in->size = (size_t) st.st_size;
            in->end = in->size;
            in->mapped = 1;
            in->eof = 1;
            return 0;
        }
    }

    memcpy(in->buf, magic, (size_t) n);
    in->end = (size_t) n;
    in->consumed = (uint64_t) n;

    if (n == 0) {
        in->eof = 1;
    }

    return 0;
}


void
cx_inputs_close(cx_inputs_t *ins)
{
    unsigned     i;
    cx_input_t  *in;

    for (i = 0; i < ins->n; i++) {
        in = &ins->in[i];

        if (in->gz != NULL) {
            gzclose(in->gz);
        }

        if (in->fd != -1) {
            close(in->fd);
        }

        if (in->mapped) {
            munmap(in->buf + in->unmapped, in->size - in->unmapped);

        } else {
            free(in->buf);
        }

        cx_reader_free(&in->reader);
    }

    free(ins->in);
    ins->in = NULL;
    ins->n = 0;
}


/* zlib reads "fd" from where it is, telling gzip from plain bytes itself */
static int
cx_input_gz(cx_input_t *in, int fd)
{
    in->gz = gzdopen(dup(fd), "rb");
    if (in->gz == NULL) {
        fprintf(stderr, "cx-report: out of memory\n");
        return -1;
    }

    gzbuffer(in->gz, 1 << 18);

    return 0;
}


static ssize_t
cx_input_fill(cx_input_t *in)
{
    int            n;
    size_t         size;
    ssize_t        got;
    unsigned char *buf;

    /* keep the partial line, at the start of the buffer */
    if (in->start > 0) {
        memmove(in->buf, in->buf + in->start, in->end - in->start);
        in->end -= in->start;
        in->start = 0;
    }

    if (in->size - in->end < CX_INPUT_BLOCK) {
        size = in->size * 2;
        buf = realloc(in->buf, size);
        if (buf == NULL) {
            errno = ENOMEM;
            return -1;
        }
        in->buf = buf;
        in->size = size;
    }

    if (in->gz != NULL) {
        n = gzread(in->gz, in->buf + in->end,
                   (unsigned) (in->size - in->end));
        if (n < 0) {
            errno = EIO;
            return -1;
        }
        got = n;
        in->consumed = (uint64_t) gzoffset(in->gz);

    } else {
        got = read(in->fd, in->buf + in->end, in->size - in->end);
        if (got < 0) {
            return -1;
        }
        in->consumed += (uint64_t) got;
    }

    in->end += (size_t) got;

    if (got == 0) {
        in->eof = 1;
    }

    return got;
}


/*
 * A mapped file's pages behind the line to come are given back, so that
 * the memory the report holds does not grow with the file: nothing points
 * there any more once the next line is read.
 */
static void
cx_input_unmap(cx_input_t *in)
{
    size_t  page, upto;

    page = (size_t) sysconf(_SC_PAGESIZE);
    upto = in->start / page * page;

    if (upto > in->unmapped
        && munmap(in->buf + in->unmapped, upto - in->unmapped) == 0)
    {
        in->unmapped = upto;
    }
}


/*
 * Reads up to the input's next valid line; invalid ones on the way are
 * counted (and the first few named).  Returns 1 with in->line set, 0 at
 * the end, -1 on a read error.
 */
static int
cx_input_next(cx_input_t *in, cx_inputs_t *ins, cx_report_t *rp)
{
    size_t          len;
    unsigned char  *p, *nl;

    for ( ;; ) {
        if (in->mapped && in->start - in->unmapped >= CX_INPUT_UNMAP) {
            cx_input_unmap(in);
        }

        p = in->buf + in->start;
        nl = memchr(p, '\n', in->end - in->start);

        if (nl == NULL) {
            if (!in->eof) {
                if (cx_input_fill(in) < 0) {
                    fprintf(stderr, "cx-report: cannot read \"%s\": %s\n",
                            in->name, strerror(errno));
                    return -1;
                }
                continue;
            }

            if (in->start == in->end) {
                return 0;
            }

            /* the last line, without its newline */
            nl = in->buf + in->end;
        }

        len = (size_t) (nl - p);
        in->start += len + (nl < in->buf + in->end);
        in->lineno++;

        if (cx_reader_parse(&in->reader, p, len, &in->line) == 0) {
            return 1;
        }

        rp->invalid++;

        if (ins->reported < CX_INPUT_REPORTED) {
            if (ins->reported >= ins->quiet) {
                if (ins->progress) {
                    /* off the progress line first */
                    fputs("\r\033[K", stderr);
                }
                fprintf(stderr, "cx-report: %s:%llu: %s: skipped\n",
                        in->name, (unsigned long long) in->lineno,
                        in->reader.error);
            }
            ins->reported++;
        }
    }
}


static void
cx_inputs_progress(cx_inputs_t *ins, int done)
{
    unsigned  i;
    uint64_t  consumed;

    if (done) {
        fputs("\r\033[K", stderr);
        return;
    }

    consumed = 0;
    for (i = 0; i < ins->n; i++) {
        consumed += ins->in[i].mapped ? ins->in[i].start
                                      : ins->in[i].consumed;
    }

    fprintf(stderr, "\rcx-report: %llu of %llu MB read",
            (unsigned long long) (consumed >> 20),
            (unsigned long long) (ins->total >> 20));
}


int
cx_inputs_run(cx_inputs_t *ins, cx_report_t *rp)
{
    int          rc;
    unsigned     i, best, live;
    uint64_t     count;
    time_t       shown, now;
    cx_input_t  *in;

    live = 0;
    count = 0;
    shown = time(NULL);

    for (i = 0; i < ins->n; i++) {
        rc = cx_input_next(&ins->in[i], ins, rp);
        if (rc < 0) {
            return -1;
        }
        ins->in[i].has_line = rc;
        live += rc;
    }

    while (live > 0) {
        best = ins->n;

        for (i = 0; i < ins->n; i++) {
            if (ins->in[i].has_line
                && (best == ins->n
                    || ins->in[i].line.ts_ms < ins->in[best].line.ts_ms))
            {
                best = i;
            }
        }

        in = &ins->in[best];

        if (cx_report_advance(rp, in->line.ts_ms) != 0
            || cx_report_line(rp, &in->line) != 0)
        {
            fprintf(stderr, "cx-report: out of memory\n");
            return -1;
        }

        if (rp->late) {
            /* the caller reads everything again, without closing */
            return 0;
        }

        rc = cx_input_next(in, ins, rp);
        if (rc < 0) {
            return -1;
        }

        if (rc == 0) {
            in->has_line = 0;
            live--;
        }

        if (ins->progress && (++count & 0xffff) == 0) {
            now = time(NULL);
            if (now != shown) {
                shown = now;
                cx_inputs_progress(ins, 0);
            }
        }
    }

    if (ins->progress) {
        cx_inputs_progress(ins, 1);
    }

    return 0;
}
