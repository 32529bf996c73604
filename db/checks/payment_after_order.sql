-- check: payment_after_order
-- table: payments
-- column: payment_date
-- description: no payment is dated before its order (order_date <= payment_date)
SELECT p.payment_id, 'paid ' || p.payment_date || ', ordered ' || o.order_date AS detail
FROM payments AS p
JOIN orders AS o ON o.order_id = p.order_id
WHERE p.payment_date < o.order_date
ORDER BY p.payment_id
