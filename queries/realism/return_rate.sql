-- name: return_rate
-- question: What share of delivered orders is returned, in whole or in part?
-- params: none
-- columns: value decimal(4), basis integer
-- An order is returned when its status is 'refunded' (whole order) or it has a payments row
-- with status 'refunded' (one per refunded line). value: returned / orders with status
-- 'delivered' or 'refunded'; basis: those orders.
WITH refunds AS (
    SELECT DISTINCT order_id FROM payments WHERE status = 'refunded'
),
eligible AS (
    SELECT o.status = 'refunded' OR r.order_id IS NOT NULL AS returned
    FROM orders AS o
    LEFT JOIN refunds AS r ON r.order_id = o.order_id
    WHERE o.status IN ('delivered', 'refunded')
),
final AS (
    SELECT avg(returned) AS value, count(*) AS basis FROM eligible
)
SELECT * FROM final
