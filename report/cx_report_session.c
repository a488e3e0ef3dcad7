
/*
 * Sessions: page views gathered by session id while the session is open,
 * then, once it is closed, counted whole (bounce, conversion, channel,
 * entry, exit, path, funnel, the days it was seen, what came before its
 * feedback) and freed.  A session closes when the merged stream is past
 * it (cx_report.h, CX_REPORT_HORIZON_MS); an id seen again after that
 * marks the pass "late", and cx-report reads the inputs again without
 * closing.
 */


#include <stdlib.h>
#include <string.h>

#include "cx_report.h"


typedef struct {
    int64_t   seq;              /* INT64_MAX: null, after any number */
    int64_t   ts;
    uint32_t  tp;
    uint32_t  channel;
    uint32_t  day;
    uint32_t  goal;
} cx_page_t;


struct cx_session_s {
    uint64_t       id;
    int64_t        last_ts;
    cx_page_t     *pages;
    uint32_t       npages;
    uint32_t       cap;
    cx_lowest_t   *answers;
    cx_session_t  *prev;
    cx_session_t  *next;
    unsigned       dnt;
};


static cx_session_t *cx_session_get(cx_report_t *rp, uint64_t id,
    int dnt, int64_t ts);
static int cx_session_closed_add(cx_report_t *rp, uint64_t id);
static int cx_session_was_closed(cx_report_t *rp, uint64_t id);
static void cx_session_unlink(cx_report_t *rp, cx_session_t *s);
static void cx_session_remove(cx_report_t *rp, cx_session_t *s);
static int cx_session_close(cx_report_t *rp, cx_session_t *s);
static int cx_session_path(cx_report_t *rp, cx_session_t *s, int converted);
static void cx_session_funnel(cx_report_t *rp, cx_session_t *s);
static void cx_session_before(cx_report_t *rp, cx_session_t *s,
    cx_lowest_t *a);
static int cx_page_cmp(const void *a, const void *b);


/* qsort has no context: the names the page order compares */
static cx_names_t  *cx_session_names;


static size_t
cx_session_slot(uint64_t id, size_t nslots)
{
    id ^= id >> 31;
    id *= 0x9e3779b97f4a7c15ULL;

    return (size_t) (id >> 17) & (nslots - 1);
}


int
cx_session_page(cx_report_t *rp, cx_line_t *line, uint32_t tp,
    uint32_t channel, uint32_t day)
{
    uint32_t       cap;
    cx_page_t     *pages, *pg;
    cx_session_t  *s;

    s = cx_session_get(rp, line->session, !line->has_visitor, line->ts_ms);
    if (s == NULL) {
        return rp->late ? 0 : -1;
    }

    if (s->npages == s->cap) {
        cap = s->cap ? s->cap * 2 : 8;
        pages = realloc(s->pages, cap * sizeof(cx_page_t));
        if (pages == NULL) {
            return -1;
        }
        s->pages = pages;
        s->cap = cap;
    }

    pg = &s->pages[s->npages++];
    pg->seq = line->has_seq ? line->seq : INT64_MAX;
    pg->ts = line->ts_ms;
    pg->tp = tp;
    pg->channel = channel;
    pg->day = day;
    pg->goal = line->goal;

    return 0;
}


int
cx_session_feedback(cx_report_t *rp, cx_line_t *line, cx_lowest_t *answer)
{
    cx_session_t  *s;

    s = cx_session_get(rp, line->session, !line->has_visitor, line->ts_ms);
    if (s == NULL) {
        free(answer->comment);
        free(answer);
        return rp->late ? 0 : -1;
    }

    answer->next = s->answers;
    s->answers = answer;

    return 0;
}


/* the open session "id", made when new, moved last in the order of
 * closing; NULL without memory or, with rp->late set, when it was closed */
