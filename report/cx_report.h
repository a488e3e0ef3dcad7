
/*
 * cx-report: the figures of docs/report.md, kept while the lines stream
 * by, and the finished report the outputs write.
 */


#ifndef CX_REPORT_H
#define CX_REPORT_H


#include <stdio.h>
#include <stdint.h>

#include "cx_str.h"
#include "cx_report_reader.h"


#define CX_REPORT_TOP_PATHS      20
#define CX_REPORT_LOWEST         5
#define CX_REPORT_BEFORE         5
#define CX_REPORT_MAX_STEPS      20
#define CX_REPORT_MAX_PATH       50

/* a session closes this long after its last line (cx_session_timeout's
 * default and a margin), a DNT session this long into the next day */
#define CX_REPORT_HORIZON_MS     (40 * 60 * 1000)
#define CX_REPORT_DAY_MARGIN_MS  (10 * 60 * 1000)

#define CX_NAME_NONE  0         /* "(none)" */
#define CX_NAME_MORE  1         /* "…" */


/* growing arrays of int64 */
typedef struct {
    int64_t  *v;
    size_t    n;
    size_t    cap;
} cx_ints_t;


/* names (touchpoints, channels, experiments, variants, dates) by id */
typedef struct {
    char      **name;
    size_t     *len;
    uint32_t   *slot;           /* open addressing: id + 1, 0 empty */
    size_t      nslots;
    size_t      n;
    size_t      cap;
} cx_names_t;


typedef struct {
    char      *control;         /* "exp=variant" options, as given */
    char      *weights;
} cx_report_option_t;


typedef struct {
    int              format;    /* 0 text, 1 json, 2 html */
    const char      *output;
    char           **funnel;
    unsigned         nfunnel;
    int64_t          since_ms;  /* INT64_MIN: none */
    int64_t          until_ms;  /* INT64_MAX: none */
    const char      *host;
    char           **controls;  /* "exp=variant" */
    unsigned         ncontrols;
    char           **weights;   /* "exp=w1,w2" */
    unsigned         nweights;
    unsigned         path_steps;
    char           **files;
    unsigned         nfiles;
} cx_report_conf_t;


typedef struct cx_session_s   cx_session_t;
typedef struct cx_lowest_s    cx_lowest_t;


/* the figures of one touchpoint */
typedef struct {
    uint64_t   views, entries, exits;
    uint64_t   experience[4];
    uint64_t   friction[CX_FRICTION_N];
    cx_ints_t  request_ms;
} cx_tp_stat_t;


typedef struct {
    uint64_t   sessions, conversions, bounces;
} cx_channel_stat_t;


typedef struct {
    uint64_t   page_views, negative, sessions;
} cx_day_stat_t;


/* a feedback answer with a comment, kept while it is among the lowest */
struct cx_lowest_s {
    int64_t        score;
    char           ts[25];
    int64_t        ts_ms;
    int64_t        seq;         /* INT64_MAX: null */
    char          *comment;
    size_t         comment_len;
    uint32_t       before[CX_REPORT_BEFORE + 1];
    unsigned       nbefore;
    uint32_t       stat;        /* its touchpoint * CX_SCALE_N + scale */
    cx_lowest_t   *next;        /* a session's answers waiting for it */
};


typedef struct {
    uint64_t       answers;
    uint64_t       top;         /* csat 4-5, nps 9-10, thumbs 1 */
    uint64_t       bottom;      /* nps 0-6 */
    int64_t        sum;
    cx_lowest_t   *lowest[CX_REPORT_LOWEST];
    unsigned       nlowest;
} cx_feedback_stat_t;


/* a path: name ids, CX_NAME_MORE last when cut */
typedef struct {
    uint32_t   step[CX_REPORT_MAX_PATH + 1];
    unsigned   nsteps;
    uint64_t   sessions, conversions;
} cx_path_t;


typedef struct {
    uint32_t   exp, variant;
    int64_t    ts;
} cx_exposure_t;


typedef struct {
    uint64_t        id[2];
    int64_t         max_goal;   /* INT64_MIN: no goal */
    cx_exposure_t  *exposure;
    uint32_t        nexposures;
} cx_visitor_t;


typedef struct {
    uint32_t   exp, variant;
    uint64_t   visitors, conversions;
} cx_arm_t;


