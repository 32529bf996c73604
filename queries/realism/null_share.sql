-- name: null_share
-- question: Are values missing where real shops miss them (users.city, reviews.title)?
-- params: none
-- columns: value decimal(4), basis integer
-- value: the smaller of the NULL shares of users.city and reviews.title (0 when either
-- column has no NULL, which the old schema's NOT NULL forced); basis: users plus reviews.
WITH cities AS (
    SELECT avg(city IS NULL) AS share, count(*) AS n FROM users
),
titles AS (
    SELECT avg(title IS NULL) AS share, count(*) AS n FROM reviews
),
final AS (
    SELECT min(c.share, t.share) AS value, c.n + t.n AS basis FROM cities AS c, titles AS t
)
SELECT * FROM final
