-- check: orders_have_lines
-- table: orders
-- column: order_id
-- description: every order has at least one order line
SELECT o.order_id, 'the order has no lines' AS detail
FROM orders AS o
WHERE NOT EXISTS (SELECT 1 FROM order_items AS i WHERE i.order_id = o.order_id)
ORDER BY o.order_id
