-- name: single_line_share
-- question: What share of orders has exactly one line?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: only orders whose order_id is a multiple of :every (1: all; see db/report/realism.py).
-- value: orders with one line / orders with lines; basis: orders with lines.
WITH per_order AS (
    SELECT order_id, count(*) AS lines
    FROM order_items
    WHERE order_id % :every = 0
    GROUP BY order_id
),
final AS (
    SELECT avg(lines = 1) AS value, count(*) AS basis FROM per_order
)
SELECT * FROM final
