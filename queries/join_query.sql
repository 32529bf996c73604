-- name: cohort_clv
-- question: What is a customer worth (lifetime value, and within 30/90/365 days of signup) by signup month?
-- params: none
-- columns: cohort_month text, cohort_size integer, buyers integer, orders integer, revenue decimal(2), avg_order_value decimal(2), clv decimal(2), repeat_rate decimal(4), clv_30d decimal(2), clv_90d decimal(2), clv_365d decimal(2)
-- Definitions: a cohort is the users who signed up in a calendar month (YYYY-MM).
-- Revenue orders have status paid, shipped or delivered; their revenue is total_amount.
-- clv_Nd counts revenue orders placed fewer than N days after the user's signup, per
-- cohort member, and is NULL until the cohort is mature: the last day of the cohort month
-- plus N days must not fall after the day the data stands at: the as-of day submission_meta
-- records (an as-of snapshot, advanced by each change batch applied), else the latest order_date.
-- Money is summed in integer cents; every ratio is rounded half-up in integer arithmetic
-- ((2a + b) / (2b)), so the results are exact, not float approximations.
-- Shape for speed: orders are grouped per buyer in index order (idx_orders_user) with one
-- primary-key lookup of the user each; cohort sizes come from users alone; the two
-- 24-row results are joined at the end. No join scans a whole table per row.
WITH revenue_orders AS (
    SELECT o.user_id,
           substr(u.signup_date, 1, 7) AS cohort_month,
           julianday(o.order_date) - julianday(u.signup_date) AS age_days,
           CAST(round(o.total_amount * 100) AS INTEGER) AS cents
    FROM orders AS o
    JOIN users AS u ON u.user_id = o.user_id
    WHERE o.status IN ('paid', 'shipped', 'delivered')
),
buyers AS (
    SELECT user_id,
           cohort_month,
           count(*) AS orders,
           sum(cents) AS cents,
           sum(CASE WHEN age_days < 30 THEN cents ELSE 0 END) AS cents_30d,
           sum(CASE WHEN age_days < 90 THEN cents ELSE 0 END) AS cents_90d,
           sum(CASE WHEN age_days < 365 THEN cents ELSE 0 END) AS cents_365d
    FROM revenue_orders
    GROUP BY user_id
),
buyer_cohorts AS (
    SELECT cohort_month,
           count(*) AS buyers,
           sum(orders >= 2) AS repeat_buyers,
           sum(orders) AS orders,
           sum(cents) AS cents,
           sum(cents_30d) AS cents_30d,
           sum(cents_90d) AS cents_90d,
           sum(cents_365d) AS cents_365d
    FROM buyers
    GROUP BY cohort_month
),
cohorts AS (
    SELECT substr(u.signup_date, 1, 7) AS cohort_month,
           count(*) AS cohort_size,
           date(substr(u.signup_date, 1, 7) || '-01', '+1 month', '-1 day') AS last_day
    FROM users AS u
    GROUP BY cohort_month
),
latest AS (
    SELECT coalesce((SELECT value FROM submission_meta WHERE kind = 'run' AND key = 'as_of'),
                    date(max(order_date))) AS latest_day
    FROM orders
),
final AS (
    SELECT c.cohort_month,
           c.cohort_size,
           coalesce(b.buyers, 0) AS buyers,
           coalesce(b.orders, 0) AS orders,
           coalesce(b.cents, 0) / 100.0 AS revenue,
           CASE WHEN b.orders > 0
                THEN ((2 * b.cents + b.orders) / (2 * b.orders)) / 100.0 END AS avg_order_value,
           ((2 * coalesce(b.cents, 0) + c.cohort_size) / (2 * c.cohort_size)) / 100.0 AS clv,
           CASE WHEN b.buyers > 0
                THEN ((20000 * b.repeat_buyers + b.buyers) / (2 * b.buyers)) / 10000.0 END AS repeat_rate,
           CASE WHEN date(c.last_day, '+30 days') <= l.latest_day
                THEN ((2 * coalesce(b.cents_30d, 0) + c.cohort_size) / (2 * c.cohort_size)) / 100.0
           END AS clv_30d,
           CASE WHEN date(c.last_day, '+90 days') <= l.latest_day
                THEN ((2 * coalesce(b.cents_90d, 0) + c.cohort_size) / (2 * c.cohort_size)) / 100.0
           END AS clv_90d,
           CASE WHEN date(c.last_day, '+365 days') <= l.latest_day
                THEN ((2 * coalesce(b.cents_365d, 0) + c.cohort_size) / (2 * c.cohort_size)) / 100.0
           END AS clv_365d
    FROM cohorts AS c
    LEFT JOIN buyer_cohorts AS b ON b.cohort_month = c.cohort_month
    CROSS JOIN latest AS l
)
SELECT * FROM final ORDER BY cohort_month
