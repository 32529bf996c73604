-- name: order_status_counts
-- question: How many orders are in each fulfilment state, what are they worth, and what share of all orders is each?
-- params: none
-- columns: status text, orders integer, total_amount decimal(2), order_share decimal(4)
-- Every order counts, whatever its state; a state no order is in is absent.
-- order_share = orders in the state / all orders, rounded half-up in integer arithmetic.
WITH order_cents AS (
    SELECT status, CAST(round(total_amount * 100) AS INTEGER) AS cents
    FROM orders
),
per_status AS (
    SELECT status, count(*) AS orders, sum(cents) AS cents FROM order_cents GROUP BY status
),
overall AS (
    SELECT count(*) AS orders FROM order_cents
),
final AS (
    SELECT s.status,
           s.orders,
           s.cents / 100.0 AS total_amount,
           ((20000 * s.orders + o.orders) / (2 * o.orders)) / 10000.0 AS order_share
    FROM per_status AS s
    CROSS JOIN overall AS o
)
SELECT * FROM final ORDER BY orders DESC, status
