
/*
 * --format json: every figure under the names of docs/report.schema.json.
 */


#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cx_json.h"
#include "cx_report.h"


const char *cx_scale_label[CX_SCALE_N] = { "csat", "nps", "ces", "thumbs" };


/* a string escaped by the module's own JSON writer */
void
cx_out_json_string(FILE *f, const char *s, size_t len)
{
    size_t          size;
    cx_json_t       json;
    unsigned char   stack[512], *buf;

    size = cx_json_string_bound(len, len) + 1;
    buf = size <= sizeof(stack) ? stack : malloc(size);

    if (buf == NULL) {
        fputs("null", f);
        return;
    }

    cx_json_init(&json, buf, size);
    cx_json_string(&json, (const unsigned char *) s, len, len);
    fwrite(buf, 1, cx_json_length(&json), f);

    if (buf != stack) {
        free(buf);
    }
}


/* full precision, so that a reader gets the very double back */
void
cx_out_json_double(FILE *f, double v)
{
    if (!isfinite(v)) {
        fputs("null", f);
        return;
    }

    fprintf(f, "%.17g", v);
}


static void
cx_out_rate(FILE *f, uint64_t num, uint64_t den)
{
    if (den == 0) {
        fputs("null", f);
        return;
    }

    cx_out_json_double(f, (double) num / (double) den);
}


static void
cx_out_name(FILE *f, cx_result_t *res, uint32_t id)
{
    cx_names_t  *names;

    names = &res->rp->names;
    cx_out_json_string(f, names->name[id], names->len[id]);
}


/* the i-th item of days or channels: its name, two counts and a rate */
static void
cx_out_row(FILE *f, cx_result_t *res, size_t i, const char *key,
    uint32_t name, const char *count1, uint64_t n1, const char *count2,
    uint64_t n2, const char *rate, uint64_t num, uint64_t den)
{
    fprintf(f, "%s{\"%s\":", i ? "," : "", key);
    cx_out_name(f, res, name);
    fprintf(f, ",\"%s\":%llu,\"%s\":%llu,\"%s\":", count1,
            (unsigned long long) n1, count2, (unsigned long long) n2, rate);
    cx_out_rate(f, num, den);
    fputc('}', f);
}


static void
cx_out_stat(FILE *f, int has, double v)
{
    if (has) {
        cx_out_json_double(f, v);
    } else {
        fputs("null", f);
    }
}


