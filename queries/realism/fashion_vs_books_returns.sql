-- name: fashion_vs_books_returns
-- question: How much more often are fashion lines returned than books?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: only orders whose order_id is a multiple of :every (1: all; see db/report/realism.py).
-- Over the lines of orders with status 'delivered' or 'refunded': a line is returned when its
-- order is refunded whole, or a refunded payments row of its order carries exactly its
-- line_total (one row per refunded line). value: the return rate of lines in the top-level
-- category 'Fashion' / that in 'Books & Media'; basis: lines in those two categories.
WITH refunded_lines AS (
    SELECT DISTINCT order_id, CAST(round(amount * 100) AS INTEGER) AS cents
    FROM payments
    WHERE status = 'refunded'
),
tops AS (
    SELECT leaf.category_id, coalesce(top.name, leaf.name) AS top_name
    FROM categories AS leaf
    LEFT JOIN categories AS top ON top.category_id = leaf.parent_id
),
lines AS (
    SELECT t.top_name,
           o.status = 'refunded' OR r.order_id IS NOT NULL AS returned
    FROM order_items AS i  -- CROSS JOIN: the lines, sampled first, drive the lookups
    CROSS JOIN orders AS o ON o.order_id = i.order_id
    CROSS JOIN products AS p ON p.product_id = i.product_id
    CROSS JOIN tops AS t ON t.category_id = p.category_id
    LEFT JOIN refunded_lines AS r
           ON r.order_id = i.order_id AND r.cents = CAST(round(i.line_total * 100) AS INTEGER)
    WHERE i.order_id % :every = 0 AND o.status IN ('delivered', 'refunded')
      AND t.top_name IN ('Fashion', 'Books & Media')
),
rates AS (
    SELECT avg(CASE WHEN top_name = 'Fashion' THEN returned END) AS fashion,
           avg(CASE WHEN top_name = 'Books & Media' THEN returned END) AS books,
           count(*) AS lines
    FROM lines
),
final AS (
    SELECT CASE WHEN books > 0 THEN fashion / books END AS value, lines AS basis FROM rates
)
SELECT * FROM final