static cx_session_t *
cx_session_get(cx_report_t *rp, uint64_t id, int dnt, int64_t ts)
{
    size_t          i, j, nslots;
    cx_session_t   *s, **slots, **list;

    if ((rp->sessions_open + 1) * 2 > rp->sessions_nslots) {
        nslots = rp->sessions_nslots ? rp->sessions_nslots * 2 : 4096;
        slots = calloc(nslots, sizeof(cx_session_t *));
        if (slots == NULL) {
            return NULL;
        }

        for (i = 0; i < rp->sessions_nslots; i++) {
            s = rp->sessions_slot[i];
            if (s == NULL) {
                continue;
            }
            j = cx_session_slot(s->id, nslots);
            while (slots[j] != NULL) {
                j = (j + 1) & (nslots - 1);
            }
            slots[j] = s;
        }

        free(rp->sessions_slot);
        rp->sessions_slot = slots;
        rp->sessions_nslots = nslots;
    }

    j = cx_session_slot(id, rp->sessions_nslots);

    while (rp->sessions_slot[j] != NULL && rp->sessions_slot[j]->id != id) {
        j = (j + 1) & (rp->sessions_nslots - 1);
    }

    s = rp->sessions_slot[j];

    if (s == NULL) {
        if (rp->closed_n > 0 && cx_session_was_closed(rp, id)) {
            rp->late = 1;
            return NULL;
        }

        s = calloc(1, sizeof(cx_session_t));
        if (s == NULL) {
            return NULL;
        }

        s->id = id;
        s->dnt = dnt;
        s->last_ts = ts;
        rp->sessions_slot[j] = s;
        rp->sessions_open++;

        if (rp->sessions_open > rp->peak_open) {
            rp->peak_open = rp->sessions_open;
        }

    } else {
        cx_session_unlink(rp, s);
    }

    if (ts > s->last_ts) {
        s->last_ts = ts;
    }

    list = rp->lru[s->dnt];
    s->prev = list[1];
    s->next = NULL;

    if (list[1] != NULL) {
        list[1]->next = s;

    } else {
        list[0] = s;
    }

    list[1] = s;

    return s;
}


static void
cx_session_unlink(cx_report_t *rp, cx_session_t *s)
{
    cx_session_t  **list;

    list = rp->lru[s->dnt];

    if (s->prev != NULL) {
        s->prev->next = s->next;

    } else {
        list[0] = s->next;
    }

    if (s->next != NULL) {
        s->next->prev = s->prev;

    } else {
        list[1] = s->prev;
    }

    s->prev = NULL;
    s->next = NULL;
}


/* out of the table, by backward shift: no tombstones to skip later */
static void
cx_session_remove(cx_report_t *rp, cx_session_t *s)
{
    size_t          i, j, k, mask;
    cx_session_t  **slot;

    slot = rp->sessions_slot;
    mask = rp->sessions_nslots - 1;
    i = cx_session_slot(s->id, rp->sessions_nslots);

    while (slot[i] != s) {
        i = (i + 1) & mask;
    }

    slot[i] = NULL;
    j = i;

    for ( ;; ) {
        j = (j + 1) & mask;

        if (slot[j] == NULL) {
            break;
        }

        k = cx_session_slot(slot[j]->id, rp->sessions_nslots);

        /* slot[j] may move to i when i lies between its home k and j */
        if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
            slot[i] = slot[j];
            slot[j] = NULL;
            i = j;
        }
    }

    cx_session_unlink(rp, s);
    rp->sessions_open--;
}


static int
cx_session_closed_add(cx_report_t *rp, uint64_t id)
{
    size_t     i, j, nslots;
    uint64_t  *slots, key;

    if ((rp->closed_n + 1) * 2 > rp->closed_nslots) {
        nslots = rp->closed_nslots ? rp->closed_nslots * 2 : 4096;
        slots = calloc(nslots, sizeof(uint64_t));
        if (slots == NULL) {
            return -1;
        }

        for (i = 0; i < rp->closed_nslots; i++) {
            if (rp->closed[i] == 0) {
                continue;
            }
            j = cx_session_slot(rp->closed[i], nslots);
            while (slots[j] != 0) {
                j = (j + 1) & (nslots - 1);
            }
            slots[j] = rp->closed[i];
        }

        free(rp->closed);
        rp->closed = slots;
        rp->closed_nslots = nslots;
    }

    /* 0 marks an empty slot: id 0 is kept as ~0, which no random id
     * is more likely to be */
    key = id ? id : ~0ULL;
    j = cx_session_slot(key, rp->closed_nslots);

    while (rp->closed[j] != 0) {
        if (rp->closed[j] == key) {
            return 0;
        }
        j = (j + 1) & (rp->closed_nslots - 1);
    }

    rp->closed[j] = key;
    rp->closed_n++;

    return 0;
}