int
cx_output_json(FILE *f, cx_result_t *res)
{
    size_t               i, j, k;
    cx_report_t         *rp;
    cx_tp_stat_t        *ts;
    cx_day_stat_t       *ds;
    cx_channel_stat_t   *cs;
    cx_feedback_stat_t  *fs;
    cx_lowest_t         *a;
    cx_path_t           *p;
    cx_result_variant_t *rv;
    cx_result_experiment_t *ex;

    rp = res->rp;

    fputs("{\"version\":", f);
    cx_out_json_string(f, cx_report_version, strlen(cx_report_version));

    fprintf(f, ",\"lines\":{\"read\":%llu,\"invalid\":%llu,"
            "\"page_views\":%llu,\"feedback\":%llu,\"events\":%llu,"
            "\"bots\":%llu,\"prefetch\":%llu}",
            (unsigned long long) (rp->read + rp->invalid),
            (unsigned long long) rp->invalid,
            (unsigned long long) rp->lines_page_views,
            (unsigned long long) rp->lines_feedback,
            (unsigned long long) rp->lines_events,
            (unsigned long long) rp->lines_bots,
            (unsigned long long) rp->lines_prefetch);

    fprintf(f, ",\"overview\":{\"page_views\":%llu,\"visitors\":%llu,"
            "\"sessions\":%llu,\"bounce_rate\":",
            (unsigned long long) rp->page_views,
            (unsigned long long) rp->visitors_n,
            (unsigned long long) rp->sessions);
    cx_out_rate(f, rp->bounces, rp->sessions);
    fputs(",\"pages_per_session\":", f);
    cx_out_rate(f, rp->session_pages, rp->sessions);
    fputs(",\"conversion_rate\":", f);
    cx_out_rate(f, rp->conversions, rp->sessions);

    if (rp->page_views > 0) {
        fprintf(f, ",\"first_ts\":\"%.24s\",\"last_ts\":\"%.24s\"",
                rp->first_ts, rp->last_ts);
    } else {
        fputs(",\"first_ts\":null,\"last_ts\":null", f);
    }

    fputs(",\"days\":[", f);

    for (i = 0; i < res->ndays; i++) {
        ds = &rp->day[res->days[i]];
        cx_out_row(f, res, i, "date", res->days[i],
                   "page_views", ds->page_views, "sessions", ds->sessions,
                   "negative_share", ds->negative, ds->page_views);
    }

    fputs("]},\"channels\":[", f);

    for (i = 0; i < res->nchannels; i++) {
        cs = &rp->channel[res->channels[i]];
        cx_out_row(f, res, i, "channel", res->channels[i],
                   "sessions", cs->sessions, "conversions", cs->conversions,
                   "bounce_rate", cs->bounces, cs->sessions);
    }

    fputs("],\"touchpoints\":[", f);

    for (i = 0; i < res->ntps; i++) {
        ts = &rp->tp[res->tps[i]];
        fprintf(f, "%s{\"touchpoint\":", i ? "," : "");
        cx_out_name(f, res, res->tps[i]);
        fprintf(f, ",\"views\":%llu,\"entries\":%llu,\"exits\":%llu,"
                "\"positive\":%llu,\"neutral\":%llu,\"negative\":%llu,"
                "\"friction\":{",
                (unsigned long long) ts->views,
                (unsigned long long) ts->entries,
                (unsigned long long) ts->exits,
                (unsigned long long) ts->experience[CX_EXPERIENCE_POSITIVE],
                (unsigned long long) ts->experience[CX_EXPERIENCE_NEUTRAL],
                (unsigned long long) ts->experience[CX_EXPERIENCE_NEGATIVE]);

        for (j = 0, k = 0; j < CX_FRICTION_N; j++) {
            if (ts->friction[j] > 0) {
                fprintf(f, "%s\"%s\":%llu", k++ ? "," : "",
                        cx_friction_names[j],
                        (unsigned long long) ts->friction[j]);
            }
        }

        if (ts->request_ms.n > 0) {
            fprintf(f, "},\"p50_ms\":%lld",
                    (long long) cx_ints_rank(&ts->request_ms, 0.5));
            fprintf(f, ",\"p95_ms\":%lld}",
                    (long long) cx_ints_rank(&ts->request_ms, 0.95));
        } else {
            fputs("},\"p50_ms\":null,\"p95_ms\":null}", f);
        }
    }

    fputs("],\"paths\":[", f);

    for (i = 0; i < res->npaths; i++) {
        p = res->paths[i];
        fprintf(f, "%s{\"path\":[", i ? "," : "");
        for (j = 0; j < p->nsteps; j++) {
            if (j) {
                fputc(',', f);
            }
            cx_out_name(f, res, p->step[j]);
        }
        fprintf(f, "],\"sessions\":%llu,\"conversions\":%llu}",
                (unsigned long long) p->sessions,
                (unsigned long long) p->conversions);
    }

    fputs("],\"funnel\":", f);

    if (rp->conf->nfunnel == 0) {
        fputs("null", f);

    } else {
        fputc('[', f);

        for (i = 0; i < rp->conf->nfunnel; i++) {
            fprintf(f, "%s{\"step\":", i ? "," : "");
            cx_out_name(f, res, rp->funnel[i]);
            fprintf(f, ",\"sessions\":%llu,\"rate\":",
                    (unsigned long long) rp->funnel_sessions[i]);
            cx_out_rate(f, rp->funnel_sessions[i], rp->funnel_sessions[0]);
            if (i > 0 && rp->funnel_ms[i].n > 0) {
                fprintf(f, ",\"median_ms_from_previous\":%lld}",
                        (long long) cx_ints_rank(&rp->funnel_ms[i], 0.5));
            } else {
                fputs(",\"median_ms_from_previous\":null}", f);
            }
        }

        fputc(']', f);
    }

    fputs(",\"experiments\":[", f);

    for (i = 0; i < res->nexperiments; i++) {
        ex = &res->experiments[i];
        fprintf(f, "%s{\"experiment\":", i ? "," : "");
        cx_out_json_string(f, ex->name, strlen(ex->name));
        fputs(",\"srm_p\":", f);
        cx_out_stat(f, ex->has_srm, ex->srm_p);
        fprintf(f, ",\"srm_warning\":%s,\"variants\":[",
                ex->srm_warning ? "true" : "false");

        for (j = 0; j < ex->nvariants; j++) {
            rv = &ex->variants[j];
            fprintf(f, "%s{\"variant\":", j ? "," : "");
            cx_out_json_string(f, rv->variant, strlen(rv->variant));
            fprintf(f, ",\"visitors\":%llu,\"conversions\":%llu,\"rate\":",
                    (unsigned long long) rv->visitors,
                    (unsigned long long) rv->conversions);
            cx_out_json_double(f, rv->rate);
            fprintf(f, ",\"control\":%s,\"uplift\":",
                    rv->control ? "true" : "false");
            cx_out_stat(f, rv->has_stats, rv->uplift);
            fputs(",\"p_value\":", f);
            cx_out_stat(f, rv->has_stats, rv->p_value);
            fputs(",\"ci_low\":", f);
            cx_out_stat(f, rv->has_stats, rv->ci_low);
            fputs(",\"ci_high\":", f);
            cx_out_stat(f, rv->has_stats, rv->ci_high);
            fputs(",\"chance_to_win\":", f);
            cx_out_stat(f, rv->has_stats, rv->chance_to_win);
            fputc('}', f);
        }

        fputs("]}", f);
    }

    fputs("],\"feedback\":[", f);

    for (i = 0; i < res->nfeedback; i++) {
        fs = &rp->feedback[res->feedback[i]];
        fprintf(f, "%s{\"touchpoint\":", i ? "," : "");
        cx_out_name(f, res, res->feedback[i] / CX_SCALE_N);
        fprintf(f, ",\"scale\":\"%s\",\"answers\":%llu,\"score\":",
                cx_scale_label[res->feedback[i] % CX_SCALE_N],
                (unsigned long long) fs->answers);
        cx_out_json_double(f, cx_result_score(fs, res->feedback[i]
                                                  % CX_SCALE_N));
        fputs(",\"lowest\":[", f);

        for (j = 0; j < fs->nlowest; j++) {
            a = fs->lowest[j];
            fprintf(f, "%s{\"score\":%lld,\"comment\":", j ? "," : "",
                    (long long) a->score);
            cx_out_json_string(f, a->comment, a->comment_len);
            fputs(",\"before\":[", f);
            for (k = 0; k < a->nbefore; k++) {
                if (k) {
                    fputc(',', f);
                }
                cx_out_name(f, res, a->before[k]);
            }
            fputs("]}", f);
        }

        fputs("]}", f);
    }

    fputs("]}\n", f);

    return ferror(f) ? -1 : 0;
}
