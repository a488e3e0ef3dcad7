
/*
 * --format html: one self-contained page, readable on a phone: inline
 * style, SVG charts, no script, nothing fetched.
 */


#include <math.h>
#include <string.h>

#include "cx_report.h"


#define CX_HTML_W      480        /* the charts' viewBox width: a phone's */
#define CX_HTML_LABEL  150        /* room for the labels of bars */
#define CX_HTML_ROW    24
#define CX_HTML_CUT    18         /* a longer label is cut, with "…" */


typedef struct {
    const char  *label;
    size_t       label_len;
    double       value;           /* the bar's length */
    double       parts[3];        /* a stacked bar's parts, or all 0 */
    const char  *note;            /* printed after the bar */
} cx_html_bar_t;


static void cx_html_escape(FILE *f, const char *s, size_t len);
static void cx_html_label(FILE *f, const char *s, size_t len);
static void cx_html_bars(FILE *f, cx_html_bar_t *bars, size_t n);
static void cx_html_days(FILE *f, cx_result_t *res);
static void cx_html_experiment(FILE *f, cx_result_experiment_t *ex);
static const char *cx_html_pct(char *buf, size_t size, uint64_t num,
    uint64_t den);


static const char  cx_html_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, "
    "initial-scale=1\">\n<title>cx-report</title>\n<style>\n"
    "body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;max-width:52em;"
    "padding:0 .8em;color:#222;background:#fff}\n"
    "h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;"
    "border-bottom:1px solid #ddd}\n"
    ".kpi{display:flex;flex-wrap:wrap;gap:.6em}.kpi div{flex:1 1 8em;"
    "background:#f3f5f8;border-radius:6px;padding:.5em}\n"
    ".kpi b{display:block;font-size:1.4em}svg{width:100%;height:auto}\n"
    ".warn{background:#fde8e8;border-left:4px solid #c0392b;padding:.5em}\n"
    ".verdict{background:#eef6ee;border-left:4px solid #2e7d32;"
    "padding:.5em}\ntable{border-collapse:collapse;width:100%;"
    "font-size:.9em}td,th{padding:.2em .4em;border-bottom:1px solid #eee;"
    "text-align:right}td:first-child,th:first-child{text-align:left}\n"
    ".scroll{overflow-x:auto}\n"
    "</style></head><body>\n";


static void
cx_html_escape(FILE *f, const char *s, size_t len)
{
    size_t         i;
    unsigned char  c;

    for (i = 0; i < len; i++) {
        c = (unsigned char) s[i];

        switch (c) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                fputc(' ', f);
            } else {
                fputc(c, f);
            }
        }
    }
}


/* a bar's label, cut on a character boundary when it is long */
static void
cx_html_label(FILE *f, const char *s, size_t len)
{
    size_t  cut;

    if (len <= CX_HTML_CUT) {
        cx_html_escape(f, s, len);
        return;
    }

    cut = CX_HTML_CUT - 1;
    while (cut > 0 && ((unsigned char) s[cut] & 0xc0) == 0x80) {
        cut--;
    }

    cx_html_escape(f, s, cut);
    fputs("\xe2\x80\xa6", f);
}


static const char *
cx_html_pct(char *buf, size_t size, uint64_t num, uint64_t den)
{
    if (den == 0) {
        return "-";
    }

    snprintf(buf, size, "%.1f%%", 100.0 * (double) num / (double) den);

    return buf;
}


/* horizontal bars scaled to the longest; a stacked bar in green, grey
 * and red when it has parts */
