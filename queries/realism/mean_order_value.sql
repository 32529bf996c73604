-- name: mean_order_value
-- question: What is the mean total of an order that was not cancelled?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: the orders whose order_id is a multiple of :every (1: all), reached by key, so the
-- cost follows the sample, not the table (db/report/realism.py chooses :every).
-- value: mean total_amount of orders whose status is not 'cancelled' (exact cents summed);
-- basis: those orders.
WITH RECURSIVE picks(order_id) AS (  -- every :every-th order key, up to the largest
    SELECT :every
    UNION ALL
    SELECT order_id + :every FROM picks WHERE order_id + :every <= (SELECT max(order_id) FROM orders)
),
kept AS (
    SELECT CAST(round(o.total_amount * 100) AS INTEGER) AS cents
    FROM picks AS s
    CROSS JOIN orders AS o ON o.order_id = s.order_id
    WHERE o.status <> 'cancelled'
),
final AS (
    SELECT CASE WHEN count(*) > 0 THEN sum(cents) / 100.0 / count(*) END AS value,
           count(*) AS basis
    FROM kept
)
SELECT * FROM final
