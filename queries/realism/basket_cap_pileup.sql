-- name: basket_cap_pileup
-- question: Do orders pile up at the largest basket size?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: the orders whose order_id is a multiple of :every (1: all), reached by key, so the
-- cost follows the sample, not the table (db/report/realism.py chooses :every).
-- value: orders at the largest line count / orders at the next smaller line count present
-- (below 1 when basket sizes decay to their cap, above 1 when they pile up at it);
-- basis: orders with lines. NULL when every order has the same line count.
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
