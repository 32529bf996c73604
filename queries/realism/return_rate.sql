-- name: return_rate
-- question: What share of delivered orders is returned, in whole or in part?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: the orders whose order_id is a multiple of :every (1: all), reached by key, so the
-- cost follows the sample, not the table (db/report/realism.py chooses :every).
-- An order is returned when its status is 'refunded' (whole order) or it has a payments row
-- with status 'refunded' (one per refunded line). value: returned / orders with status
-- 'delivered' or 'refunded'; basis: those orders.
WITH RECURSIVE picks(order_id) AS (  -- every :every-th order key, up to the largest
    SELECT :every
    UNION ALL
    SELECT order_id + :every FROM picks WHERE order_id + :every <= (SELECT max(order_id) FROM orders)
),
eligible AS (
    SELECT o.status = 'refunded' OR EXISTS (
               SELECT 1 FROM payments AS r
               WHERE r.order_id = o.order_id AND r.status = 'refunded') AS returned
    FROM picks AS s
    CROSS JOIN orders AS o ON o.order_id = s.order_id
    WHERE o.status IN ('delivered', 'refunded')
),
final AS (
    SELECT avg(returned) AS value, count(*) AS basis FROM eligible
)
SELECT * FROM final
