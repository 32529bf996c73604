-- name: signup_first_order_1h
-- question: What share of buyers places a first order within an hour of signing up?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: only users whose user_id is a multiple of :every (1: all; see db/report/realism.py).
-- value: users whose earliest order is at most 3,600 seconds after signup_date / users with
-- an order; basis: users with an order.
WITH firsts AS (
    SELECT user_id, min(order_date) AS first_order
    FROM orders
    WHERE user_id % :every = 0
    GROUP BY user_id
),
final AS (
    SELECT avg(CAST(strftime('%s', f.first_order) AS INTEGER)
               - CAST(strftime('%s', u.signup_date) AS INTEGER) <= 3600) AS value,
           count(*) AS basis
    FROM firsts AS f
    JOIN users AS u ON u.user_id = f.user_id
)
SELECT * FROM final