static int
cx_session_was_closed(cx_report_t *rp, uint64_t id)
{
    size_t    j;
    uint64_t  key;

    key = id ? id : ~0ULL;
    j = cx_session_slot(key, rp->closed_nslots);

    while (rp->closed[j] != 0) {
        if (rp->closed[j] == key) {
            return 1;
        }
        j = (j + 1) & (rp->closed_nslots - 1);
    }

    return 0;
}


int
cx_session_close_before(cx_report_t *rp, int64_t now)
{
    int64_t        end;
    cx_session_t  *s;

    while ((s = rp->lru[0][0]) != NULL
           && s->last_ts + CX_REPORT_HORIZON_MS < now)
    {
        if (cx_session_closed_add(rp, s->id) != 0
            || cx_session_close(rp, s) != 0)
        {
            return -1;
        }
    }

    /* a DNT session's id is the day's: it lasts until the day is over */
    while ((s = rp->lru[1][0]) != NULL) {
        end = (s->last_ts / 86400000 + 1) * 86400000;

        if (end + CX_REPORT_DAY_MARGIN_MS > now) {
            break;
        }

        if (cx_session_closed_add(rp, s->id) != 0
            || cx_session_close(rp, s) != 0)
        {
            return -1;
        }
    }

    return 0;
}


int
cx_session_close_all(cx_report_t *rp)
{
    int            dnt;
    cx_session_t  *s;

    for (dnt = 0; dnt < 2; dnt++) {
        while ((s = rp->lru[dnt][0]) != NULL) {
            if (cx_session_close(rp, s) != 0) {
                return -1;
            }
        }
    }

    return 0;
}


void
cx_session_free_all(cx_report_t *rp)
{
    int            dnt;
    cx_lowest_t   *a;
    cx_session_t  *s;

    for (dnt = 0; dnt < 2; dnt++) {
        while ((s = rp->lru[dnt][0]) != NULL) {
            cx_session_remove(rp, s);

            while ((a = s->answers) != NULL) {
                s->answers = a->next;
                free(a->comment);
                free(a);
            }

            free(s->pages);
            free(s);
        }
    }

    free(rp->sessions_slot);
    free(rp->closed);
    rp->sessions_slot = NULL;
    rp->closed = NULL;
}


static int
cx_page_cmp(const void *a, const void *b)
{
    int              c;
    const cx_page_t  *x, *y;

    x = a;
    y = b;

    if (x->seq != y->seq) {
        return x->seq < y->seq ? -1 : 1;
    }

    if (x->ts != y->ts) {
        return x->ts < y->ts ? -1 : 1;
    }

    /* "(none)" is id 0 and sorts first, as null does */
    if (x->tp != y->tp) {
        if (x->tp == CX_NAME_NONE || y->tp == CX_NAME_NONE) {
            return x->tp == CX_NAME_NONE ? -1 : 1;
        }
        c = cx_names_cmp(cx_session_names, x->tp, y->tp);
        if (c != 0) {
            return c;
        }
    }

    if (x->channel != y->channel) {
        if (x->channel == CX_NAME_NONE || y->channel == CX_NAME_NONE) {
            return x->channel == CX_NAME_NONE ? -1 : 1;
        }
        return cx_names_cmp(cx_session_names, x->channel, y->channel);
    }

    return (int) x->goal - (int) y->goal;
}


