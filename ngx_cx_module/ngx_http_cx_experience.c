
/*
 * The experience of a page view, judged by the core (cx_experience.c) from
 * the status, the time so far and the session's recent pages in the cookie.
 * The header filter judges once to put the rating in the Set-Cookie (the
 * time is then that to the response's headers); the log phase judges again
 * with the whole request's time for the line and the metrics, or keeps the
 * first answer when its inputs are all the same.
 */


#include "ngx_http_cx_common.h"


void
ngx_http_cx_experience_judge(ngx_http_request_t *r, ngx_http_cx_ctx_t *ctx)
{
    ngx_time_t              *tp;
    ngx_msec_int_t           ms;
    cx_experience_input_t    in;
    ngx_http_cx_loc_conf_t  *lcf;

    lcf = ngx_http_get_module_loc_conf(r, ngx_http_cx_module);

    /* zeroed, padding too: compared whole with the last judgement's */
    ngx_memzero(&in, sizeof(cx_experience_input_t));

    tp = ngx_timeofday();
    ms = (ngx_msec_int_t)
             ((tp->sec - r->start_sec) * 1000 + (tp->msec - r->start_msec));

    in.request_ms = ngx_max(ms, 0);
    in.slow_ms = (ctx->touchpoint
                  && ctx->touchpoint->slow != NGX_CONF_UNSET_MSEC)
                 ? ctx->touchpoint->slow : lcf->slow;
    in.status = r->err_status ? r->err_status : r->headers_out.status;
    in.goal = ctx->touchpoint && ctx->touchpoint->goal;

    /* reload and backtrack need the session's earlier pages */

    in.in_session = ctx->has_prev && !ctx->session.new_session
                    && !ctx->bot && !ctx->cookieless;
    in.path = ctx->path_hash;
    in.prev_path[0] = ctx->prev.path_hash[0];
    in.prev_path[1] = ctx->prev.path_hash[1];
    in.repeat = ctx->state.repeat;

    /*
     * the log phase in the millisecond of the header filter (most fast
     * pages) would judge the same again
     */

    if (ctx->judged_once
        && ngx_memcmp(&in, &ctx->judged, sizeof(cx_experience_input_t)) == 0)
    {
        return;
    }

    ngx_memcpy(&ctx->judged, &in, sizeof(cx_experience_input_t));
    ctx->judged_once = 1;

    ctx->request_ms = in.request_ms;
    ctx->friction = cx_experience_friction(&in);
    ctx->experience = cx_experience_rate(&in, ctx->friction);
}
