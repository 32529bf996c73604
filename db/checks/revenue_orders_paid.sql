-- check: revenue_orders_paid
-- table: orders
-- column: total_amount
-- description: each paid, shipped or delivered order has completed payments summing to its total
WITH completed AS (
    SELECT order_id, sum(CAST(round(amount * 100) AS INTEGER)) AS cents
    FROM payments
    WHERE status = 'completed'
    GROUP BY order_id
)
SELECT o.order_id,
       printf('%s order of %.2f has completed payments of %.2f',
              o.status, o.total_amount, coalesce(c.cents, 0) / 100.0) AS detail
FROM orders AS o
LEFT JOIN completed AS c ON c.order_id = o.order_id
WHERE o.status IN ('paid', 'shipped', 'delivered')
  AND CAST(round(o.total_amount * 100) AS INTEGER) <> coalesce(c.cents, 0)
ORDER BY o.order_id
