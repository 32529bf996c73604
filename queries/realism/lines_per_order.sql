-- name: lines_per_order
-- question: How many lines does an order have on average?
-- params: none
-- columns: value decimal(4), basis integer
-- value: order lines per order that has lines; basis: those orders.
WITH per_order AS (
    SELECT order_id, count(*) AS lines FROM order_items GROUP BY order_id
),
final AS (
    SELECT CASE WHEN count(*) > 0 THEN sum(lines) * 1.0 / count(*) END AS value,
           count(*) AS basis
    FROM per_order
)
SELECT * FROM final
