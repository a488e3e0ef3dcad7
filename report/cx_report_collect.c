
/*
 * Collecting: each kept line counted where docs/report.md says, its page
 * views handed to their session (cx_report_session.c), its visitor's goal
 * and exposures kept for the experiments.
 */


#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cx_report.h"


static int cx_report_page_view(cx_report_t *rp, cx_line_t *line);
static int cx_report_feedback(cx_report_t *rp, cx_line_t *line);
static cx_visitor_t *cx_report_visitor(cx_report_t *rp, const uint64_t *id);
static int cx_report_expose(cx_report_t *rp, cx_visitor_t *v, uint32_t exp,
    uint32_t variant, int64_t ts);
static int64_t cx_report_name(cx_report_t *rp, cx_str_t *s, unsigned set);


int
cx_report_init(cx_report_t *rp, const cx_report_conf_t *conf, int closing)
{
    unsigned  i;
    int64_t   id;

    memset(rp, 0, sizeof(cx_report_t));
    rp->conf = conf;
    rp->closing = closing;
    rp->watermark = INT64_MIN;
    rp->first_ms = INT64_MAX;
    rp->last_ms = INT64_MIN;

    if (cx_names_init(&rp->names) != 0) {
        return -1;
    }

    for (i = 0; i < conf->nfunnel; i++) {
        id = cx_names_id(&rp->names, (unsigned char *) conf->funnel[i],
                         strlen(conf->funnel[i]));
        if (id < 0) {
            return -1;
        }
        rp->funnel[i] = (uint32_t) id;
    }

    return cx_report_grow(rp, (uint32_t) rp->names.n);
}


void
cx_report_free(cx_report_t *rp)
{
    size_t               i, j;
    cx_feedback_stat_t  *fs;

    cx_session_free_all(rp);

    for (i = 0; i < rp->stats_cap; i++) {
        free(rp->tp[i].request_ms.v);

        for (j = 0; j < CX_SCALE_N; j++) {
            fs = &rp->feedback[i * CX_SCALE_N + j];
            while (fs->nlowest > 0) {
                fs->nlowest--;
                free(fs->lowest[fs->nlowest]->comment);
                free(fs->lowest[fs->nlowest]);
            }
        }
    }

    for (i = 0; i < rp->visitors_nslots; i++) {
        free(rp->visitors[i].exposure);
    }

    for (i = 0; i < CX_REPORT_MAX_STEPS; i++) {
        free(rp->funnel_ms[i].v);
    }

    free(rp->tp);
    free(rp->channel);
    free(rp->day);
    free(rp->feedback);
    free(rp->is_tp);
    free(rp->is_channel);
    free(rp->is_day);
    free(rp->visitors);
    free(rp->paths);
    free(rp->paths_slot);
    cx_names_free(&rp->names);
}


/* the per-name arrays hold at least "id" + 1 names */
int
cx_report_grow(cx_report_t *rp, uint32_t id)
{
    size_t  cap, old;
    void   *p;

    if (id < rp->stats_cap) {
        return 0;
    }

    old = rp->stats_cap;
    cap = old ? old : 256;
    while (cap <= id) {
        cap *= 2;
    }

#define cx_grow(field, size)                                                 \
    p = realloc(rp->field, cap * (size));                                    \
    if (p == NULL) {                                                         \
        return -1;                                                           \
    }                                                                        \
    rp->field = p;                                                           \
    memset((char *) p + old * (size), 0, (cap - old) * (size));

    cx_grow(tp, sizeof(cx_tp_stat_t));
    cx_grow(channel, sizeof(cx_channel_stat_t));
    cx_grow(day, sizeof(cx_day_stat_t));
    cx_grow(feedback, CX_SCALE_N * sizeof(cx_feedback_stat_t));
    cx_grow(is_tp, 1);
    cx_grow(is_channel, 1);
    cx_grow(is_day, 1);

#undef cx_grow

    rp->stats_cap = cap;

    return 0;
}


static int64_t
cx_report_name(cx_report_t *rp, cx_str_t *s, unsigned set)
{
    int64_t  id;

    if (!set) {
        return CX_NAME_NONE;
    }

    id = cx_names_id(&rp->names, s->data, s->len);

    if (id >= 0 && cx_report_grow(rp, (uint32_t) id) != 0) {
        return -1;
    }

    return id;
}


/* a valid line: counted in "lines", then, when the filters keep it, in
 * the report; -1 without memory */
