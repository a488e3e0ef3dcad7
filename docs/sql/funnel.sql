-- funnel (docs/report.md): a closed funnel over the touchpoints in the
-- variable `funnel` (a list: SET VARIABLE funnel = ['home', 'cart']).  A
-- session reaches step 1 at its first page view there, and step k at its
-- first page view of step k's touchpoint strictly after its match of step
-- k - 1.  Per step: sessions, rate of step 1, and the median (the lower
-- middle value for an even count) of the milliseconds between the matches
-- of the step and the one before.  Returns no rows without `funnel`.
-- Needs journey.sql.
WITH RECURSIVE
pages AS (
    SELECT session, list(touchpoint ORDER BY ord) AS tps,
           list(ms ORDER BY ord) AS mss
    FROM cx_pv
    WHERE session IS NOT NULL
    GROUP BY session
),
matched(step, session, pos, ms, gap, tps, mss) AS (
    SELECT 1, session, list_position(tps, getvariable('funnel')[1]),
           mss[list_position(tps, getvariable('funnel')[1])], NULL::BIGINT,
           tps, mss
    FROM pages
    WHERE len(getvariable('funnel')) >= 1
      AND list_position(tps, getvariable('funnel')[1]) > 0
    UNION ALL
    SELECT step + 1, session, pos + found, mss[pos + found],
           mss[pos + found] - ms, tps, mss
    FROM (SELECT *, list_position(tps[pos + 1:],
                                  getvariable('funnel')[step + 1]) AS found
          FROM matched
          WHERE step < len(getvariable('funnel')))
    WHERE found > 0
),
per_step AS (
    SELECT step, count(*) AS sessions, list_sort(list(gap)) AS gaps
    FROM matched
    GROUP BY step
)
SELECT k.step AS n, getvariable('funnel')[k.step] AS step,
       coalesce(p.sessions, 0) AS sessions,
       CASE WHEN first_step.sessions > 0 THEN
           coalesce(p.sessions, 0) / first_step.sessions END AS rate,
       CASE WHEN k.step > 1 AND p.sessions > 0 THEN
           p.gaps[(len(p.gaps) + 1) // 2] END AS median_ms_from_previous
FROM range(1, len(getvariable('funnel')) + 1) k(step)
LEFT JOIN per_step p ON p.step = k.step
CROSS JOIN (SELECT coalesce(max(sessions) FILTER (WHERE step = 1), 0)
                AS sessions FROM per_step) first_step
ORDER BY k.step;
