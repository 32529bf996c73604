-- name: single_line_share
-- question: What share of orders has exactly one line?
-- params: none
-- columns: value decimal(4), basis integer
-- value: orders with one line / orders with lines; basis: orders with lines.
WITH per_order AS (
    SELECT order_id, count(*) AS lines FROM order_items GROUP BY order_id
),
final AS (
    SELECT avg(lines = 1) AS value, count(*) AS basis FROM per_order
)
SELECT * FROM final