int
cx_report_line(cx_report_t *rp, cx_line_t *line)
{
    const cx_report_conf_t  *conf;

    conf = rp->conf;
    rp->read++;

    switch (line->event) {
    case CX_EVENT_PAGE_VIEW:
        if (line->bot) {
            rp->lines_bots++;
        } else {
            rp->lines_page_views++;
        }
        break;
    case CX_EVENT_FEEDBACK:
        rp->lines_feedback++;
        break;
    case CX_EVENT_EVENT:
        rp->lines_events++;
        break;
    default:
        rp->lines_prefetch++;
        break;
    }

    if (line->ts_ms < conf->since_ms || line->ts_ms >= conf->until_ms) {
        return 0;
    }

    if (conf->host != NULL
        && (!line->has_host || line->host.len != strlen(conf->host)
            || strncasecmp((const char *) line->host.data, conf->host,
                           line->host.len) != 0))
    {
        return 0;
    }

    if (line->event == CX_EVENT_PAGE_VIEW && !line->bot) {
        return cx_report_page_view(rp, line);
    }

    if (line->event == CX_EVENT_FEEDBACK) {
        return cx_report_feedback(rp, line);
    }

    return 0;
}


static int
cx_report_page_view(cx_report_t *rp, cx_line_t *line)
{
    unsigned       i, j;
    int64_t        tp, channel, day, exp, variant;
    cx_str_t       date;
    cx_visitor_t  *v;
    cx_tp_stat_t  *ts;

    rp->page_views++;

    if (line->ts_ms < rp->first_ms
        || (line->ts_ms == rp->first_ms
            && memcmp(line->ts.data, rp->first_ts, 24) < 0))
    {
        rp->first_ms = line->ts_ms;
        memcpy(rp->first_ts, line->ts.data, 24);
    }

    if (line->ts_ms > rp->last_ms
        || (line->ts_ms == rp->last_ms
            && memcmp(line->ts.data, rp->last_ts, 24) > 0))
    {
        rp->last_ms = line->ts_ms;
        memcpy(rp->last_ts, line->ts.data, 24);
    }

    date.data = line->ts.data;
    date.len = 10;

    tp = cx_report_name(rp, &line->touchpoint, line->has_touchpoint);
    channel = cx_report_name(rp, &line->channel, line->has_channel);
    day = cx_report_name(rp, &date, 1);

    if (tp < 0 || channel < 0 || day < 0) {
        return -1;
    }

    rp->is_day[day] = 1;
    rp->day[day].page_views++;
    rp->day[day].negative += (line->experience == CX_EXPERIENCE_NEGATIVE);

    rp->is_tp[tp] |= 1;
    ts = &rp->tp[tp];
    ts->views++;
    ts->experience[line->experience]++;

    for (i = 0; i < CX_FRICTION_N; i++) {
        ts->friction[i] += (line->friction >> i) & 1;
    }

    if (line->has_request_ms
        && cx_ints_push(&ts->request_ms, line->request_ms) != 0)
    {
        return -1;
    }

    if (line->has_visitor) {
        v = cx_report_visitor(rp, line->visitor);
        if (v == NULL) {
            return -1;
        }

        if (line->goal && line->ts_ms > v->max_goal) {
            v->max_goal = line->ts_ms;
        }

        for (i = 0; i < line->nexperiments; i++) {
            for (j = 0; j < line->nforced; j++) {
                if (line->forced[j].len == line->experiments[i].name.len
                    && memcmp(line->forced[j].data,
                              line->experiments[i].name.data,
                              line->forced[j].len) == 0)
                {
                    break;
                }
            }

            if (j < line->nforced) {
                continue;
            }

            exp = cx_report_name(rp, &line->experiments[i].name, 1);
            variant = cx_report_name(rp, &line->experiments[i].variant, 1);

            if (exp < 0 || variant < 0
                || cx_report_expose(rp, v, (uint32_t) exp, (uint32_t) variant,
                                    line->ts_ms) != 0)
            {
                return -1;
            }
        }
    }

    if (!line->has_session) {
        return 0;
    }

    return cx_session_page(rp, line, (uint32_t) tp, (uint32_t) channel,
                           (uint32_t) day);
}


