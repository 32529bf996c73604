-- check: refunds_after_delivery
-- table: payments
-- column: status
-- description: a refund belongs to a delivered or refunded order and is dated after its delivery
SELECT p.payment_id,
       CASE WHEN o.status NOT IN ('delivered', 'refunded')
            THEN 'refunded payment on a ' || o.status || ' order'
            ELSE 'refunded ' || p.payment_date || ', delivered ' || coalesce(o.delivered_at, 'never')
       END AS detail
FROM payments AS p
JOIN orders AS o ON o.order_id = p.order_id
WHERE p.status = 'refunded'
  AND (o.status NOT IN ('delivered', 'refunded')
       OR o.delivered_at IS NULL
       OR p.payment_date < o.delivered_at)
ORDER BY p.payment_id
