-- touchpoints (docs/report.md): views, entries, exits, the experience
-- ratings, each friction kind seen, and request_ms at the 50th and 95th
-- percentile by nearest rank: the value at rank ceil(p * n) of the sorted
-- values, computed here in integers ((n + 1) // 2 and (95 * n + 99) // 100)
-- so that no rounding of p * n can move it.  Needs journey.sql.
WITH views AS (
    SELECT coalesce(touchpoint, '(none)') AS touchpoint,
           count(*) AS views,
           count(*) FILTER (WHERE experience = 'positive') AS positive,
           count(*) FILTER (WHERE experience = 'neutral') AS neutral,
           count(*) FILTER (WHERE experience = 'negative') AS negative,
           list_sort(list(request_ms) FILTER (WHERE request_ms IS NOT NULL))
               AS times
    FROM cx_pv
    GROUP BY ALL
),
entries AS (
    SELECT coalesce(entry, '(none)') AS touchpoint, count(*) AS entries
    FROM cx_session GROUP BY ALL
),
exits AS (
    SELECT coalesce(exit, '(none)') AS touchpoint, count(*) AS exits
    FROM cx_session GROUP BY ALL
),
kinds AS (
    SELECT touchpoint, kind, count(*) AS n
    FROM (SELECT coalesce(touchpoint, '(none)') AS touchpoint,
                 unnest(list_distinct(friction)) AS kind
          FROM cx_pv WHERE friction IS NOT NULL)
    GROUP BY ALL
),
friction AS (
    SELECT touchpoint, map_from_entries(list((kind, n) ORDER BY kind))
               AS friction
    FROM kinds GROUP BY ALL
)
SELECT v.touchpoint, v.views,
       coalesce(en.entries, 0) AS entries,
       coalesce(ex.exits, 0) AS exits,
       v.positive, v.neutral, v.negative,
       coalesce(f.friction, MAP {}::MAP(VARCHAR, BIGINT)) AS friction,
       v.times[(len(v.times) + 1) // 2] AS p50_ms,
       v.times[(95 * len(v.times) + 99) // 100] AS p95_ms
FROM views v
LEFT JOIN entries en USING (touchpoint)
LEFT JOIN exits ex USING (touchpoint)
LEFT JOIN friction f USING (touchpoint)
ORDER BY v.views DESC, v.touchpoint;
