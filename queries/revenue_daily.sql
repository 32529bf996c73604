-- name: revenue_daily
-- question: How much revenue came in each day (optionally between two dates)?
-- params: from date = null, to date = null
-- columns: day text, orders integer, revenue decimal(2)
-- :from and :to are inclusive dates (YYYY-MM-DD); NULL leaves that end open.
-- Days without a revenue order are absent.
WITH revenue_orders AS (
    SELECT date(order_date) AS day, CAST(round(total_amount * 100) AS INTEGER) AS cents
    FROM orders INDEXED BY idx_orders_date  -- covering, in date order: the grouping sorts sorted input
    WHERE status IN ('paid', 'shipped', 'delivered')
      AND (:from IS NULL OR order_date >= :from)
      AND (:to IS NULL OR order_date < date(:to, '+1 day'))
),
final AS (
    SELECT day, count(*) AS orders, sum(cents) / 100.0 AS revenue
    FROM revenue_orders
    GROUP BY day
)
SELECT * FROM final ORDER BY day
