-- name: paypal_share_de
-- question: What share of German customers' completed payments uses 'paypal'?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: the users whose user_id is a multiple of :every (1: all), reached by key, so the
-- cost follows the sample, not the table (db/report/realism.py chooses :every).
-- value: completed payments by 'paypal' / completed payments, over orders of users whose
-- country is 'Germany'; basis: those payments.
WITH RECURSIVE picks(user_id) AS (  -- every :every-th user key, up to the largest
    SELECT :every
    UNION ALL
    SELECT user_id + :every FROM picks WHERE user_id + :every <= (SELECT max(user_id) FROM users)
),
local_payments AS (
    SELECT p.payment_method
    FROM picks AS s
    CROSS JOIN users AS u ON u.user_id = s.user_id
    CROSS JOIN orders AS o ON o.user_id = u.user_id
    CROSS JOIN payments AS p ON p.order_id = o.order_id
    WHERE u.country = 'Germany' AND p.status = 'completed'
),
final AS (
    SELECT avg(payment_method = 'paypal') AS value, count(*) AS basis FROM local_payments
)
SELECT * FROM final
