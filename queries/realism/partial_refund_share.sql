-- name: partial_refund_share
-- question: What share of returned orders was refunded only in part?
-- params: none
-- columns: value decimal(4), basis integer
-- A partly refunded order keeps status 'delivered' and has refunded payments rows; a whole
-- refund sets status 'refunded'. value: partly refunded / returned orders; basis: returned orders.
WITH refunds AS (
    SELECT DISTINCT order_id FROM payments WHERE status = 'refunded'
),
returned AS (
    SELECT o.status = 'delivered' AS partial
    FROM orders AS o
    LEFT JOIN refunds AS r ON r.order_id = o.order_id
    WHERE o.status = 'refunded' OR (o.status = 'delivered' AND r.order_id IS NOT NULL)
),
final AS (
    SELECT avg(partial) AS value, count(*) AS basis FROM returned
)
SELECT * FROM final
