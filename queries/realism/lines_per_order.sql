-- name: lines_per_order
-- question: How many lines does an order have on average?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: only orders whose order_id is a multiple of :every (1: all; see db/report/realism.py).
-- value: order lines per order that has lines; basis: those orders.
WITH per_order AS (
    SELECT order_id, count(*) AS lines
    FROM order_items
    WHERE order_id % :every = 0
    GROUP BY order_id
),
final AS (
    SELECT CASE WHEN count(*) > 0 THEN sum(lines) * 1.0 / count(*) END AS value,
           count(*) AS basis
    FROM per_order
)
SELECT * FROM final
