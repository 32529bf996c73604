-- name: revenue_monthly
-- question: How does monthly revenue grow: running total and change against the previous month?
-- params: none
-- columns: month text, revenue decimal(2), cumulative_revenue decimal(2), change_from_previous decimal(4)
-- change_from_previous is (revenue - previous) / previous, NULL for the first month.
WITH monthly AS (
    SELECT substr(order_date, 1, 7) AS month,
           sum(CAST(round(total_amount * 100) AS INTEGER)) AS cents
    FROM orders INDEXED BY idx_orders_date  -- covering, in date order: the grouping sorts sorted input
    WHERE status IN ('paid', 'shipped', 'delivered')
    GROUP BY month
),
with_previous AS (
    SELECT month, cents,
           sum(cents) OVER (ORDER BY month) AS running,
           lag(cents) OVER (ORDER BY month) AS previous
    FROM monthly
),
final AS (
    SELECT month,
           cents / 100.0 AS revenue,
           running / 100.0 AS cumulative_revenue,
           CASE WHEN previous > 0
                THEN round((cents - previous) * 1.0 / previous, 4) END AS change_from_previous
    FROM with_previous
)
SELECT * FROM final ORDER BY month
