-- name: top_customers
-- question: Who are the best customers by total spend, and what share of revenue is theirs?
-- params: limit integer 1..500 = 10
-- columns: rank integer, user_id integer, name text, country text, orders integer, revenue decimal(2), revenue_share decimal(4)
-- Revenue orders are paid, shipped or delivered; ties break on user_id.
WITH revenue_orders AS (
    SELECT user_id, CAST(round(total_amount * 100) AS INTEGER) AS cents
    FROM orders
    WHERE status IN ('paid', 'shipped', 'delivered')
),
per_user AS (
    SELECT user_id, count(*) AS orders, sum(cents) AS cents FROM revenue_orders GROUP BY user_id
),
overall AS (
    SELECT sum(cents) AS cents FROM revenue_orders
),
ranked AS (
    SELECT row_number() OVER (ORDER BY cents DESC, user_id) AS rank, user_id, orders, cents
    FROM per_user
),
final AS (
    SELECT r.rank, r.user_id, u.first_name || ' ' || u.last_name AS name, u.country, r.orders,
           r.cents / 100.0 AS revenue,
           ((20000 * r.cents + o.cents) / (2 * o.cents)) / 10000.0 AS revenue_share
    FROM ranked AS r
    JOIN users AS u ON u.user_id = r.user_id
    CROSS JOIN overall AS o
    WHERE r.rank <= :limit
)
SELECT * FROM final ORDER BY rank
