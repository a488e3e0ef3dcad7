-- overview (docs/report.md): page views, visitors, sessions, bounce rate,
-- pages per session, conversion rate, the period.  Needs journey.sql.
-- A rate whose denominator is 0 is NULL.
SELECT (SELECT count(*) FROM cx_pv) AS page_views,
       (SELECT count(DISTINCT visitor) FROM cx_pv) AS visitors,
       count(*) AS sessions,
       CASE WHEN count(*) > 0 THEN
           count(*) FILTER (WHERE pages = 1) / count(*) END AS bounce_rate,
       CASE WHEN count(*) > 0 THEN
           sum(pages) / count(*) END AS pages_per_session,
       CASE WHEN count(*) > 0 THEN
           count(*) FILTER (WHERE converted) / count(*) END
           AS conversion_rate,
       (SELECT min(ts) FROM cx_pv) AS first_ts,
       (SELECT max(ts) FROM cx_pv) AS last_ts
FROM cx_session;
