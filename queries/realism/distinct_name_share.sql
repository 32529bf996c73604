-- name: distinct_name_share
-- question: How varied are the users' full names?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: the users whose user_id is a multiple of :every (1: all), reached by key, so the
-- cost follows the sample, not the table (db/report/realism.py chooses :every).
-- The share depends on how many users are compared, so a fixed-size sample also keeps it
-- comparable across scales (about 25,000 users at most). value: distinct (first_name,
-- last_name) pairs / users; basis: users.
WITH RECURSIVE picks(user_id) AS (  -- every :every-th user key, up to the largest
    SELECT :every
    UNION ALL
    SELECT user_id + :every FROM picks WHERE user_id + :every <= (SELECT max(user_id) FROM users)
),
sampled AS (
    SELECT u.first_name, u.last_name
    FROM picks AS s
    CROSS JOIN users AS u ON u.user_id = s.user_id
),
final AS (
    SELECT CASE WHEN count(*) > 0
                THEN (SELECT count(*) FROM (SELECT DISTINCT first_name, last_name FROM sampled))
                     * 1.0 / count(*) END AS value,
           count(*) AS basis
    FROM sampled
)
SELECT * FROM final
