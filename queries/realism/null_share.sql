-- name: null_share
-- question: Are values missing where real shops miss them (users.city, reviews.title)?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: users.city over the users whose user_id is a multiple of :every (1: all), reached by key, so the
-- cost follows the sample, not the table (db/report/realism.py chooses :every).
-- value: the smaller of the NULL shares of users.city and reviews.title (0 when either
-- column has no NULL, which the old schema's NOT NULL forced); basis: users plus reviews.
WITH RECURSIVE picks(user_id) AS (  -- every :every-th user key, up to the largest
    SELECT :every
    UNION ALL
    SELECT user_id + :every FROM picks WHERE user_id + :every <= (SELECT max(user_id) FROM users)
),
cities AS (
    SELECT avg(u.city IS NULL) AS share, count(*) AS n
    FROM picks AS s
    CROSS JOIN users AS u ON u.user_id = s.user_id
),
titles AS (
    SELECT avg(title IS NULL) AS share, count(*) AS n FROM reviews
),
final AS (
    SELECT min(c.share, t.share) AS value, c.n + t.n AS basis FROM cities AS c, titles AS t
)
SELECT * FROM final
