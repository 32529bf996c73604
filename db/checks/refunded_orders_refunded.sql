-- check: refunded_orders_refunded
-- table: orders
-- column: status
-- description: a refunded order was refunded in full: its refunds sum to its total (a partial refund leaves it delivered)
WITH refunds AS (
    SELECT o.order_id,
           o.total_amount,
           count(p.payment_id) AS refunds,
           coalesce(sum(CAST(round(p.amount * 100) AS INTEGER)), 0) AS cents
    FROM orders AS o
    LEFT JOIN payments AS p ON p.order_id = o.order_id AND p.status = 'refunded'
    WHERE o.status = 'refunded'
    GROUP BY o.order_id
),
final AS (
    SELECT order_id,
           CASE WHEN refunds = 0 THEN 'refunded order without a refunded payment'
                ELSE printf('refunded order of %.2f has refunds of %.2f',
                            total_amount, cents / 100.0)
           END AS detail
    FROM refunds
    WHERE CAST(round(total_amount * 100) AS INTEGER) <> cents
)
SELECT * FROM final ORDER BY order_id