/* a closed session counted whole, then freed */
static int
cx_session_close(cx_report_t *rp, cx_session_t *s)
{
    uint32_t            i, j, converted;
    cx_lowest_t        *a;
    cx_channel_stat_t  *cs;

    cx_session_remove(rp, s);

    if (s->npages > 0) {
        cx_session_names = &rp->names;
        qsort(s->pages, s->npages, sizeof(cx_page_t), cx_page_cmp);

        converted = 0;
        for (i = 0; i < s->npages; i++) {
            converted |= s->pages[i].goal;
        }

        rp->sessions++;
        rp->session_pages += s->npages;
        rp->bounces += (s->npages == 1);
        rp->conversions += converted;

        rp->is_channel[s->pages[0].channel] = 1;
        cs = &rp->channel[s->pages[0].channel];
        cs->sessions++;
        cs->conversions += converted;
        cs->bounces += (s->npages == 1);

        rp->tp[s->pages[0].tp].entries++;
        rp->tp[s->pages[s->npages - 1].tp].exits++;

        /* each day once */
        for (i = 0; i < s->npages; i++) {
            for (j = 0; j < i; j++) {
                if (s->pages[j].day == s->pages[i].day) {
                    break;
                }
            }
            if (j == i) {
                rp->day[s->pages[i].day].sessions++;
            }
        }

        if (cx_session_path(rp, s, converted) != 0) {
            return -1;
        }

        cx_session_funnel(rp, s);
    }

    while ((a = s->answers) != NULL) {
        s->answers = a->next;
        cx_session_before(rp, s, a);
        cx_lowest_offer(rp, &rp->feedback[a->stat], a);
    }

    free(s->pages);
    free(s);

    return 0;
}


static uint64_t
cx_path_hash(const uint32_t *step, unsigned n)
{
    return cx_hash_bytes((const unsigned char *) step, n * sizeof(uint32_t));
}


static int
cx_session_path(cx_report_t *rp, cx_session_t *s, int converted)
{
    size_t      i, j, nslots, cap;
    unsigned    n, limit;
    uint32_t    step[CX_REPORT_MAX_PATH + 1], *slots;
    cx_path_t  *p, *paths;

    limit = rp->conf->path_steps;
    n = 0;

    for (i = 0; i < s->npages; i++) {
        if (n > 0 && step[n - 1] == s->pages[i].tp) {
            continue;
        }

        if (n == limit) {
            step[n++] = CX_NAME_MORE;
            break;
        }

        step[n++] = s->pages[i].tp;
    }

    if ((rp->paths_n + 1) * 2 > rp->paths_nslots) {
        nslots = rp->paths_nslots ? rp->paths_nslots * 2 : 1024;
        slots = calloc(nslots, sizeof(uint32_t));
        if (slots == NULL) {
            return -1;
        }

        for (i = 0; i < rp->paths_n; i++) {
            p = &rp->paths[i];
            j = cx_path_hash(p->step, p->nsteps) & (nslots - 1);
            while (slots[j] != 0) {
                j = (j + 1) & (nslots - 1);
            }
            slots[j] = (uint32_t) i + 1;
        }

        free(rp->paths_slot);
        rp->paths_slot = slots;
        rp->paths_nslots = nslots;
    }

    j = cx_path_hash(step, n) & (rp->paths_nslots - 1);

    while (rp->paths_slot[j] != 0) {
        p = &rp->paths[rp->paths_slot[j] - 1];

        if (p->nsteps == n && memcmp(p->step, step, n * sizeof(uint32_t)) == 0)
        {
            p->sessions++;
            p->conversions += converted;
            return 0;
        }

        j = (j + 1) & (rp->paths_nslots - 1);
    }

    if (rp->paths_n == rp->paths_cap) {
        cap = rp->paths_cap ? rp->paths_cap * 2 : 256;
        paths = realloc(rp->paths, cap * sizeof(cx_path_t));
        if (paths == NULL) {
            return -1;
        }
        rp->paths = paths;
        rp->paths_cap = cap;
    }

    p = &rp->paths[rp->paths_n];
    memcpy(p->step, step, n * sizeof(uint32_t));
    p->nsteps = n;
    p->sessions = 1;
    p->conversions = converted;
    rp->paths_slot[j] = (uint32_t) ++rp->paths_n;

    return 0;
}