static void
cx_html_bars(FILE *f, cx_html_bar_t *bars, size_t n)
{
    size_t       i, k;
    double       max, x, w, span;
    const char  *colour[3] = { "#2e7d32", "#9e9e9e", "#c0392b" };

    max = 0;
    for (i = 0; i < n; i++) {
        if (bars[i].value > max) {
            max = bars[i].value;
        }
    }

    /* the note after the longest bar needs room on the right */
    span = CX_HTML_W - CX_HTML_LABEL - 150;

    fprintf(f, "<svg viewBox=\"0 0 %d %zu\" role=\"img\">\n", CX_HTML_W,
            n * CX_HTML_ROW + 4);

    for (i = 0; i < n; i++) {
        fprintf(f, "<text x=\"%d\" y=\"%zu\" text-anchor=\"end\" "
                "font-size=\"13\">", CX_HTML_LABEL - 6,
                i * CX_HTML_ROW + 17);
        cx_html_label(f, bars[i].label, bars[i].label_len);
        fputs("</text>\n", f);

        w = max > 0 ? span * bars[i].value / max : 0;

        if (bars[i].parts[0] + bars[i].parts[1] + bars[i].parts[2] > 0) {
            x = CX_HTML_LABEL;
            for (k = 0; k < 3; k++) {
                fprintf(f, "<rect x=\"%.1f\" y=\"%zu\" width=\"%.1f\" "
                        "height=\"17\" fill=\"%s\"/>\n", x,
                        i * CX_HTML_ROW + 4, w * bars[i].parts[k]
                        / (bars[i].parts[0] + bars[i].parts[1]
                           + bars[i].parts[2]), colour[k]);
                x += w * bars[i].parts[k] / (bars[i].parts[0]
                     + bars[i].parts[1] + bars[i].parts[2]);
            }

        } else {
            fprintf(f, "<rect x=\"%d\" y=\"%zu\" width=\"%.1f\" height=\"17\""
                    " fill=\"#3b6ea8\"/>\n", CX_HTML_LABEL,
                    i * CX_HTML_ROW + 4, w);
        }

        fprintf(f, "<text x=\"%.1f\" y=\"%zu\" font-size=\"13\">",
                CX_HTML_LABEL + w + 4, i * CX_HTML_ROW + 17);
        cx_html_escape(f, bars[i].note, strlen(bars[i].note));
        fputs("</text>\n", f);
    }

    fputs("</svg>\n", f);
}


/* page views per day as columns, sessions as a line over them */
static void
cx_html_days(FILE *f, cx_result_t *res)
{
    size_t          i;
    double          max, colw, h, x;
    cx_day_stat_t  *ds;

    if (res->ndays == 0) {
        fputs("<p>No page views.</p>\n", f);
        return;
    }

    max = 0;
    for (i = 0; i < res->ndays; i++) {
        ds = &res->rp->day[res->days[i]];
        if ((double) ds->page_views > max) {
            max = (double) ds->page_views;
        }
    }

    colw = (CX_HTML_W - 60.0) / (double) res->ndays;

    fprintf(f, "<svg viewBox=\"0 0 %d 220\" role=\"img\">\n"
            "<line x1=\"50\" y1=\"180\" x2=\"%d\" y2=\"180\" "
            "stroke=\"#999\"/>\n<text x=\"46\" y=\"24\" font-size=\"11\" "
            "text-anchor=\"end\">%.0f</text>\n", CX_HTML_W, CX_HTML_W - 5,
            max);

    for (i = 0; i < res->ndays; i++) {
        ds = &res->rp->day[res->days[i]];
        h = max > 0 ? 160.0 * (double) ds->page_views / max : 0;
        x = 55 + colw * (double) i;
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                "height=\"%.1f\" fill=\"#3b6ea8\"><title>%s: %llu page "
                "views, %llu sessions</title></rect>\n", x, 180 - h,
                colw * 0.8, h, cx_result_name(res, res->days[i]),
                (unsigned long long) ds->page_views,
                (unsigned long long) ds->sessions);
        h = max > 0 ? 160.0 * (double) ds->sessions / max : 0;
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
                "fill=\"#e67e22\"/>\n", x + colw * 0.4, 180 - h);

        if (res->ndays <= 14 || i % ((res->ndays + 13) / 14) == 0) {
            fprintf(f, "<text x=\"%.1f\" y=\"196\" font-size=\"10\" "
                    "text-anchor=\"middle\">%.5s</text>\n",
                    x + colw * 0.4, cx_result_name(res, res->days[i]) + 5);
        }
    }

    fputs("<text x=\"55\" y=\"214\" font-size=\"11\" fill=\"#3b6ea8\">"
          "&#9632; page views</text><text x=\"180\" y=\"214\" "
          "font-size=\"11\" fill=\"#e67e22\">&#9679; sessions</text>\n"
          "</svg>\n", f);
}


