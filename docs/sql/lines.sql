-- lines: every line read, before --since, --until and --host
-- (docs/report.md, "Which lines count").  Needs journey.sql.
SELECT count(*) AS "read",
       count(*) FILTER (WHERE NOT valid) AS invalid,
       count(*) FILTER (WHERE valid AND event = 'page_view'
                        AND NOT bot) AS page_views,
       count(*) FILTER (WHERE valid AND event = 'feedback')
           AS feedback,
       count(*) FILTER (WHERE valid AND event = 'event') AS events,
       count(*) FILTER (WHERE valid AND event = 'page_view'
                        AND bot) AS bots,
       count(*) FILTER (WHERE valid AND event = 'prefetch')
           AS prefetch
FROM cx_line;
