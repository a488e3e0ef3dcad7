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
--   cx_line      every line read, typed, and whether it is valid
--   cx_kept      (a view) the valid lines the filters keep
--   cx_pv        the page views among them (not bot), each with its place
--                `ord` in its session
--   cx_session   one row per session: pages, channel, entry, exit, converted

-- One pass: every field the report reads comes as raw JSON, so that its
-- type can be checked, and is kept typed; a line that is not a JSON object
-- becomes a row of NULLs (ignore_errors), invalid.  DuckDB's JSON values
-- are minified text, which the patterns below read.
CREATE OR REPLACE TEMP TABLE cx_line AS
WITH raw AS (
    SELECT *
    FROM read_json(getvariable('log'), format = 'newline_delimited',
                   ignore_errors = true, maximum_object_size = 16777216,
                   columns = {v: 'JSON', ts: 'JSON', event: 'JSON',
                              host: 'JSON', session: 'JSON', visitor: 'JSON',
                              seq: 'JSON', touchpoint: 'JSON',
                              channel: 'JSON', goal: 'JSON', bot: 'JSON',
                              experience: 'JSON', request_ms: 'JSON',
                              experiments: 'JSON', forced: 'JSON',
                              friction: 'JSON', feedback: 'JSON'})
)
SELECT
    -- docs/report.md, "Which lines count"
    coalesce(v = '1'
        AND regexp_full_match(ts::VARCHAR,
            '"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z"')
        AND TRY_CAST(replace((ts ->> '$'), 'Z', '') AS TIMESTAMP) IS NOT NULL
        -- the cast takes 24:00:00.000 for the next midnight; the log has no
        -- such time
        AND substr(ts ->> '$', 12, 2) < '24'
        AND event::VARCHAR IN ('"page_view"', '"feedback"', '"event"',
                               '"prefetch"')
        -- ids as the module writes them: lowercase hex, 16 and 32 digits
        AND (session IS NULL
             OR regexp_full_match(session::VARCHAR, '"[0-9a-f]{16}"'))
        AND (visitor IS NULL
             OR regexp_full_match(visitor::VARCHAR, '"[0-9a-f]{32}"'))
        AND coalesce(json_type(touchpoint), 'NULL') IN ('VARCHAR', 'NULL')
        AND coalesce(json_type(channel), 'NULL') IN ('VARCHAR', 'NULL')
        AND coalesce(json_type(host), 'NULL') IN ('VARCHAR', 'NULL')
        AND (experience IS NULL
             OR experience::VARCHAR
                IN ('"positive"', '"neutral"', '"negative"'))
        -- integers within the schema's range (seq from 1, request_ms from
        -- 0) and within 64 bits
        AND (seq IS NULL
             OR (json_type(seq) IN ('BIGINT', 'UBIGINT')
                 AND TRY_CAST(seq AS BIGINT) >= 1))
        AND (request_ms IS NULL
             OR (json_type(request_ms) IN ('BIGINT', 'UBIGINT')
                 AND TRY_CAST(request_ms AS BIGINT) >= 0))
        AND coalesce(json_type(goal), 'NULL') IN ('BOOLEAN', 'NULL')
        AND coalesce(json_type(bot), 'NULL') IN ('BOOLEAN', 'NULL')
        -- an object of 64 experiments at most, names and variants
        -- non-empty strings
        AND (experiments IS NULL
             OR regexp_full_match(experiments::VARCHAR,
                '\{(?:"(?:[^"\\]|\\.)+":"(?:[^"\\]|\\.)+"'
                || '(?:,"(?:[^"\\]|\\.)+":"(?:[^"\\]|\\.)+"){0,63})?\}'))
        AND (forced IS NULL
             OR regexp_full_match(forced::VARCHAR,
                '\[(?:"(?:[^"\\]|\\.)*"(?:,"(?:[^"\\]|\\.)*"){0,63})?\]'))
        AND (friction IS NULL
             OR regexp_full_match(friction::VARCHAR,
                '\[(?:"(?:slow|error|not_found|reload|backtrack|loop)"'
                || '(?:,"(?:slow|error|not_found|reload|backtrack|loop)")*)?\]'))
        -- feedback: required on feedback lines, checked wherever it is
        AND (event::VARCHAR <> '"feedback"' OR feedback IS NOT NULL)
        AND (feedback IS NULL
             OR (json_type(feedback) = 'OBJECT'
                 AND json_type(feedback, '$.score') IN ('BIGINT', 'UBIGINT')
                 AND TRY_CAST(feedback -> '$.score' AS BIGINT)
                     BETWEEN 0 AND 10
                 AND (feedback ->> '$.scale')
                     IN ('csat', 'nps', 'ces', 'thumbs')
                 -- present, a string or null
                 AND json_type(feedback, '$.comment') IN ('VARCHAR', 'NULL')
                 AND json_type(feedback, '$.touchpoint')
                     IN ('VARCHAR', 'NULL'))),
        false) AS valid,
    (ts ->> '$') AS ts,
    (event ->> '$') AS event,
    (host ->> '$') AS host,
    (session ->> '$') AS session,
    (visitor ->> '$') AS visitor,
    TRY_CAST(seq AS BIGINT) AS seq,
    (touchpoint ->> '$') AS touchpoint,
    (channel ->> '$') AS channel,
    coalesce(TRY_CAST(goal AS BOOLEAN), false) AS goal,
    coalesce(TRY_CAST(bot AS BOOLEAN), false) AS bot,
    (experience ->> '$') AS experience,
    TRY_CAST(request_ms AS BIGINT) AS request_ms,
    TRY_CAST(experiments AS MAP(VARCHAR, VARCHAR)) AS experiments,
    TRY_CAST(forced AS VARCHAR[]) AS forced,
    TRY_CAST(friction AS VARCHAR[]) AS friction,
    TRY_CAST(feedback -> '$.score' AS BIGINT) AS fb_score,
    (feedback ->> '$.scale') AS fb_scale,
    (feedback ->> '$.comment') AS fb_comment,
    (feedback ->> '$.touchpoint') AS fb_touchpoint
FROM raw;

-- The valid lines the filters keep.
CREATE OR REPLACE TEMP VIEW cx_kept AS
SELECT * EXCLUDE (valid)
FROM cx_line
WHERE valid
  AND (getvariable('since') IS NULL
       OR replace(ts, 'Z', '')::TIMESTAMP
          >= replace(getvariable('since'), 'Z', '')::TIMESTAMP)
  AND (getvariable('until') IS NULL
       OR replace(ts, 'Z', '')::TIMESTAMP
          < replace(getvariable('until'), 'Z', '')::TIMESTAMP)
  AND (getvariable('host') IS NULL
       OR lower(host) = lower(getvariable('host')));

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