/* each variant's rate, and the uplift's interval against zero */
static void
cx_html_experiment(FILE *f, cx_result_experiment_t *ex)
{
    unsigned              i, best;
    double                lo, hi, scale, x0, y;
    cx_result_variant_t  *rv;

    fputs("<h3>", f);
    cx_html_escape(f, ex->name, strlen(ex->name));
    fputs("</h3>\n", f);

    if (ex->srm_warning) {
        fprintf(f, "<p class=\"warn\">Sample ratio mismatch (p = %.2g): "
                "visitors are not split as planned, so these results "
                "cannot be trusted. Find where visitors are lost first."
                "</p>\n", ex->srm_p);
    }

    lo = 0;
    hi = 0;
    best = ex->nvariants;

    for (i = 0; i < ex->nvariants; i++) {
        rv = &ex->variants[i];
        if (rv->has_stats) {
            lo = fmin(lo, rv->ci_low);
            hi = fmax(hi, rv->ci_high);
            /* the verdict: the best clear winner, else the worst clear
             * loser */
            if (rv->p_value < 0.05
                && (best == ex->nvariants
                    || (rv->uplift > 0
                        && rv->uplift > ex->variants[best].uplift)
                    || (rv->uplift < 0 && ex->variants[best].uplift < 0
                        && rv->uplift < ex->variants[best].uplift)))
            {
                best = i;
            }
        }
    }

    if (hi - lo <= 0) {
        hi = lo + 1;
    }

    scale = (CX_HTML_W - CX_HTML_LABEL - 20) / (hi - lo);
    x0 = CX_HTML_LABEL + (0 - lo) * scale;

    fprintf(f, "<svg viewBox=\"0 0 %d %u\" role=\"img\">\n"
            "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%u\" "
            "stroke=\"#666\" stroke-dasharray=\"3\"/>\n", CX_HTML_W,
            ex->nvariants * 30 + 20, x0, x0, ex->nvariants * 30 + 4);

    for (i = 0; i < ex->nvariants; i++) {
        rv = &ex->variants[i];
        y = i * 30.0 + 16;

        fprintf(f, "<text x=\"%d\" y=\"%.0f\" text-anchor=\"end\" "
                "font-size=\"13\">", CX_HTML_LABEL - 6, y + 4);
        cx_html_escape(f, rv->variant, strlen(rv->variant));
        fprintf(f, " %.2f%%%s</text>\n", 100 * rv->rate,
                rv->control ? " (control)" : "");

        if (rv->has_stats) {
            fprintf(f, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" "
                    "y2=\"%.0f\" stroke=\"%s\" stroke-width=\"6\"/>\n"
                    "<circle cx=\"%.1f\" cy=\"%.0f\" r=\"5\" fill=\"#222\"/>"
                    "\n", CX_HTML_LABEL + (rv->ci_low - lo) * scale, y,
                    CX_HTML_LABEL + (rv->ci_high - lo) * scale, y,
                    rv->ci_low > 0 ? "#2e7d32" : rv->ci_high < 0
                                   ? "#c0392b" : "#9e9e9e",
                    CX_HTML_LABEL + (rv->uplift - lo) * scale, y);
        }
    }

    fprintf(f, "<text x=\"%.1f\" y=\"%u\" font-size=\"11\" "
            "text-anchor=\"middle\">0%% uplift (95%% intervals)</text>\n"
            "</svg>\n", x0, ex->nvariants * 30 + 16);

    fputs("<div class=\"scroll\"><table><tr><th>variant</th><th>visitors"
          "</th><th>conversions</th><th>rate</th><th>uplift</th>"
          "<th>p-value</th><th>95% interval</th><th>chance to win</th>"
          "</tr>\n", f);

    for (i = 0; i < ex->nvariants; i++) {
        rv = &ex->variants[i];
        fputs("<tr><td>", f);
        cx_html_escape(f, rv->variant, strlen(rv->variant));
        fprintf(f, "</td><td>%llu</td><td>%llu</td><td>%.2f%%</td>",
                (unsigned long long) rv->visitors,
                (unsigned long long) rv->conversions, 100 * rv->rate);
        if (rv->has_stats) {
            fprintf(f, "<td>%+.1f%%</td><td>%.4f</td><td>%+.1f%% to "
                    "%+.1f%%</td><td>%.1f%%</td></tr>\n", 100 * rv->uplift,
                    rv->p_value, 100 * rv->ci_low, 100 * rv->ci_high,
                    100 * rv->chance_to_win);
        } else {
            fprintf(f, "<td colspan=\"4\">%s</td></tr>\n",
                    rv->control ? "control" : "not enough data");
        }
    }

    fputs("</table></div>\n<p class=\"verdict\">", f);

    if (ex->srm_warning) {
        fputs("No verdict: fix the sample ratio mismatch first.", f);

    } else if (best < ex->nvariants) {
        rv = &ex->variants[best];
        fputs("Variant ", f);
        cx_html_escape(f, rv->variant, strlen(rv->variant));
        fprintf(f, " converts %s than the control: %+.1f%% "
                "(between %+.1f%% and %+.1f%%), p = %.3g.%s",
                rv->uplift > 0 ? "better" : "worse", 100 * rv->uplift,
                100 * rv->ci_low, 100 * rv->ci_high, rv->p_value,
                rv->uplift > 0 ? "" : " Keep the control.");

    } else {
        fputs("No variant differs from the control clearly yet "
              "(no p-value below 0.05): keep the test running or call it "
              "a draw.", f);
    }

    fputs("</p>\n", f);
}


