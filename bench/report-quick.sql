-- The issue's DuckDB reference point: what an analyst asks first, in the
-- plainest query: visitors, sessions, bounce rate, and sessions and bounce
-- rate per channel, read_json of those fields with no checks.  bench/report.sh times
-- it beside the whole report (docs/sql/).
WITH pv AS (
    SELECT visitor, session, seq, channel
    FROM read_json(getvariable('log'), format = 'newline_delimited',
                   ignore_errors = true,
                   columns = {event: 'VARCHAR', bot: 'BOOLEAN',
                              visitor: 'VARCHAR', session: 'VARCHAR',
                              seq: 'BIGINT', channel: 'VARCHAR'})
    WHERE event = 'page_view' AND bot IS NOT TRUE
),
sessions AS (
    SELECT session, count(*) AS pages, arg_min(channel, seq) AS channel
    FROM pv
    WHERE session IS NOT NULL
    GROUP BY session
)
SELECT channel, count(*) AS sessions, avg((pages = 1)::INTEGER) AS bounce_rate,
       (SELECT count(DISTINCT visitor) FROM pv) AS visitors,
       sum(count(*)) OVER () AS all_sessions
FROM sessions
GROUP BY channel
ORDER BY sessions DESC;
