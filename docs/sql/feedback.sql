-- feedback (docs/report.md): per feedback touchpoint (of the feedback
-- object) and scale, the answers and the score (csat: share of 4-5; nps:
-- share of 9-10 minus share of 0-6; ces: mean; thumbs: share of 1), and the
-- lowest: up to 5 answers with a comment, lowest score first, then earliest
-- ts, then comment (bytes), each with the touchpoints of its session's page
-- views up to it (seq <= its seq; ts <= its ts when its seq is null), in
-- order, consecutive repeats collapsed, the last 5 kept and '…' first when
-- more were cut.  Needs journey.sql.
WITH answers AS (
    SELECT row_number() OVER () AS id, ts, session, seq,
           coalesce(fb_touchpoint, '(none)') AS touchpoint,
           fb_scale AS scale, fb_score AS score, fb_comment AS comment
    FROM cx_kept
    WHERE event = 'feedback'
),
scores AS (
    SELECT touchpoint, scale, count(*) AS answers,
           CASE scale
               WHEN 'csat' THEN count(*) FILTER (WHERE score >= 4) / count(*)
               WHEN 'nps' THEN (count(*) FILTER (WHERE score >= 9)
                                - count(*) FILTER (WHERE score <= 6))
                               / count(*)
               WHEN 'thumbs' THEN count(*) FILTER (WHERE score = 1) / count(*)
               ELSE sum(score) / count(*)
           END AS score
    FROM answers
    GROUP BY touchpoint, scale
),
lowest AS (
    SELECT * FROM answers
    WHERE comment IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY touchpoint, scale
                               ORDER BY score, ts, comment) <= 5
),
before_steps AS (
    SELECT l.id, p.ord, coalesce(p.touchpoint, '(none)') AS step,
           lag(coalesce(p.touchpoint, '(none)'))
               OVER (PARTITION BY l.id ORDER BY p.ord) AS previous
    FROM lowest l
    JOIN cx_pv p ON p.session = l.session
                AND CASE WHEN l.seq IS NOT NULL THEN p.seq <= l.seq
                         ELSE p.ts <= l.ts END
),
before AS (
    SELECT id, list(step ORDER BY ord) AS steps
    FROM before_steps
    WHERE previous IS NULL OR previous <> step
    GROUP BY id
),
lowest_before AS (
    SELECT l.touchpoint, l.scale,
           list({'score': l.score, 'comment': l.comment,
                 'before': CASE WHEN len(coalesce(b.steps, [])) > 5
                                THEN list_prepend('…', b.steps[-5:])
                                ELSE coalesce(b.steps, []::VARCHAR[]) END}
                ORDER BY l.score, l.ts, l.comment) AS lowest
    FROM lowest l LEFT JOIN before b USING (id)
    GROUP BY ALL
)
SELECT s.touchpoint, s.scale, s.answers, s.score,
       coalesce(lb.lowest, []) AS lowest
FROM scores s LEFT JOIN lowest_before lb USING (touchpoint, scale)
ORDER BY s.touchpoint, s.scale;
