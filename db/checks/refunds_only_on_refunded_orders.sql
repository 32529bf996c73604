-- check: refunds_only_on_refunded_orders
-- table: payments
-- column: status
-- description: a refunded payment belongs to a refunded order
SELECT p.payment_id, 'refunded payment on a ' || o.status || ' order' AS detail
FROM payments AS p
JOIN orders AS o ON o.order_id = p.order_id
WHERE p.status = 'refunded' AND o.status <> 'refunded'
ORDER BY p.payment_id
