
/*
 * --format text: a summary a person reads in one screen, then a section
 * for each part of the report.
 */


#include <string.h>

#include "cx_report.h"


static void cx_text_rate(FILE *f, uint64_t num, uint64_t den);
static void cx_text_name(FILE *f, cx_result_t *res, uint32_t id, int width);
static void cx_text_safe(FILE *f, const char *s, size_t len);


static void
cx_text_rate(FILE *f, uint64_t num, uint64_t den)
{
    if (den == 0) {
        fputs("     -", f);
        return;
    }

    fprintf(f, "%5.1f%%", 100.0 * (double) num / (double) den);
}


/* what a visitor wrote, with no control character to drive the terminal */
static void
cx_text_safe(FILE *f, const char *s, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        fputc(((unsigned char) s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i], f);
    }
}


/* a name padded to "width" columns, counted in characters, not bytes */
static void
cx_text_name(FILE *f, cx_result_t *res, uint32_t id, int width)
{
    size_t       i, len;
    int          cols;
    const char  *s;

    s = res->rp->names.name[id];
    len = res->rp->names.len[id];
    cols = 0;

    for (i = 0; i < len; i++) {
        cols += ((unsigned char) s[i] & 0xc0) != 0x80;
    }

    cx_text_safe(f, s, len);

    while (cols++ < width) {
        fputc(' ', f);
    }
}