int
cx_output_html(FILE *f, cx_result_t *res)
{
    char                 buf[64], notes[64][96];
    size_t               i, j, k, n, top;
    uint64_t             prev;
    cx_report_t         *rp;
    cx_html_bar_t        bars[64];
    cx_tp_stat_t        *ts;
    cx_channel_stat_t   *cs;
    cx_feedback_stat_t  *fs;
    cx_path_t           *p;
    cx_lowest_t         *a;
    cx_names_t          *names;
    static char          path_labels[CX_REPORT_TOP_PATHS][256];

    rp = res->rp;
    names = &rp->names;

    fputs(cx_html_head, f);
    fprintf(f, "<h1>Customer journeys</h1>\n<p>");

    if (rp->page_views > 0) {
        fprintf(f, "%.10s %.5s to %.10s %.5s UTC &middot; ", rp->first_ts,
                rp->first_ts + 11, rp->last_ts, rp->last_ts + 11);
    }

    fprintf(f, "cx-report %s</p>\n<div class=\"kpi\">", cx_report_version);
    fprintf(f, "<div><b>%llu</b>page views</div>",
            (unsigned long long) rp->page_views);
    fprintf(f, "<div><b>%llu</b>visitors</div>",
            (unsigned long long) rp->visitors_n);
    fprintf(f, "<div><b>%llu</b>sessions</div>",
            (unsigned long long) rp->sessions);
    fprintf(f, "<div><b>%s</b>bounce rate</div>",
            cx_html_pct(buf, sizeof(buf), rp->bounces, rp->sessions));
    fprintf(f, "<div><b>%s</b>conversion</div></div>\n",
            cx_html_pct(buf, sizeof(buf), rp->conversions, rp->sessions));

    for (i = 0; i < res->nexperiments; i++) {
        if (res->experiments[i].srm_warning) {
            fputs("<p class=\"warn\">Experiment ", f);
            cx_html_escape(f, res->experiments[i].name,
                           strlen(res->experiments[i].name));
            fputs(" has a sample ratio mismatch: see below.</p>\n", f);
        }
    }

    fputs("<h2>Daily trend</h2>\n", f);
    cx_html_days(f, res);

    fputs("<h2>Channels</h2>\n", f);
    n = res->nchannels < 64 ? res->nchannels : 64;
    for (i = 0; i < n; i++) {
        cs = &rp->channel[res->channels[i]];
        memset(&bars[i], 0, sizeof(cx_html_bar_t));
        bars[i].label = names->name[res->channels[i]];
        bars[i].label_len = names->len[res->channels[i]];
        bars[i].value = (double) cs->sessions;
        snprintf(notes[i], sizeof(notes[i]), "%llu, %s convert",
                 (unsigned long long) cs->sessions,
                 cx_html_pct(buf, sizeof(buf), cs->conversions,
                             cs->sessions));
        bars[i].note = notes[i];
    }
    cx_html_bars(f, bars, n);

    if (rp->conf->nfunnel > 0) {
        fputs("<h2>Funnel</h2>\n", f);
        prev = 0;
        for (i = 0; i < rp->conf->nfunnel; i++) {
            memset(&bars[i], 0, sizeof(cx_html_bar_t));
            bars[i].label = names->name[rp->funnel[i]];
            bars[i].label_len = names->len[rp->funnel[i]];
            bars[i].value = (double) rp->funnel_sessions[i];
            if (i == 0) {
                snprintf(notes[i], sizeof(notes[i]), "%llu",
                         (unsigned long long) rp->funnel_sessions[i]);
            } else {
                snprintf(notes[i], sizeof(notes[i]), "%llu, %s lost",
                         (unsigned long long) rp->funnel_sessions[i],
                         cx_html_pct(buf, sizeof(buf),
                                     prev - rp->funnel_sessions[i], prev));
            }
            prev = rp->funnel_sessions[i];
            bars[i].note = notes[i];
        }
        cx_html_bars(f, bars, rp->conf->nfunnel);
    }

    fputs("<h2>Top paths</h2>\n", f);
    for (i = 0; i < res->npaths; i++) {
        p = res->paths[i];
        path_labels[i][0] = '\0';
        for (j = 0; j < p->nsteps; j++) {
            snprintf(path_labels[i] + strlen(path_labels[i]),
                     sizeof(path_labels[i]) - strlen(path_labels[i]),
                     "%s%s", j ? ">" : "", names->name[p->step[j]]);
        }
        memset(&bars[i], 0, sizeof(cx_html_bar_t));
        bars[i].label = path_labels[i];
        bars[i].label_len = strlen(path_labels[i]);
        bars[i].value = (double) p->sessions;
        snprintf(notes[i], sizeof(notes[i]), "%llu, %llu convert",
                 (unsigned long long) p->sessions,
                 (unsigned long long) p->conversions);
        bars[i].note = notes[i];
    }
    cx_html_bars(f, bars, res->npaths);

    fputs("<h2>Experience per touchpoint</h2>\n<p>Green positive, grey "
          "neutral, red negative page views.</p>\n",
          f);
    n = res->ntps < 64 ? res->ntps : 64;
    for (i = 0; i < n; i++) {
        ts = &rp->tp[res->tps[i]];
        memset(&bars[i], 0, sizeof(cx_html_bar_t));
        bars[i].label = names->name[res->tps[i]];
        bars[i].label_len = names->len[res->tps[i]];
        bars[i].value = (double) ts->views;
        bars[i].parts[0] = (double) ts->experience[CX_EXPERIENCE_POSITIVE];
        bars[i].parts[1] = (double) (ts->experience[CX_EXPERIENCE_NEUTRAL]
                                     + ts->experience[CX_EXPERIENCE_NONE]);
        bars[i].parts[2] = (double) ts->experience[CX_EXPERIENCE_NEGATIVE];
        snprintf(notes[i], sizeof(notes[i]), "%llu, %s negative",
                 (unsigned long long) ts->views,
                 cx_html_pct(buf, sizeof(buf),
                             ts->experience[CX_EXPERIENCE_NEGATIVE],
                             ts->views));
        bars[i].note = notes[i];
    }
    cx_html_bars(f, bars, n);

    fputs("<h3>Friction per touchpoint</h3>\n", f);
    for (i = 0; i < n; i++) {
        ts = &rp->tp[res->tps[i]];
        memset(&bars[i], 0, sizeof(cx_html_bar_t));
        bars[i].label = names->name[res->tps[i]];
        bars[i].label_len = names->len[res->tps[i]];
        top = CX_FRICTION_N;
        for (j = 0; j < CX_FRICTION_N; j++) {
            bars[i].value += (double) ts->friction[j];
            if (ts->friction[j] > 0
                && (top == CX_FRICTION_N
                    || ts->friction[j] > ts->friction[top]))
            {
                top = j;
            }
        }
        snprintf(notes[i], sizeof(notes[i]), "%.0f%s%s", bars[i].value,
                 top < CX_FRICTION_N ? ", most " : "",
                 top < CX_FRICTION_N ? cx_friction_names[top] : "");
        bars[i].note = notes[i];
    }
    cx_html_bars(f, bars, n);

    fputs("<div class=\"scroll\"><table><tr><th>friction</th>", f);
    for (j = 0; j < CX_FRICTION_N; j++) {
        fprintf(f, "<th>%s</th>", cx_friction_names[j]);
    }
    fputs("<th>p50 ms</th><th>p95 ms</th></tr>\n", f);

    for (i = 0; i < res->ntps; i++) {
        ts = &rp->tp[res->tps[i]];
        fputs("<tr><td>", f);
        cx_html_escape(f, names->name[res->tps[i]], names->len[res->tps[i]]);
        fputs("</td>", f);
        for (j = 0; j < CX_FRICTION_N; j++) {
            fprintf(f, "<td>%llu</td>", (unsigned long long) ts->friction[j]);
        }
        if (ts->request_ms.n > 0) {
            fprintf(f, "<td>%lld</td>",
                    (long long) cx_ints_rank(&ts->request_ms, 0.5));
            fprintf(f, "<td>%lld</td></tr>\n",
                    (long long) cx_ints_rank(&ts->request_ms, 0.95));
        } else {
            fputs("<td>-</td><td>-</td></tr>\n", f);
        }
    }
    fputs("</table></div>\n", f);

    fputs("<h2>Feedback per touchpoint</h2>\n", f);
    n = res->nfeedback < 64 ? res->nfeedback : 64;
    for (i = 0; i < n; i++) {
        fs = &rp->feedback[res->feedback[i]];
        memset(&bars[i], 0, sizeof(cx_html_bar_t));
        bars[i].label = names->name[res->feedback[i] / CX_SCALE_N];
        bars[i].label_len = names->len[res->feedback[i] / CX_SCALE_N];
        bars[i].value = (double) fs->answers;
        snprintf(notes[i], sizeof(notes[i]), "%s: %.2f of %llu answers",
                 cx_scale_label[res->feedback[i] % CX_SCALE_N],
                 cx_result_score(fs, res->feedback[i] % CX_SCALE_N),
                 (unsigned long long) fs->answers);
        bars[i].note = notes[i];
    }
    cx_html_bars(f, bars, n);

    for (i = 0; i < res->nfeedback; i++) {
        fs = &rp->feedback[res->feedback[i]];
        for (j = 0; j < fs->nlowest; j++) {
            a = fs->lowest[j];
            fputs(j ? "<li>" : "<h3>", f);
            if (j == 0) {
                cx_html_escape(f, names->name[res->feedback[i] / CX_SCALE_N],
                               names->len[res->feedback[i] / CX_SCALE_N]);
                fprintf(f, " (%s): the lowest scores</h3>\n<ul><li>",
                        cx_scale_label[res->feedback[i] % CX_SCALE_N]);
            }
            fprintf(f, "<b>%lld</b> &ldquo;", (long long) a->score);
            cx_html_escape(f, a->comment, a->comment_len);
            fputs("&rdquo;", f);
            for (k = 0; k < a->nbefore; k++) {
                fputs(k ? " &gt; " : " after ", f);
                cx_html_escape(f, names->name[a->before[k]],
                               names->len[a->before[k]]);
            }
            fputs("</li>\n", f);
        }
        if (fs->nlowest > 0) {
            fputs("</ul>\n", f);
        }
    }

    if (res->nexperiments > 0) {
        fputs("<h2>Experiments</h2>\n", f);
    }

    for (i = 0; i < res->nexperiments; i++) {
        cx_html_experiment(f, &res->experiments[i]);
    }

    fputs("</body></html>\n", f);

    return ferror(f) ? -1 : 0;
}
