-- The journey log read once, checked and put in order: the tables every
-- other file of docs/sql/ reads.  docs/report.md defines the figures;
-- README.md beside this file says how to run these files.
--
-- Parameters (DuckDB variables, SET VARIABLE name = value before .read):
--   log    the journey log: a path, a glob or a list of paths (required);
--          gzip is read when the name ends in .gz
--   since  keep lines with ts >= since ('2026-12-01', '2026-12-01T06:00:00',
--          optional; always UTC)
--   until  keep lines with ts < until (optional)
--   host   keep lines whose host is this one, compared without case
--          (optional)
--
-- Tables made (TEMP, gone with the connection):
--   cx_line      every line read, its fields as JSON and whether it is valid
--   cx_kept      the valid lines the filters keep, typed
--   cx_pv        the page views among them (not bot), each with its place
--                `ord` in its session
--   cx_session   one row per session: pages, channel, entry, exit, converted

-- Every field the report reads, as raw JSON, so its type can be checked: a
-- line that is not a JSON object becomes a row of NULLs (ignore_errors).
CREATE OR REPLACE TEMP TABLE cx_line AS
SELECT *,
       -- docs/report.md, "Which lines count"
       coalesce(v = '1'
           AND json_type(ts) = 'VARCHAR'
           AND regexp_full_match((ts ->> '$'),
               '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z')
           AND TRY_CAST(replace((ts ->> '$'), 'Z', '') AS TIMESTAMP)
               IS NOT NULL
           AND json_type(event) = 'VARCHAR'
           AND (event ->> '$') IN ('page_view', 'feedback', 'event', 'prefetch')
           -- ids as the module writes them: lowercase hex, 16 and 32 digits
           AND (session IS NULL
                OR (json_type(session) = 'VARCHAR'
                    AND regexp_full_match((session ->> '$'), '[0-9a-f]{16}')))
           AND (visitor IS NULL
                OR (json_type(visitor) = 'VARCHAR'
                    AND regexp_full_match((visitor ->> '$'), '[0-9a-f]{32}')))
           AND coalesce(json_type(touchpoint), 'NULL') IN ('VARCHAR', 'NULL')
           AND coalesce(json_type(channel), 'NULL') IN ('VARCHAR', 'NULL')
           AND coalesce(json_type(host), 'NULL') IN ('VARCHAR', 'NULL')
           AND (experience IS NULL
                OR (json_type(experience) = 'VARCHAR'
                    AND (experience ->> '$')
                        IN ('positive', 'neutral', 'negative')))
           -- integers within the schema's range (seq from 1, request_ms
           -- from 0) and within 64 bits
           AND (seq IS NULL
                OR (json_type(seq) IN ('BIGINT', 'UBIGINT')
                    AND TRY_CAST(seq AS BIGINT) >= 1))
           AND (request_ms IS NULL
                OR (json_type(request_ms) IN ('BIGINT', 'UBIGINT')
                    AND TRY_CAST(request_ms AS BIGINT) >= 0))
           AND coalesce(json_type(goal), 'NULL') IN ('BOOLEAN', 'NULL')
           AND coalesce(json_type(bot), 'NULL') IN ('BOOLEAN', 'NULL')
           -- experiment names and variants: non-empty strings, 64 at most
           AND (experiments IS NULL
                OR (json_type(experiments) = 'OBJECT'
                    AND len(json_keys(experiments)) <= 64
                    AND NOT list_contains(json_keys(experiments), '')
                    AND coalesce(list_bool_and(list_transform(
                        map_values(experiments::MAP(VARCHAR, JSON)),
                        x -> json_type(x) = 'VARCHAR' AND (x ->> '$') <> '')),
                        true)))
           AND (forced IS NULL
                OR (json_type(forced) = 'ARRAY'
                    AND json_array_length(forced) <= 64
                    AND coalesce(list_bool_and(list_transform(
                        forced::JSON[], x -> json_type(x) = 'VARCHAR')),
                        true)))
           AND (friction IS NULL
                OR (json_type(friction) = 'ARRAY'
                    AND coalesce(list_bool_and(list_transform(
                        friction::JSON[], x -> json_type(x) = 'VARCHAR'
                            AND (x ->> '$') IN ('slow', 'error', 'not_found',
                                'reload', 'backtrack', 'loop'))),
                        true)))
           -- feedback: required on feedback lines, checked wherever it is
           AND ((event ->> '$') <> 'feedback' OR feedback IS NOT NULL)
           AND (feedback IS NULL
                OR (json_type(feedback) = 'OBJECT'
                    AND json_type(feedback, '$.score') IN ('BIGINT', 'UBIGINT')
                    AND TRY_CAST(feedback -> '$.score' AS BIGINT)
                        BETWEEN 0 AND 10
                    AND (feedback ->> '$.scale') IN ('csat', 'nps', 'ces', 'thumbs')
                    -- present, a string or null
                    AND json_type(feedback, '$.comment') IN ('VARCHAR', 'NULL')
                    AND json_type(feedback, '$.touchpoint')
                        IN ('VARCHAR', 'NULL'))),
           false) AS valid