/* everything counted in one pass */
typedef struct {
    const cx_report_conf_t  *conf;
    cx_names_t               names;

    uint64_t                 read, invalid, lines_page_views, lines_feedback,
                             lines_events, lines_bots, lines_prefetch;

    uint64_t                 page_views, sessions, bounces, conversions,
                             session_pages;
    char                     first_ts[25], last_ts[25];
    int64_t                  first_ms, last_ms;

    cx_tp_stat_t            *tp;             /* by name id */
    cx_channel_stat_t       *channel;
    cx_day_stat_t           *day;
    cx_feedback_stat_t      *feedback;       /* by name id * CX_SCALE_N */
    size_t                   stats_cap;      /* ids the arrays above hold */
    unsigned char           *is_tp, *is_channel, *is_day;

    /* sessions open, by id, and the ids closed */
    cx_session_t           **sessions_slot;
    size_t                   sessions_nslots, sessions_open;
    uint64_t                *closed;
    size_t                   closed_nslots, closed_n;
    cx_session_t            *lru[2][2];      /* [dnt][head, tail] */
    int                      closing;
    int                      late;           /* a line for a closed one */
    int64_t                  watermark;
    size_t                   peak_open;

    cx_path_t               *paths;
    uint32_t                *paths_slot;
    size_t                   paths_n, paths_cap, paths_nslots;

    uint32_t                 funnel[CX_REPORT_MAX_STEPS];
    uint64_t                 funnel_sessions[CX_REPORT_MAX_STEPS];
    cx_ints_t                funnel_ms[CX_REPORT_MAX_STEPS];

    cx_visitor_t            *visitors;
    size_t                   visitors_nslots, visitors_n;
} cx_report_t;


/* names */
int cx_names_init(cx_names_t *names);
void cx_names_free(cx_names_t *names);
int64_t cx_names_id(cx_names_t *names, const unsigned char *s, size_t len);
int cx_names_cmp(cx_names_t *names, uint32_t a, uint32_t b);
uint64_t cx_hash_bytes(const unsigned char *s, size_t len);

int cx_ints_push(cx_ints_t *a, int64_t v);
int64_t cx_ints_rank(cx_ints_t *a, double p);

/* collecting */
int cx_report_init(cx_report_t *rp, const cx_report_conf_t *conf,
    int closing);
void cx_report_free(cx_report_t *rp);
int cx_report_line(cx_report_t *rp, cx_line_t *line);
int cx_report_advance(cx_report_t *rp, int64_t ts_ms);
int cx_report_finish(cx_report_t *rp);
int cx_report_grow(cx_report_t *rp, uint32_t id);

/* sessions (cx_report_session.c) */
int cx_session_page(cx_report_t *rp, cx_line_t *line, uint32_t tp,
    uint32_t channel, uint32_t day);
int cx_session_feedback(cx_report_t *rp, cx_line_t *line,
    cx_lowest_t *answer);
int cx_session_close_before(cx_report_t *rp, int64_t now);
int cx_session_close_all(cx_report_t *rp);
void cx_session_free_all(cx_report_t *rp);
void cx_lowest_offer(cx_report_t *rp, cx_feedback_stat_t *fs,
    cx_lowest_t *answer);

/* the finished report (cx_report_result.c) */
typedef struct {
    const char  *variant;
    uint64_t     visitors, conversions;
    double       rate;
    int          control;
    int          has_stats;
    double       uplift, p_value, ci_low, ci_high, chance_to_win;
} cx_result_variant_t;


typedef struct {
    const char           *name;
    int                   has_srm;
    double                srm_p;
    int                   srm_warning;
    cx_result_variant_t  *variants;
    unsigned              nvariants;
} cx_result_experiment_t;


typedef struct {
    cx_report_t              *rp;
    uint32_t                 *days;          /* ids sorted by date */
    size_t                    ndays;
    uint32_t                 *channels;
    size_t                    nchannels;
    uint32_t                 *tps;
    size_t                    ntps;
    cx_path_t               **paths;
    size_t                    npaths;
    uint32_t                 *feedback;      /* id * CX_SCALE_N + scale */
    size_t                    nfeedback;
    cx_result_experiment_t   *experiments;
    size_t                    nexperiments;
} cx_result_t;


int cx_result_build(cx_result_t *res, cx_report_t *rp);
void cx_result_free(cx_result_t *res);
double cx_result_score(cx_feedback_stat_t *fs, cx_scale_e scale);
const char *cx_result_name(cx_result_t *res, uint32_t id);

/* outputs */
extern const char *cx_report_version;
extern const char *cx_scale_label[CX_SCALE_N];

int cx_output_json(FILE *f, cx_result_t *res);
int cx_output_text(FILE *f, cx_result_t *res);
int cx_output_html(FILE *f, cx_result_t *res);

void cx_out_json_string(FILE *f, const char *s, size_t len);
void cx_out_json_double(FILE *f, double v);


#endif /* CX_REPORT_H */
