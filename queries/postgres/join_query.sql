-- name: cohort_clv
-- question: What is a customer worth (lifetime value, and within 30/90/365 days of signup) by signup month?
-- params: none
-- columns: cohort_month text, cohort_size integer, buyers integer, orders integer, revenue decimal(2), avg_order_value decimal(2), clv decimal(2), repeat_rate decimal(4), clv_30d decimal(2), clv_90d decimal(2), clv_365d decimal(2)
-- dialect: PostgreSQL. The same question and answer as queries/join_query.sql (SQLite), for a
-- database loaded from exports/postgres/load.sql; tests/test_postgres.py requires both to agree.
-- Cohorts mature by the day the data stands at, as in SQLite: the as-of day submission_meta
-- records (the export carries it; the parts kit's table is empty), else the latest order_date.
-- Translation: julianday differences become timestamp differences compared with intervals,
-- date(x, '+N days') becomes date arithmetic, and the integer sums are cast back to bigint
-- (PostgreSQL's sum(bigint) is numeric) so that ratios round half-up in integer arithmetic
-- exactly as in SQLite. Money columns come out as numeric with 2 (repeat_rate 4) decimals.
WITH revenue_orders AS (
    SELECT user_id, order_date, (total_amount * 100)::bigint AS cents
    FROM orders
    WHERE status IN ('paid', 'shipped', 'delivered')
),
user_totals AS (
    SELECT u.user_id,
           to_char(u.signup_date, 'YYYY-MM') AS cohort_month,
           count(r.user_id) AS orders,
           coalesce(sum(r.cents), 0)::bigint AS cents,
           coalesce(sum(CASE WHEN r.order_date - u.signup_date < interval '30 days'
                             THEN r.cents END), 0)::bigint AS cents_30d,
           coalesce(sum(CASE WHEN r.order_date - u.signup_date < interval '90 days'
                             THEN r.cents END), 0)::bigint AS cents_90d,
           coalesce(sum(CASE WHEN r.order_date - u.signup_date < interval '365 days'
                             THEN r.cents END), 0)::bigint AS cents_365d
    FROM users AS u
    LEFT JOIN revenue_orders AS r ON r.user_id = u.user_id
    GROUP BY u.user_id
),
cohorts AS (
    SELECT cohort_month,
           count(*) AS cohort_size,
           count(*) FILTER (WHERE orders > 0) AS buyers,
           count(*) FILTER (WHERE orders >= 2) AS repeat_buyers,
           sum(orders)::bigint AS orders,
           sum(cents)::bigint AS cents,
           sum(cents_30d)::bigint AS cents_30d,
           sum(cents_90d)::bigint AS cents_90d,
           sum(cents_365d)::bigint AS cents_365d,
           (to_date(cohort_month || '-01', 'YYYY-MM-DD') + interval '1 month' - interval '1 day')::date
               AS last_day
    FROM user_totals
    GROUP BY cohort_month
),
latest AS (
    SELECT coalesce((SELECT value::date FROM submission_meta WHERE kind = 'run' AND key = 'as_of'),
                    max(order_date)::date) AS latest_day
    FROM orders
),
final AS (
    SELECT c.cohort_month,
           c.cohort_size,
           c.buyers,
           c.orders,
           (c.cents / 100.0)::numeric(14, 2) AS revenue,
           CASE WHEN c.orders > 0
                THEN (((2 * c.cents + c.orders) / (2 * c.orders)) / 100.0)::numeric(14, 2)
           END AS avg_order_value,
           (((2 * c.cents + c.cohort_size) / (2 * c.cohort_size)) / 100.0)::numeric(14, 2) AS clv,
           CASE WHEN c.buyers > 0
                THEN (((20000 * c.repeat_buyers + c.buyers) / (2 * c.buyers)) / 10000.0)::numeric(6, 4)
           END AS repeat_rate,
           CASE WHEN c.last_day + 30 <= l.latest_day
                THEN (((2 * c.cents_30d + c.cohort_size) / (2 * c.cohort_size)) / 100.0)::numeric(14, 2)
           END AS clv_30d,
           CASE WHEN c.last_day + 90 <= l.latest_day
                THEN (((2 * c.cents_90d + c.cohort_size) / (2 * c.cohort_size)) / 100.0)::numeric(14, 2)
           END AS clv_90d,
           CASE WHEN c.last_day + 365 <= l.latest_day
                THEN (((2 * c.cents_365d + c.cohort_size) / (2 * c.cohort_size)) / 100.0)::numeric(14, 2)
           END AS clv_365d
    FROM cohorts AS c
    CROSS JOIN latest AS l
)
SELECT * FROM final ORDER BY cohort_month
