-- name: paypal_share_de
-- question: What share of German customers' completed payments uses 'paypal'?
-- params: none
-- columns: value decimal(4), basis integer
-- value: completed payments by 'paypal' / completed payments, over orders of users whose
-- country is 'Germany'; basis: those payments.
WITH local_payments AS (
    SELECT p.payment_method
    FROM users AS u
    JOIN orders AS o ON o.user_id = u.user_id
    JOIN payments AS p ON p.order_id = o.order_id
    WHERE u.country = 'Germany' AND p.status = 'completed'
),
final AS (
    SELECT avg(payment_method = 'paypal') AS value, count(*) AS basis FROM local_payments
)
SELECT * FROM final
