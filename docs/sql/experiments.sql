-- experiments (docs/report.md), as GrowthBook computes a conversion
-- metric with its frequentist engine.  The unit is the visitor: exposed by
-- a page view whose `experiments` has the experiment and whose `forced`
-- does not list it, in the variant of the first exposure (earliest ts, on a
-- tie the variant first by name); converted with a goal page view at or
-- after that exposure.
--
-- Variables (optional): control, a map from experiment to its control
-- variant (default: the variant first by name),
--     SET VARIABLE control = MAP {'checkout': 'B'};
-- weights, a map from experiment to its expected split, one weight per
-- variant in the order of their names (default: equal),
--     SET VARIABLE weights = MAP {'hero': [50.0, 25.0, 25.0]};
--
-- One row per variant: visitors, conversions, rate, control, and for each
-- variant but the control the relative uplift, its standard error `se` by
-- the delta method and the Welch-Satterthwaite degrees of freedom `df`; per
-- experiment the chi-square statistic `srm_x2` of the visitors against the
-- weights and its degrees of freedom `srm_df`.  DuckDB has no Student t,
-- normal or chi-square distribution function, so the p-value, the interval,
-- the chance to win and srm_p are computed from these columns by run.mjs
-- (README.md, "Statistics"):
--     p_value       = 2 * (1 - F_t(|uplift| / se; df))
--     ci_low, high  = uplift -/+ F_t^-1(0.975; df) * se
--     chance_to_win = Phi(uplift / se)
--     srm_p         = 1 - F_chi2(srm_x2; srm_df)
-- Needs journey.sql.
WITH exposures AS (
    SELECT visitor, e.key AS experiment,
           min({'ts': ts, 'variant': e.value}) AS first
    FROM (SELECT visitor, ts, forced, unnest(map_entries(experiments)) AS e
          FROM cx_pv
          WHERE visitor IS NOT NULL AND experiments IS NOT NULL)
    WHERE NOT list_contains(coalesce(forced, []), e.key)
    GROUP BY ALL
),
last_goal AS (
    SELECT visitor, max(ts) AS ts
    FROM cx_pv
    WHERE goal AND visitor IS NOT NULL
    GROUP BY visitor
),
variants AS (
    SELECT x.experiment, x.first.variant AS variant, count(*) AS visitors,
           count(*) FILTER (WHERE g.ts >= x.first.ts) AS conversions,
           count(*) FILTER (WHERE g.ts >= x.first.ts) / count(*) AS rate
    FROM exposures x LEFT JOIN last_goal g USING (visitor)
    GROUP BY ALL
),
marked AS (
    SELECT *,
           variant = coalesce(getvariable('control')[experiment],
                              min(variant) OVER (PARTITION BY experiment))
               AS control
    FROM variants
),
against AS (
    SELECT v.*, c.visitors AS n_c, c.rate AS p_c,
           v.rate * (1 - v.rate) AS s2, c.rate * (1 - c.rate) AS s2_c
    FROM marked v
    LEFT JOIN marked c ON c.experiment = v.experiment AND c.control
),
stats AS (
    SELECT *,
           CASE WHEN NOT control AND p_c > 0 AND visitors >= 2 AND n_c >= 2
           THEN sqrt(s2 / (visitors * p_c * p_c)
                     + s2_c * rate * rate / (n_c * p_c * p_c * p_c * p_c))
           END AS se0
    FROM against
),
srm AS (
    SELECT experiment,
           list(visitors ORDER BY variant) AS observed,
           coalesce(getvariable('weights')[experiment],
                    list_transform(list(visitors), x -> 1.0)) AS w
    FROM variants
    GROUP BY experiment
),
srm_x2 AS (
    SELECT experiment,
           CASE WHEN len(observed) >= 2 AND len(w) = len(observed) THEN
               list_sum(list_transform(range(1, len(observed) + 1),
                   i -> (observed[i] - list_sum(observed) * w[i] / list_sum(w))
                        ** 2 / (list_sum(observed) * w[i] / list_sum(w))))
           END AS srm_x2,
           CASE WHEN len(observed) >= 2 AND len(w) = len(observed) THEN
               len(observed) - 1 END AS srm_df
    FROM srm
)
SELECT s.experiment, s.variant, s.visitors, s.conversions, s.rate,
       s.control,
       CASE WHEN se0 > 0 AND isfinite(se0) THEN (rate - p_c) / p_c END
           AS uplift,
       CASE WHEN se0 > 0 AND isfinite(se0) THEN se0 END AS se,
       CASE WHEN se0 > 0 AND isfinite(se0) THEN
           (s2 / visitors + s2_c / n_c) ** 2
           / ((s2 / visitors) ** 2 / (visitors - 1)
              + (s2_c / n_c) ** 2 / (n_c - 1)) END AS df,
       x.srm_x2, x.srm_df
FROM stats s JOIN srm_x2 x USING (experiment)
ORDER BY s.experiment, s.variant;
