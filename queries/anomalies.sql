-- name: anomalies
-- question: Which orders look like fraud: bursts, outsized orders, card testing, big orders from brand-new accounts, bulk buys?
-- params: none
-- columns: order_id integer, user_id integer, pattern text, detail text
-- One row per (order, rule) that fires; an order may match several rules.
--   order_burst            4+ orders by the same user within 15 minutes of each other
--   high_value             at least 5,000 and 10x the average of the user's 2+ other orders
--   payment_retry          3+ failed payment attempts before a completed one
--   new_account_big_order  at least 2,500, placed within 3 hours of the user's signup
--   bulk_quantity          8+ units of one item priced at least 100
-- The thresholds sit far outside normal behaviour (see design_notes.md, "Planted anomalies").
WITH order_cents AS (
    SELECT order_id, user_id, order_date, CAST(round(total_amount * 100) AS INTEGER) AS cents
    FROM orders
),
burst AS (
    SELECT o.order_id, o.user_id, 'order_burst' AS pattern,
           count(*) || ' orders by the user within 15 minutes' AS detail
    FROM orders AS o
    JOIN orders AS near
      ON near.user_id = o.user_id
     AND near.order_date BETWEEN datetime(o.order_date, '-15 minutes')
                             AND datetime(o.order_date, '+15 minutes')
    GROUP BY o.order_id
    HAVING count(*) >= 4
),
history AS (
    SELECT user_id, count(*) AS orders, sum(cents) AS cents FROM order_cents GROUP BY user_id
),
high_value AS (
    SELECT o.order_id, o.user_id, 'high_value' AS pattern,
           printf('%.2f against an average of %.2f over %d other orders', o.cents / 100.0,
                  (h.cents - o.cents) / 100.0 / (h.orders - 1), h.orders - 1) AS detail
    FROM order_cents AS o
    JOIN history AS h ON h.user_id = o.user_id
    WHERE h.orders >= 3
      AND o.cents >= 500000
      AND o.cents * (h.orders - 1) >= 10 * (h.cents - o.cents)
),
payment_retry AS (
    SELECT p.order_id, o.user_id, 'payment_retry' AS pattern,
           sum(p.status = 'failed') || ' failed attempts before a completed payment' AS detail
    FROM payments AS p
    JOIN orders AS o ON o.order_id = p.order_id
    GROUP BY p.order_id
    HAVING sum(p.status = 'failed') >= 3 AND sum(p.status = 'completed') >= 1
),
new_account AS (
    SELECT o.order_id, o.user_id, 'new_account_big_order' AS pattern,
           printf('%.2f ordered %d minutes after signup', o.cents / 100.0,
                  CAST((julianday(o.order_date) - julianday(u.signup_date)) * 1440 AS INTEGER)) AS detail
    FROM order_cents AS o
    JOIN users AS u ON u.user_id = o.user_id
    WHERE julianday(o.order_date) - julianday(u.signup_date) < 3.0 / 24
      AND o.cents >= 250000
),
bulk AS (
    SELECT i.order_id, o.user_id, 'bulk_quantity' AS pattern,
           max(i.quantity) || ' units of product ' || i.product_id AS detail
    FROM order_items AS i
    JOIN orders AS o ON o.order_id = i.order_id
    WHERE i.quantity >= 8 AND i.unit_price >= 100
    GROUP BY i.order_id
),
final AS (
    SELECT * FROM burst
    UNION ALL SELECT * FROM high_value
    UNION ALL SELECT * FROM payment_retry
    UNION ALL SELECT * FROM new_account
    UNION ALL SELECT * FROM bulk
)
SELECT * FROM final ORDER BY order_id, pattern
