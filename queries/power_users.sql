-- name: power_users
-- question: How much of the revenue comes from the top 10% of customers by spend, and how often do they order?
-- params: none
-- columns: segment text, customers integer, orders integer, revenue decimal(2), revenue_share decimal(4), orders_per_customer decimal(2), avg_order_value decimal(2), avg_days_between_orders decimal(1)
-- Customers (users with a paid, shipped or delivered order) are split by spend into the top
-- decile (ntile 1 of 10, ties broken by user_id) and the rest. avg_days_between_orders is
-- the mean gap between consecutive orders of customers with two or more; NULL if none.
WITH revenue_orders AS (
    SELECT user_id, order_date, CAST(round(total_amount * 100) AS INTEGER) AS cents
    FROM orders
    WHERE status IN ('paid', 'shipped', 'delivered')
),
per_customer AS (
    SELECT user_id, count(*) AS orders, sum(cents) AS cents,
           julianday(max(order_date)) - julianday(min(order_date)) AS span_days
    FROM revenue_orders
    GROUP BY user_id
),
segmented AS (
    SELECT *, CASE WHEN ntile(10) OVER (ORDER BY cents DESC, user_id) = 1
                   THEN 'top 10%' ELSE 'other 90%' END AS segment
    FROM per_customer
),
overall AS (
    SELECT sum(cents) AS cents FROM per_customer
),
final AS (
    SELECT s.segment,
           count(*) AS customers,
           sum(s.orders) AS orders,
           sum(s.cents) / 100.0 AS revenue,
           ((20000 * sum(s.cents) + o.cents) / (2 * o.cents)) / 10000.0 AS revenue_share,
           round(sum(s.orders) * 1.0 / count(*), 2) AS orders_per_customer,
           ((2 * sum(s.cents) + sum(s.orders)) / (2 * sum(s.orders))) / 100.0 AS avg_order_value,
           round(sum(CASE WHEN s.orders > 1 THEN s.span_days END)
                 / sum(CASE WHEN s.orders > 1 THEN s.orders - 1 END), 1) AS avg_days_between_orders
    FROM segmented AS s
    CROSS JOIN overall AS o
    GROUP BY s.segment
)
SELECT * FROM final ORDER BY segment DESC
