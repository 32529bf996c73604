-- name: revenue_by_category
-- question: Which categories, leaf and top-level, bring the revenue?
-- params: none
-- columns: top_category_id integer, top_category text, category_id integer, category text, units integer, revenue decimal(2), revenue_share decimal(4)
-- One row per leaf category plus a rollup row per top-level category.
-- Rollup rows have category_id and category NULL. Revenue is the line totals of revenue
-- orders (paid, shipped, delivered); the share is of all such revenue.
WITH lines AS (
    SELECT coalesce(c.parent_id, c.category_id) AS top_category_id,
           c.category_id,
           i.quantity,
           CAST(round(i.line_total * 100) AS INTEGER) AS cents
    FROM order_items AS i
    JOIN orders AS o ON o.order_id = i.order_id
    JOIN products AS p ON p.product_id = i.product_id
    JOIN categories AS c ON c.category_id = p.category_id
    WHERE o.status IN ('paid', 'shipped', 'delivered')
),
grouped AS (
    SELECT top_category_id, category_id, sum(quantity) AS units, sum(cents) AS cents
    FROM lines GROUP BY top_category_id, category_id
    UNION ALL
    SELECT top_category_id, NULL, sum(quantity), sum(cents)
    FROM lines GROUP BY top_category_id
),
overall AS (
    SELECT sum(cents) AS cents FROM lines
),
final AS (
    SELECT g.top_category_id,
           top.name AS top_category,
           g.category_id,
           leaf.name AS category,
           g.units,
           g.cents / 100.0 AS revenue,
           ((20000 * g.cents + o.cents) / (2 * o.cents)) / 10000.0 AS revenue_share
    FROM grouped AS g
    CROSS JOIN overall AS o
    JOIN categories AS top ON top.category_id = g.top_category_id
    LEFT JOIN categories AS leaf ON leaf.category_id = g.category_id
)
SELECT * FROM final
ORDER BY (SELECT sum(cents) FROM lines WHERE lines.top_category_id = final.top_category_id) DESC,
         top_category_id, category_id IS NOT NULL, revenue DESC, category_id
