-- check: order_totals
-- table: orders
-- column: total_amount
-- description: every order total equals the sum of its line totals, to the cent
WITH lines AS (
    SELECT order_id, sum(CAST(round(line_total * 100) AS INTEGER)) AS cents
    FROM order_items
    GROUP BY order_id
)
SELECT o.order_id,
       printf('total_amount is %.2f but the lines sum to %.2f',
              o.total_amount, coalesce(l.cents, 0) / 100.0) AS detail
FROM orders AS o
LEFT JOIN lines AS l ON l.order_id = o.order_id
WHERE CAST(round(o.total_amount * 100) AS INTEGER) <> coalesce(l.cents, 0)
ORDER BY o.order_id
