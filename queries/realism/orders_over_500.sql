-- name: orders_over_500
-- question: What share of orders totals more than 500?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: the orders whose order_id is a multiple of :every (1: all), reached by key, so the
-- cost follows the sample, not the table (db/report/realism.py chooses :every).
-- value: orders with total_amount > 500.00 / all orders; basis: all orders.
WITH RECURSIVE picks(order_id) AS (  -- every :every-th order key, up to the largest
    SELECT :every
    UNION ALL
    SELECT order_id + :every FROM picks WHERE order_id + :every <= (SELECT max(order_id) FROM orders)
),
final AS (
    SELECT avg(CAST(round(o.total_amount * 100) AS INTEGER) > 50000) AS value, count(*) AS basis
    FROM picks AS s
    CROSS JOIN orders AS o ON o.order_id = s.order_id
)
SELECT * FROM final
