-- name: revenue_per_user
-- question: How much revenue has each user brought, including users who never bought?
-- params: none
-- columns: user_id integer, first_name text, last_name text, country text, orders integer, revenue decimal(2)
-- Revenue orders are paid, shipped or delivered; users without one show 0 orders and 0.00.
WITH revenue_orders AS (
    SELECT user_id, CAST(round(total_amount * 100) AS INTEGER) AS cents
    FROM orders
    WHERE status IN ('paid', 'shipped', 'delivered')
),
per_user AS (
    SELECT user_id, count(*) AS orders, sum(cents) AS cents FROM revenue_orders GROUP BY user_id
),
final AS (
    SELECT u.user_id, u.first_name, u.last_name, u.country,
           coalesce(p.orders, 0) AS orders,
           coalesce(p.cents, 0) / 100.0 AS revenue
    FROM users AS u
    LEFT JOIN per_user AS p ON p.user_id = u.user_id
)
SELECT * FROM final ORDER BY revenue DESC, user_id