static int
cx_report_feedback(cx_report_t *rp, cx_line_t *line)
{
    int64_t              tp;
    cx_lowest_t         *answer;
    cx_feedback_stat_t  *fs;

    tp = cx_report_name(rp, &line->feedback_touchpoint,
                        line->has_feedback_touchpoint);
    if (tp < 0) {
        return -1;
    }

    rp->is_tp[tp] |= 2;
    fs = &rp->feedback[tp * CX_SCALE_N + line->scale];
    fs->answers++;
    fs->sum += line->score;

    switch (line->scale) {
    case CX_SCALE_CSAT:
        fs->top += (line->score >= 4 && line->score <= 5);
        break;
    case CX_SCALE_NPS:
        fs->top += (line->score >= 9);
        fs->bottom += (line->score <= 6);
        break;
    case CX_SCALE_THUMBS:
        fs->top += (line->score == 1);
        break;
    default:
        break;
    }

    if (!line->has_comment) {
        return 0;
    }

    answer = calloc(1, sizeof(cx_lowest_t));
    if (answer == NULL) {
        return -1;
    }

    answer->comment = malloc(line->comment.len + 1);
    if (answer->comment == NULL) {
        free(answer);
        return -1;
    }

    memcpy(answer->comment, line->comment.data, line->comment.len);
    answer->comment[line->comment.len] = '\0';
    answer->comment_len = line->comment.len;
    answer->score = line->score;
    memcpy(answer->ts, line->ts.data, 24);
    answer->ts_ms = line->ts_ms;
    answer->seq = line->has_seq ? line->seq : INT64_MAX;

    answer->stat = (uint32_t) (tp * CX_SCALE_N + line->scale);

    if (!line->has_session) {
        cx_lowest_offer(rp, fs, answer);
        return 0;
    }

    return cx_session_feedback(rp, line, answer);
}


static cx_visitor_t *
cx_report_visitor(cx_report_t *rp, const uint64_t *id)
{
    size_t         i, j, nslots;
    cx_visitor_t  *slots, *v;

    if ((rp->visitors_n + 1) * 2 > rp->visitors_nslots) {
        nslots = rp->visitors_nslots ? rp->visitors_nslots * 2 : 4096;
        slots = calloc(nslots, sizeof(cx_visitor_t));
        if (slots == NULL) {
            return NULL;
        }

        for (i = 0; i < rp->visitors_nslots; i++) {
            v = &rp->visitors[i];
            if (v->max_goal == 0) {
                continue;
            }
            j = (v->id[0] ^ (v->id[1] >> 7)) & (nslots - 1);
            while (slots[j].max_goal != 0) {
                j = (j + 1) & (nslots - 1);
            }
            slots[j] = *v;
        }

        free(rp->visitors);
        rp->visitors = slots;
        rp->visitors_nslots = nslots;
    }

    /* max_goal 0 marks an empty slot: a goal at the epoch's first
     * millisecond is not in any log */
    j = (id[0] ^ (id[1] >> 7)) & (rp->visitors_nslots - 1);

    for ( ;; ) {
        v = &rp->visitors[j];

        if (v->max_goal == 0) {
            v->id[0] = id[0];
            v->id[1] = id[1];
            v->max_goal = INT64_MIN;
            rp->visitors_n++;
            return v;
        }

        if (v->id[0] == id[0] && v->id[1] == id[1]) {
            return v;
        }

        j = (j + 1) & (rp->visitors_nslots - 1);
    }
}


/* the visitor's first exposure to "exp" is kept: the earliest, and on a
 * tie the variant first by name */
static int
cx_report_expose(cx_report_t *rp, cx_visitor_t *v, uint32_t exp,
    uint32_t variant, int64_t ts)
{
    uint32_t        i;
    cx_exposure_t  *e;

    for (i = 0; i < v->nexposures; i++) {
        e = &v->exposure[i];

        if (e->exp != exp) {
            continue;
        }

        if (ts < e->ts
            || (ts == e->ts && cx_names_cmp(&rp->names, variant,
                                            e->variant) < 0))
        {
            e->ts = ts;
            e->variant = variant;
        }

        return 0;
    }

    e = realloc(v->exposure, (v->nexposures + 1) * sizeof(cx_exposure_t));
    if (e == NULL) {
        return -1;
    }

    v->exposure = e;
    e[v->nexposures].exp = exp;
    e[v->nexposures].variant = variant;
    e[v->nexposures].ts = ts;
    v->nexposures++;

    return 0;
}


/* the merged stream has come to "ts_ms": sessions past it close */
int
cx_report_advance(cx_report_t *rp, int64_t ts_ms)
{
    if (ts_ms <= rp->watermark) {
        return 0;
    }

    rp->watermark = ts_ms;

    if (!rp->closing) {
        return 0;
    }

    return cx_session_close_before(rp, ts_ms);
}


int
cx_report_finish(cx_report_t *rp)
{
    return cx_session_close_all(rp);
}
