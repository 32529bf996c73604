-- name: email_encodes_key
-- question: Do e-mail addresses give away the user's key?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: the users whose user_id is a multiple of :every (1: all), reached by key, so the
-- cost follows the sample, not the table (db/report/realism.py chooses :every).
-- value: users whose e-mail contains their user_id as a whole run of digits / users;
-- basis: users.
WITH RECURSIVE picks(user_id) AS (  -- every :every-th user key, up to the largest
    SELECT :every
    UNION ALL
    SELECT user_id + :every FROM picks WHERE user_id + :every <= (SELECT max(user_id) FROM users)
),
final AS (
    SELECT avg(('.' || u.email || '.') GLOB ('*[^0-9]' || u.user_id || '[^0-9]*')) AS value,
           count(*) AS basis
    FROM picks AS s
    CROSS JOIN users AS u ON u.user_id = s.user_id
)
SELECT * FROM final
