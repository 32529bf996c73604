-- check: order_totals
-- table: orders
-- column: total_amount
-- description: every order total equals the sum of its line totals, to the cent
-- One pass over orders in key order, each order's lines found through idx_order_items_order
-- (grouping by the key needs no sort; a materialised per-order sum needed a temporary index).
WITH totals AS (
    SELECT o.order_id,
           o.total_amount,
           coalesce(sum(CAST(round(i.line_total * 100) AS INTEGER)), 0) AS cents
    FROM orders AS o
    LEFT JOIN order_items AS i ON i.order_id = o.order_id
    GROUP BY o.order_id
),
final AS (
    SELECT order_id,
           printf('total_amount is %.2f but the lines sum to %.2f',
                  total_amount, cents / 100.0) AS detail
    FROM totals
    WHERE CAST(round(total_amount * 100) AS INTEGER) <> cents
)
SELECT * FROM final ORDER BY order_id
