-- name: signup_first_order_1h
-- question: What share of buyers places a first order within an hour of signing up?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: the users whose user_id is a multiple of :every (1: all), reached by key, so the
-- cost follows the sample, not the table (db/report/realism.py chooses :every).
-- value: users whose earliest order is at most 3,600 seconds after signup_date / users with
-- an order; basis: users with an order.
WITH RECURSIVE picks(user_id) AS (  -- every :every-th user key, up to the largest
    SELECT :every
    UNION ALL
    SELECT user_id + :every FROM picks WHERE user_id + :every <= (SELECT max(user_id) FROM users)
),
firsts AS (
    SELECT s.user_id, min(o.order_date) AS first_order
    FROM picks AS s
    CROSS JOIN orders AS o ON o.user_id = s.user_id
    GROUP BY s.user_id
),
final AS (
    SELECT avg(CAST(strftime('%s', f.first_order) AS INTEGER)
               - CAST(strftime('%s', u.signup_date) AS INTEGER) <= 3600) AS value,
           count(*) AS basis
    FROM firsts AS f
    CROSS JOIN users AS u ON u.user_id = f.user_id
)
SELECT * FROM final
