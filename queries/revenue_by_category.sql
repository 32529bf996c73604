-- name: revenue_by_category
-- question: Which categories, leaf and top-level, bring the revenue?
-- params: none
-- columns: top_category_id integer, top_category text, category_id integer, category text, units integer, revenue decimal(2), revenue_share decimal(4)
-- One row per leaf category plus a rollup row per top-level category.
-- Rollup rows have category_id and category NULL. Revenue is the line totals of revenue
-- orders (paid, shipped, delivered); the share is of all such revenue. Lines are read
-- once in table order and grouped by product (a product lookup per product, not per
-- line: 1.4x faster at scale 100); the rollups are built from the 20 leaf rows.
WITH product_sales AS (
    SELECT i.product_id,
           sum(i.quantity) AS units,
           sum(CAST(round(i.line_total * 100) AS INTEGER)) AS cents
    FROM order_items AS i NOT INDEXED  -- in table order, as top_products
    JOIN orders AS o ON o.order_id = i.order_id
    WHERE o.status IN ('paid', 'shipped', 'delivered')
    GROUP BY i.product_id
),
leaf_sales AS (
    SELECT p.category_id, sum(s.units) AS units, sum(s.cents) AS cents
    FROM product_sales AS s
    JOIN products AS p ON p.product_id = s.product_id
    GROUP BY p.category_id
),
leaves AS (
    SELECT coalesce(c.parent_id, c.category_id) AS top_category_id, s.category_id, s.units, s.cents
    FROM leaf_sales AS s
    JOIN categories AS c ON c.category_id = s.category_id
),
tops AS (
    SELECT top_category_id, sum(units) AS units, sum(cents) AS cents
    FROM leaves
    GROUP BY top_category_id
),
grouped AS (
    SELECT top_category_id, category_id, units, cents FROM leaves
    UNION ALL
    SELECT top_category_id, NULL, units, cents FROM tops
),
overall AS (
    SELECT sum(cents) AS cents FROM tops
),
final AS (
    SELECT g.top_category_id,
           top.name AS top_category,
           g.category_id,
           leaf.name AS category,
           g.units,
           g.cents / 100.0 AS revenue,
           ((20000 * g.cents + o.cents) / (2 * o.cents)) / 10000.0 AS revenue_share,
           t.cents AS top_cents
    FROM grouped AS g
    JOIN tops AS t ON t.top_category_id = g.top_category_id
    CROSS JOIN overall AS o
    JOIN categories AS top ON top.category_id = g.top_category_id
    LEFT JOIN categories AS leaf ON leaf.category_id = g.category_id
)
SELECT top_category_id, top_category, category_id, category, units, revenue, revenue_share
FROM final
ORDER BY top_cents DESC, top_category_id, category_id IS NOT NULL, revenue DESC, category_id
