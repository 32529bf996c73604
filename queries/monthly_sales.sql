-- name: monthly_sales
-- question: How do revenue, revenue orders and average order value develop month by month?
-- params: none
-- columns: month text, orders integer, revenue decimal(2), avg_order_value decimal(2)
-- Revenue orders are paid, shipped or delivered, counted in the month they were placed.
WITH revenue_orders AS (
    SELECT substr(order_date, 1, 7) AS month, CAST(round(total_amount * 100) AS INTEGER) AS cents
    FROM orders INDEXED BY idx_orders_date  -- covering, in date order: the grouping sorts sorted input
    WHERE status IN ('paid', 'shipped', 'delivered')
),
final AS (
    SELECT month,
           count(*) AS orders,
           sum(cents) / 100.0 AS revenue,
           ((2 * sum(cents) + count(*)) / (2 * count(*))) / 100.0 AS avg_order_value
    FROM revenue_orders
    GROUP BY month
)
SELECT * FROM final ORDER BY month
