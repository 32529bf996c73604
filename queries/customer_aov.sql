-- name: customer_aov
-- question: What is each customer's average order value, and over what span did they buy?
-- params: none
-- columns: user_id integer, orders integer, revenue decimal(2), avg_order_value decimal(2), first_order text, last_order text
-- Customers are users with at least one revenue order (paid, shipped or delivered).
WITH revenue_orders AS (
    SELECT user_id, order_date, CAST(round(total_amount * 100) AS INTEGER) AS cents
    FROM orders
    WHERE status IN ('paid', 'shipped', 'delivered')
),
final AS (
    SELECT user_id,
           count(*) AS orders,
           sum(cents) / 100.0 AS revenue,
           ((2 * sum(cents) + count(*)) / (2 * count(*))) / 100.0 AS avg_order_value,
           min(order_date) AS first_order,
           max(order_date) AS last_order
    FROM revenue_orders
    GROUP BY user_id
)
SELECT * FROM final ORDER BY avg_order_value DESC, user_id
