-- name: basket_cap_pileup
-- question: Do orders pile up at the largest basket size?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: only orders whose order_id is a multiple of :every (1: all; see db/report/realism.py).
-- value: orders at the largest line count / orders at the next smaller line count present
-- (below 1 when basket sizes decay to their cap, above 1 when they pile up at it);
-- basis: orders with lines. NULL when every order has the same line count.
WITH per_order AS (
    SELECT order_id, count(*) AS lines
    FROM order_items
    WHERE order_id % :every = 0
    GROUP BY order_id
),
sizes AS (
    SELECT lines, count(*) AS orders,
           row_number() OVER (ORDER BY lines DESC) AS from_top
    FROM per_order
    GROUP BY lines
),
final AS (
    SELECT max(CASE WHEN from_top = 1 THEN orders END) * 1.0
               / max(CASE WHEN from_top = 2 THEN orders END) AS value,
           (SELECT count(*) FROM per_order) AS basis
    FROM sizes
)
SELECT * FROM final
