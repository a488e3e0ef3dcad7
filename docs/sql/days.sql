-- overview.days (docs/report.md): per UTC date of ts, page views, the
-- distinct sessions with a page view that day, and the share of page views
-- rated negative.  Needs journey.sql.
SELECT substr(ts, 1, 10) AS date,
       count(*) AS page_views,
       count(DISTINCT session) AS sessions,
       count(*) FILTER (WHERE experience = 'negative') / count(*)
           AS negative_share
FROM cx_pv
GROUP BY date
ORDER BY date;
