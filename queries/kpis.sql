-- name: kpis
-- question: What are the shop's headline figures: revenue, orders, customers, average order value, repeat-purchase rate?
-- params: none
-- columns: revenue decimal(2), orders integer, customers integer, avg_order_value decimal(2), repeat_purchase_rate decimal(4), all_orders integer, users integer
-- Revenue orders are paid, shipped or delivered; customers are users with at least one;
-- the repeat-purchase rate is the share of customers with two or more.
WITH revenue_orders AS (
    SELECT user_id, CAST(round(total_amount * 100) AS INTEGER) AS cents
    FROM orders
    WHERE status IN ('paid', 'shipped', 'delivered')
),
per_customer AS (
    SELECT user_id, count(*) AS orders FROM revenue_orders GROUP BY user_id
),
totals AS (
    SELECT (SELECT coalesce(sum(cents), 0) FROM revenue_orders) AS cents,
           (SELECT count(*) FROM revenue_orders) AS orders,
           (SELECT count(*) FROM per_customer) AS customers,
           (SELECT count(*) FROM per_customer WHERE orders >= 2) AS repeaters,
           (SELECT count(*) FROM orders) AS all_orders,
           (SELECT count(*) FROM users) AS users
),
final AS (
    SELECT cents / 100.0 AS revenue,
           orders,
           customers,
           CASE WHEN orders > 0 THEN ((2 * cents + orders) / (2 * orders)) / 100.0 END AS avg_order_value,
           CASE WHEN customers > 0
                THEN ((20000 * repeaters + customers) / (2 * customers)) / 10000.0 END AS repeat_purchase_rate,
           all_orders,
           users
    FROM totals
)
SELECT * FROM final
