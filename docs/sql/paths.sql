-- paths (docs/report.md): each session's touchpoints in order, consecutive
-- repeats collapsed, the first `path_steps` kept (variable, default 5) and
-- '…' appended when there were more; the 20 paths with most sessions, ties
-- by the steps joined with ' > ' (bytes).  Needs journey.sql.
WITH steps AS (
    SELECT session, ord, coalesce(touchpoint, '(none)') AS step,
           lag(coalesce(touchpoint, '(none)'))
               OVER (PARTITION BY session ORDER BY ord) AS previous
    FROM cx_pv
    WHERE session IS NOT NULL
),
whole AS (
    SELECT session, list(step ORDER BY ord) AS steps
    FROM steps
    WHERE previous IS NULL OR previous <> step
    GROUP BY session
),
cut AS (
    SELECT session,
           CASE WHEN len(steps) > coalesce(getvariable('path_steps'), 5)
                THEN list_append(steps[1:coalesce(getvariable('path_steps'), 5)],
                                 '…')
                ELSE steps END AS path
    FROM whole
)
SELECT path, count(*) AS sessions,
       count(*) FILTER (WHERE s.converted) AS conversions
FROM cut JOIN cx_session s USING (session)
GROUP BY path
ORDER BY sessions DESC, array_to_string(path, ' > ')
LIMIT 20;
