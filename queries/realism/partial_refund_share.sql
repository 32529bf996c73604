-- name: partial_refund_share
-- question: What share of returned orders was refunded only in part?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: the orders whose order_id is a multiple of :every (1: all), reached by key, so the
-- cost follows the sample, not the table (db/report/realism.py chooses :every).
-- A partly refunded order keeps status 'delivered' and has refunded payments rows; a whole
-- refund sets status 'refunded'. value: partly refunded / returned orders; basis: returned orders.
WITH RECURSIVE picks(order_id) AS (  -- every :every-th order key, up to the largest
    SELECT :every
    UNION ALL
    SELECT order_id + :every FROM picks WHERE order_id + :every <= (SELECT max(order_id) FROM orders)
),
returned AS (
    SELECT o.status = 'delivered' AS partial
    FROM picks AS s
    CROSS JOIN orders AS o ON o.order_id = s.order_id
    WHERE o.status = 'refunded'
       OR (o.status = 'delivered' AND EXISTS (
               SELECT 1 FROM payments AS r
               WHERE r.order_id = o.order_id AND r.status = 'refunded'))
),
final AS (
    SELECT avg(partial) AS value, count(*) AS basis FROM returned
)
SELECT * FROM final
