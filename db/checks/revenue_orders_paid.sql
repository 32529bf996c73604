-- check: revenue_orders_paid
-- table: orders
-- column: total_amount
-- description: each paid, shipped or delivered order has completed payments summing to its total
-- One pass over orders in key order, each order's payments found through idx_payments_order.
WITH paid AS (
    SELECT o.order_id,
           o.status,
           o.total_amount,
           coalesce(sum(CAST(round(p.amount * 100) AS INTEGER)), 0) AS cents
    FROM orders AS o
    LEFT JOIN payments AS p ON p.order_id = o.order_id AND p.status = 'completed'
    WHERE o.status IN ('paid', 'shipped', 'delivered')
    GROUP BY o.order_id
),
final AS (
    SELECT order_id,
           printf('%s order of %.2f has completed payments of %.2f',
                  status, total_amount, cents / 100.0) AS detail
    FROM paid
    WHERE CAST(round(total_amount * 100) AS INTEGER) <> cents
)
SELECT * FROM final ORDER BY order_id
