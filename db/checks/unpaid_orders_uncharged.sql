-- check: unpaid_orders_uncharged
-- table: orders
-- column: status
-- description: pending and cancelled orders have no completed payment
SELECT o.order_id, o.status || ' order with a completed payment' AS detail
FROM orders AS o
WHERE o.status IN ('pending', 'cancelled')
  AND EXISTS (SELECT 1 FROM payments AS p
              WHERE p.order_id = o.order_id AND p.status = 'completed')
ORDER BY o.order_id
