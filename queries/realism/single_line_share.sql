-- name: single_line_share
-- question: What share of orders has exactly one line?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: the orders whose order_id is a multiple of :every (1: all), reached by key, so the
-- cost follows the sample, not the table (db/report/realism.py chooses :every).
-- value: orders with one line / orders with lines; basis: orders with lines.
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
    SELECT avg(lines = 1) AS value, count(*) AS basis FROM per_order
)
SELECT * FROM final