FROM read_json(getvariable('log'), format = 'newline_delimited',
               ignore_errors = true, maximum_object_size = 16777216,
               columns = {v: 'JSON', ts: 'JSON', event: 'JSON',
                          host: 'JSON', session: 'JSON', visitor: 'JSON',
                          seq: 'JSON', touchpoint: 'JSON', channel: 'JSON',
                          goal: 'JSON', bot: 'JSON', experience: 'JSON',
                          request_ms: 'JSON', experiments: 'JSON',
                          forced: 'JSON', friction: 'JSON',
                          feedback: 'JSON'});

-- The valid lines the filters keep, typed.
CREATE OR REPLACE TEMP TABLE cx_kept AS
SELECT (ts ->> '$') AS ts,
       (event ->> '$') AS event,
       (host ->> '$') AS host,
       (session ->> '$') AS session,
       (visitor ->> '$') AS visitor,
       TRY_CAST(seq AS BIGINT) AS seq,
       (touchpoint ->> '$') AS touchpoint,
       (channel ->> '$') AS channel,
       coalesce(goal::BOOLEAN, false) AS goal,
       coalesce(bot::BOOLEAN, false) AS bot,
       (experience ->> '$') AS experience,
       TRY_CAST(request_ms AS BIGINT) AS request_ms,
       experiments::MAP(VARCHAR, VARCHAR) AS experiments,
       forced::VARCHAR[] AS forced,
       friction::VARCHAR[] AS friction,
       TRY_CAST(feedback -> '$.score' AS BIGINT) AS fb_score,
       (feedback ->> '$.scale') AS fb_scale,
       (feedback ->> '$.comment') AS fb_comment,
       (feedback ->> '$.touchpoint') AS fb_touchpoint
FROM cx_line
WHERE valid
  AND (getvariable('since') IS NULL
       OR replace((ts ->> '$'), 'Z', '')::TIMESTAMP
          >= replace(getvariable('since'), 'Z', '')::TIMESTAMP)
  AND (getvariable('until') IS NULL
       OR replace((ts ->> '$'), 'Z', '')::TIMESTAMP
          < replace(getvariable('until'), 'Z', '')::TIMESTAMP)
  AND (getvariable('host') IS NULL
       OR lower((host ->> '$')) = lower(getvariable('host')));

-- Page views, each with its place in its session: by seq (null after any
-- number), then ts, then touchpoint, then channel (bytes, null first).
CREATE OR REPLACE TEMP TABLE cx_pv AS
SELECT *,
       epoch_ms(replace(ts, 'Z', '')::TIMESTAMP) AS ms,
       CASE WHEN session IS NOT NULL THEN
           row_number() OVER (PARTITION BY session
                              ORDER BY seq ASC NULLS LAST, ts,
                                       touchpoint ASC NULLS FIRST,
                                       channel ASC NULLS FIRST)
       END AS ord
FROM cx_kept
WHERE event = 'page_view' AND NOT bot;

-- Sessions: their first page view's channel and touchpoint, their last
-- page view's touchpoint, and whether one of them is a goal.
CREATE OR REPLACE TEMP TABLE cx_session AS
SELECT session,
       count(*) AS pages,
       arg_min_null(channel, ord) AS channel,
       arg_min_null(touchpoint, ord) AS entry,
       arg_max_null(touchpoint, ord) AS exit,
       bool_or(goal) AS converted
FROM cx_pv
WHERE session IS NOT NULL
GROUP BY session;
