-- name: cohort_clv
-- question: What is a customer worth (lifetime value, and within 30/90/365 days of signup) by signup month?
-- params: none
-- columns: cohort_month text, cohort_size integer, buyers integer, orders integer, revenue decimal(2), avg_order_value decimal(2), clv decimal(2), repeat_rate decimal(4), clv_30d decimal(2), clv_90d decimal(2), clv_365d decimal(2)
-- Definitions: a cohort is the users who signed up in a calendar month (YYYY-MM).
-- Revenue orders have status paid, shipped or delivered; their revenue is total_amount.
-- clv_Nd counts revenue orders placed fewer than N days after the user's signup, per
-- cohort member, and is NULL until the cohort is mature: the last day of the cohort month
-- plus N days must not fall after the latest order_date in the data.
-- Money is summed in integer cents; every ratio is rounded half-up in integer arithmetic
-- ((2a + b) / (2b)), so the results are exact, not float approximations.
WITH revenue_orders AS (
    SELECT user_id, order_date, CAST(round(total_amount * 100) AS INTEGER) AS cents
    FROM orders
    WHERE status IN ('paid', 'shipped', 'delivered')
),
user_totals AS (
    SELECT u.user_id,
           substr(u.signup_date, 1, 7) AS cohort_month,
           count(r.user_id) AS orders,
           coalesce(sum(r.cents), 0) AS cents,
           coalesce(sum(CASE WHEN julianday(r.order_date) - julianday(u.signup_date) < 30
                             THEN r.cents END), 0) AS cents_30d,
           coalesce(sum(CASE WHEN julianday(r.order_date) - julianday(u.signup_date) < 90
                             THEN r.cents END), 0) AS cents_90d,
           coalesce(sum(CASE WHEN julianday(r.order_date) - julianday(u.signup_date) < 365
                             THEN r.cents END), 0) AS cents_365d
    FROM users AS u
    LEFT JOIN revenue_orders AS r ON r.user_id = u.user_id
    GROUP BY u.user_id
),
cohorts AS (
    SELECT cohort_month,
           count(*) AS cohort_size,
           sum(orders > 0) AS buyers,
           sum(orders >= 2) AS repeat_buyers,
           sum(orders) AS orders,
           sum(cents) AS cents,
           sum(cents_30d) AS cents_30d,
           sum(cents_90d) AS cents_90d,
           sum(cents_365d) AS cents_365d,
           date(cohort_month || '-01', '+1 month', '-1 day') AS last_day
    FROM user_totals
    GROUP BY cohort_month
),
latest AS (
    SELECT date(max(order_date)) AS latest_day FROM orders
),
final AS (
    SELECT c.cohort_month,
           c.cohort_size,
           c.buyers,
           c.orders,
           c.cents / 100.0 AS revenue,
           CASE WHEN c.orders > 0
                THEN ((2 * c.cents + c.orders) / (2 * c.orders)) / 100.0 END AS avg_order_value,
           ((2 * c.cents + c.cohort_size) / (2 * c.cohort_size)) / 100.0 AS clv,
           CASE WHEN c.buyers > 0
                THEN ((20000 * c.repeat_buyers + c.buyers) / (2 * c.buyers)) / 10000.0 END AS repeat_rate,
           CASE WHEN date(c.last_day, '+30 days') <= l.latest_day
                THEN ((2 * c.cents_30d + c.cohort_size) / (2 * c.cohort_size)) / 100.0 END AS clv_30d,
           CASE WHEN date(c.last_day, '+90 days') <= l.latest_day
                THEN ((2 * c.cents_90d + c.cohort_size) / (2 * c.cohort_size)) / 100.0 END AS clv_90d,
           CASE WHEN date(c.last_day, '+365 days') <= l.latest_day
                THEN ((2 * c.cents_365d + c.cohort_size) / (2 * c.cohort_size)) / 100.0 END AS clv_365d
    FROM cohorts AS c
    CROSS JOIN latest AS l
)
SELECT * FROM final ORDER BY cohort_month
