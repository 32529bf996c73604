-- name: fashion_vs_books_returns
-- question: How much more often are fashion lines returned than books?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: the orders whose order_id is a multiple of :every (1: all), reached by key, so the
-- cost follows the sample, not the table (db/report/realism.py chooses :every).
-- Over the lines of orders with status 'delivered' or 'refunded': a line is returned when its
-- order is refunded whole, or a refunded payments row of its order carries exactly its
-- line_total (one row per refunded line). value: the return rate of lines in the top-level
-- category 'Fashion' / that in 'Books & Media'; basis: lines in those two categories.
WITH RECURSIVE picks(order_id) AS (  -- every :every-th order key, up to the largest
    SELECT :every
    UNION ALL
    SELECT order_id + :every FROM picks WHERE order_id + :every <= (SELECT max(order_id) FROM orders)
),
tops AS (
    SELECT leaf.category_id, coalesce(top.name, leaf.name) AS top_name
    FROM categories AS leaf
    LEFT JOIN categories AS top ON top.category_id = leaf.parent_id
),
lines AS (
    SELECT t.top_name,
           o.status = 'refunded' OR EXISTS (
               SELECT 1 FROM payments AS r
               WHERE r.order_id = i.order_id AND r.status = 'refunded'
                 AND CAST(round(r.amount * 100) AS INTEGER)
                     = CAST(round(i.line_total * 100) AS INTEGER)) AS returned
    FROM picks AS s  -- CROSS JOIN: the sampled orders drive every lookup
    CROSS JOIN orders AS o ON o.order_id = s.order_id
    CROSS JOIN order_items AS i ON i.order_id = o.order_id
    CROSS JOIN products AS p ON p.product_id = i.product_id
    CROSS JOIN tops AS t ON t.category_id = p.category_id
    WHERE o.status IN ('delivered', 'refunded') AND t.top_name IN ('Fashion', 'Books & Media')
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
