-- channels (docs/report.md): per session channel (the channel of the
-- session's first page view), sessions, converted sessions, bounce rate.
-- Needs journey.sql.
SELECT coalesce(channel, '(none)') AS channel,
       count(*) AS sessions,
       count(*) FILTER (WHERE converted) AS conversions,
       count(*) FILTER (WHERE pages = 1) / count(*) AS bounce_rate
FROM cx_session
GROUP BY ALL
ORDER BY sessions DESC, channel;
