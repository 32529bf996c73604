-- name: revenue_weekly
-- question: How much revenue came in each week (weeks start on Monday)?
-- params: none
-- columns: week_start text, orders integer, revenue decimal(2)
-- week_start is the Monday on or before the order's day.
WITH revenue_orders AS (
    SELECT date(order_date, '-6 days', 'weekday 1') AS week_start,
           CAST(round(total_amount * 100) AS INTEGER) AS cents
    FROM orders INDEXED BY idx_orders_date  -- covering, in date order: the grouping sorts sorted input
    WHERE status IN ('paid', 'shipped', 'delivered')
),
final AS (
    SELECT week_start, count(*) AS orders, sum(cents) / 100.0 AS revenue
    FROM revenue_orders
    GROUP BY week_start
)
SELECT * FROM final ORDER BY week_start