int
cx_output_text(FILE *f, cx_result_t *res)
{
    size_t                   i, j, k;
    cx_report_t             *rp;
    cx_tp_stat_t            *ts;
    cx_day_stat_t           *ds;
    cx_channel_stat_t       *cs;
    cx_feedback_stat_t      *fs;
    cx_path_t               *p;
    cx_lowest_t             *a;
    cx_result_variant_t     *rv;
    cx_result_experiment_t  *ex;

    rp = res->rp;

    fprintf(f, "cx-report %s\n\n", cx_report_version);

    if (rp->page_views > 0) {
        fprintf(f, "period        %.24s .. %.24s\n", rp->first_ts,
                rp->last_ts);
    }

    fprintf(f, "page views    %llu\n", (unsigned long long) rp->page_views);
    fprintf(f, "visitors      %llu\n", (unsigned long long) rp->visitors_n);
    fprintf(f, "sessions      %llu\n", (unsigned long long) rp->sessions);
    fputs("bounce rate  ", f);
    cx_text_rate(f, rp->bounces, rp->sessions);
    fputs("\nconversion   ", f);
    cx_text_rate(f, rp->conversions, rp->sessions);

    if (rp->sessions > 0) {
        fprintf(f, "\npages/session %.2f",
                (double) rp->session_pages / (double) rp->sessions);
    }

    fprintf(f, "\nlines         %llu read, %llu invalid, %llu bots\n",
            (unsigned long long) (rp->read + rp->invalid),
            (unsigned long long) rp->invalid,
            (unsigned long long) rp->lines_bots);

    for (i = 0; i < res->nexperiments; i++) {
        ex = &res->experiments[i];
        if (ex->srm_warning) {
            fputs("WARNING: experiment \"", f);
            cx_text_safe(f, ex->name, strlen(ex->name));
            fprintf(f, "\" has a sample ratio mismatch (p = %.2g): do not "
                    "trust its results\n", ex->srm_p);
        }
    }

    fputs("\n== days\ndate          views  sessions  negative\n", f);

    for (i = 0; i < res->ndays; i++) {
        ds = &rp->day[res->days[i]];
        cx_text_name(f, res, res->days[i], 12);
        fprintf(f, "%7llu  %8llu    ", (unsigned long long) ds->page_views,
                (unsigned long long) ds->sessions);
        cx_text_rate(f, ds->negative, ds->page_views);
        fputc('\n', f);
    }

    fputs("\n== channels\nchannel       sessions  converted  bounce\n", f);

    for (i = 0; i < res->nchannels; i++) {
        cs = &rp->channel[res->channels[i]];
        cx_text_name(f, res, res->channels[i], 12);
        fprintf(f, "%9llu  ", (unsigned long long) cs->sessions);
        cx_text_rate(f, cs->conversions, cs->sessions);
        fputs("     ", f);
        cx_text_rate(f, cs->bounces, cs->sessions);
        fputc('\n', f);
    }

    fputs("\n== touchpoints\ntouchpoint              views  entries    "
          "exits  negative  p50 ms  p95 ms  friction\n", f);

    for (i = 0; i < res->ntps; i++) {
        ts = &rp->tp[res->tps[i]];
        cx_text_name(f, res, res->tps[i], 20);
        fprintf(f, "%9llu %8llu %8llu    ", (unsigned long long) ts->views,
                (unsigned long long) ts->entries,
                (unsigned long long) ts->exits);
        cx_text_rate(f, ts->experience[CX_EXPERIENCE_NEGATIVE], ts->views);

        if (ts->request_ms.n > 0) {
            fprintf(f, " %7lld", (long long) cx_ints_rank(&ts->request_ms,
                                                          0.5));
            fprintf(f, " %7lld ", (long long) cx_ints_rank(&ts->request_ms,
                                                           0.95));
        } else {
            fputs("       -       - ", f);
        }

        for (j = 0; j < CX_FRICTION_N; j++) {
            if (ts->friction[j] > 0) {
                fprintf(f, " %s %llu", cx_friction_names[j],
                        (unsigned long long) ts->friction[j]);
            }
        }

        fputc('\n', f);
    }

    fputs("\n== top paths\nsessions  converted  path\n", f);

    for (i = 0; i < res->npaths; i++) {
        p = res->paths[i];
        fprintf(f, "%8llu  %9llu  ", (unsigned long long) p->sessions,
                (unsigned long long) p->conversions);
        for (j = 0; j < p->nsteps; j++) {
            fputs(j ? " > " : "", f);
            cx_text_name(f, res, p->step[j], 0);
        }
        fputc('\n', f);
    }

    if (rp->conf->nfunnel > 0) {
        fputs("\n== funnel\nstep                  sessions   of step 1"
              "  median ms from previous\n", f);

        for (i = 0; i < rp->conf->nfunnel; i++) {
            cx_text_name(f, res, rp->funnel[i], 20);
            fprintf(f, "%10llu      ",
                    (unsigned long long) rp->funnel_sessions[i]);
            cx_text_rate(f, rp->funnel_sessions[i], rp->funnel_sessions[0]);
            if (i > 0 && rp->funnel_ms[i].n > 0) {
                fprintf(f, "  %lld", (long long) cx_ints_rank(
                                                 &rp->funnel_ms[i], 0.5));
            }
            fputc('\n', f);
        }
    }

    for (i = 0; i < res->nexperiments; i++) {
        ex = &res->experiments[i];
        fputs("\n== experiment ", f);
        cx_text_safe(f, ex->name, strlen(ex->name));
        if (ex->has_srm) {
            fprintf(f, " (SRM p = %.3g%s)", ex->srm_p,
                    ex->srm_warning ? ", MISMATCH" : "");
        }
        fputs("\nvariant     visitors  converted    rate    uplift  "
              "p-value  95% interval        chance to win\n", f);

        for (j = 0; j < ex->nvariants; j++) {
            rv = &ex->variants[j];
            cx_text_safe(f, rv->variant, strlen(rv->variant));
            fprintf(f, " %9llu  %9llu  %5.2f%%",
                    (unsigned long long) rv->visitors,
                    (unsigned long long) rv->conversions, 100 * rv->rate);
            if (rv->control) {
                fputs("   (control)", f);
            } else if (rv->has_stats) {
                fprintf(f, "  %+7.1f%%  %7.4f  [%+6.1f%%, %+6.1f%%]  %5.1f%%",
                        100 * rv->uplift, rv->p_value, 100 * rv->ci_low,
                        100 * rv->ci_high, 100 * rv->chance_to_win);
            }
            fputc('\n', f);
        }
    }

    if (res->nfeedback > 0) {
        fputs("\n== feedback\ntouchpoint            scale   answers   score"
              "\n", f);
    }

    for (i = 0; i < res->nfeedback; i++) {
        fs = &rp->feedback[res->feedback[i]];
        cx_text_name(f, res, res->feedback[i] / CX_SCALE_N, 20);
        fprintf(f, "  %-6s %8llu  ", cx_scale_label[res->feedback[i]
                                                    % CX_SCALE_N],
                (unsigned long long) fs->answers);

        switch (res->feedback[i] % CX_SCALE_N) {
        case CX_SCALE_CES:
            fprintf(f, "%6.2f\n", cx_result_score(fs, CX_SCALE_CES));
            break;
        case CX_SCALE_NPS:
            fprintf(f, "%+6.0f\n", 100 * cx_result_score(fs, CX_SCALE_NPS));
            break;
        default:
            fprintf(f, "%5.1f%%\n", 100 * cx_result_score(
                                         fs, res->feedback[i] % CX_SCALE_N));
            break;
        }

        for (j = 0; j < fs->nlowest; j++) {
            a = fs->lowest[j];
            fprintf(f, "    %lld: \"", (long long) a->score);
            cx_text_safe(f, a->comment, a->comment_len);
            fputc('"', f);
            if (a->nbefore > 0) {
                fputs(" after ", f);
            }
            for (k = 0; k < a->nbefore; k++) {
                fputs(k ? " > " : "", f);
                cx_text_name(f, res, a->before[k], 0);
            }
            fputc('\n', f);
        }
    }

    return ferror(f) ? -1 : 0;
}