/* closed: each step matched by its first page view after the previous
 * step's match */
static void
cx_session_funnel(cx_report_t *rp, cx_session_t *s)
{
    uint32_t  i, k, nsteps;
    int64_t   prev;

    nsteps = rp->conf->nfunnel;
    k = 0;
    prev = 0;

    for (i = 0; i < s->npages && k < nsteps; i++) {
        if (s->pages[i].tp != rp->funnel[k]) {
            continue;
        }

        rp->funnel_sessions[k]++;

        if (k > 0) {
            /* out of memory here only loses a median's sample */
            (void) cx_ints_push(&rp->funnel_ms[k], s->pages[i].ts - prev);
        }

        prev = s->pages[i].ts;
        k++;
    }
}


/* the touchpoints before an answer, repeats collapsed, the last ones */
static void
cx_session_before(cx_report_t *rp, cx_session_t *s, cx_lowest_t *a)
{
    uint32_t   i, n, cut;
    uint32_t   last[CX_REPORT_BEFORE];
    cx_page_t  *pg;

    (void) rp;
    n = 0;
    cut = 0;

    for (i = 0; i < s->npages; i++) {
        pg = &s->pages[i];

        if (a->seq != INT64_MAX
            ? (pg->seq == INT64_MAX || pg->seq > a->seq)
            : pg->ts > a->ts_ms)
        {
            continue;
        }

        if (n > 0 && last[(n - 1) % CX_REPORT_BEFORE] == pg->tp) {
            continue;
        }

        if (n >= CX_REPORT_BEFORE) {
            cut = 1;
        }

        last[n % CX_REPORT_BEFORE] = pg->tp;
        n++;
    }

    a->nbefore = 0;

    if (cut) {
        a->before[a->nbefore++] = CX_NAME_MORE;
    }

    for (i = n > CX_REPORT_BEFORE ? n - CX_REPORT_BEFORE : 0; i < n; i++) {
        a->before[a->nbefore++] = last[i % CX_REPORT_BEFORE];
    }
}


static int
cx_lowest_cmp(cx_report_t *rp, cx_lowest_t *x, cx_lowest_t *y)
{
    int       c;
    unsigned  i;
    size_t    len;

    if (x->score != y->score) {
        return x->score < y->score ? -1 : 1;
    }

    c = memcmp(x->ts, y->ts, 24);
    if (c != 0) {
        return c;
    }

    len = x->comment_len < y->comment_len ? x->comment_len : y->comment_len;
    c = memcmp(x->comment, y->comment, len);
    if (c != 0) {
        return c;
    }

    if (x->comment_len != y->comment_len) {
        return x->comment_len < y->comment_len ? -1 : 1;
    }

    for (i = 0; i < x->nbefore && i < y->nbefore; i++) {
        c = cx_names_cmp(&rp->names, x->before[i], y->before[i]);
        if (c != 0) {
            return c;
        }
    }

    return (int) x->nbefore - (int) y->nbefore;
}


/* kept when among the lowest five (ordered), freed otherwise */
void
cx_lowest_offer(cx_report_t *rp, cx_feedback_stat_t *fs, cx_lowest_t *a)
{
    unsigned      i;
    cx_lowest_t  *out;

    i = fs->nlowest;

    while (i > 0 && cx_lowest_cmp(rp, a, fs->lowest[i - 1]) < 0) {
        i--;
    }

    if (i == CX_REPORT_LOWEST) {
        free(a->comment);
        free(a);
        return;
    }

    out = NULL;

    if (fs->nlowest == CX_REPORT_LOWEST) {
        out = fs->lowest[CX_REPORT_LOWEST - 1];
        fs->nlowest--;
    }

    memmove(&fs->lowest[i + 1], &fs->lowest[i],
            (fs->nlowest - i) * sizeof(cx_lowest_t *));
    fs->lowest[i] = a;
    fs->nlowest++;

    if (out != NULL) {
        free(out->comment);
        free(out);
    }
}
