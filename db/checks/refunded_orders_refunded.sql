-- check: refunded_orders_refunded
-- table: orders
-- column: status
-- description: every refunded order has a refunded payment
SELECT o.order_id, 'refunded order without a refunded payment' AS detail
FROM orders AS o
WHERE o.status = 'refunded'
  AND NOT EXISTS (SELECT 1 FROM payments AS p
                  WHERE p.order_id = o.order_id AND p.status = 'refunded')
ORDER BY o.order_id
