-- name: bank_share_nl
-- question: What share of Dutch customers' completed payments uses 'bank'?
-- params: none
-- columns: value decimal(4), basis integer
-- value: completed payments by 'bank' / completed payments, over orders of users whose
-- country is 'Netherlands'; basis: those payments.
WITH local_payments AS (
    SELECT p.payment_method
    FROM users AS u
    JOIN orders AS o ON o.user_id = u.user_id
    JOIN payments AS p ON p.order_id = o.order_id
    WHERE u.country = 'Netherlands' AND p.status = 'completed'
),
final AS (
    SELECT avg(payment_method = 'bank') AS value, count(*) AS basis FROM local_payments
)
SELECT * FROM final
