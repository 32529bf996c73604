-- name: lines_per_order
-- question: How many lines does an order have on average?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: the orders whose order_id is a multiple of :every (1: all), reached by key, so the
-- cost follows the sample, not the table (db/report/realism.py chooses :every).
-- value: order lines per order that has lines; basis: those orders.
WITH RECURSIVE picks(order_id) AS (  -- every :every-th order key, up to the largest
    SELECT :every
    UNION ALL
    SELECT order_id + :every FROM picks WHERE order_id + :every <= (SELECT max(order_id) FROM orders)
),
per_order AS (
    SELECT p.order_id, count(*) AS lines
    FROM picks AS p
    CROSS JOIN order_items AS i ON i.order_id = p.order_id
    GROUP BY p.order_id
),
final AS (
    SELECT CASE WHEN count(*) > 0 THEN sum(lines) * 1.0 / count(*) END AS value,
           count(*) AS basis
    FROM per_order
)
SELECT * FROM final
