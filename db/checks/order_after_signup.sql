-- check: order_after_signup
-- table: orders
-- column: order_date
-- description: no order is placed before its customer signed up (signup_date <= order_date)
SELECT o.order_id, 'ordered ' || o.order_date || ', signed up ' || u.signup_date AS detail
FROM orders AS o
JOIN users AS u ON u.user_id = o.user_id
WHERE o.order_date < u.signup_date
ORDER BY o.order_id
