-- name: review_rate
-- question: How many reviews are there per delivered order?
-- params: none
-- columns: value decimal(4), basis integer
-- value: reviews / orders with status 'delivered'; basis: delivered orders.
WITH delivered AS (
    SELECT count(*) AS orders FROM orders WHERE status = 'delivered'
),
final AS (
    SELECT CASE WHEN orders > 0 THEN (SELECT count(*) FROM reviews) * 1.0 / orders END AS value,
           orders AS basis
    FROM delivered
)
SELECT * FROM final
