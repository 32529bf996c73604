-- name: top_products
-- question: Which products sell best, by revenue or by units?
-- params: limit integer 1..500 = 10, by choice revenue|units = revenue
-- columns: rank integer, product_id integer, name text, category text, units integer, revenue decimal(2)
-- :by is 'revenue' or 'units'; ties break on the other measure, then on product_id.
-- Only revenue orders (paid, shipped, delivered) count.
WITH sales AS (
    SELECT i.product_id,
           sum(i.quantity) AS units,
           sum(CAST(round(i.line_total * 100) AS INTEGER)) AS cents
    FROM order_items AS i NOT INDEXED  -- one pass in table order: the product index would cost a lookup per line
    JOIN orders AS o ON o.order_id = i.order_id
    WHERE o.status IN ('paid', 'shipped', 'delivered')
    GROUP BY i.product_id
),
ranked AS (
    SELECT row_number() OVER (
               ORDER BY CASE WHEN :by = 'units' THEN units ELSE cents END DESC,
                        CASE WHEN :by = 'units' THEN cents ELSE units END DESC,
                        product_id) AS rank,
           product_id, units, cents
    FROM sales
),
final AS (
    SELECT r.rank, r.product_id, p.name, c.name AS category, r.units, r.cents / 100.0 AS revenue
    FROM ranked AS r
    JOIN products AS p ON p.product_id = r.product_id
    JOIN categories AS c ON c.category_id = p.category_id
    WHERE r.rank <= :limit
)
SELECT * FROM final ORDER BY rank
