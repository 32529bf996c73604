-- name: demand_price_corr
-- question: Does demand fall with price (Spearman rank correlation over products)?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: the products whose product_id is a multiple of :every (1: all), reached by key,
-- each with all its lines, so the cost follows the sample (db/report/realism.py chooses :every).
-- value: Spearman's rho between a product's list price and the units sold of it (ties get
-- their mean rank; unsold products count with 0 units); basis: products.
-- The square root is taken by Newton's method so no SQLite math extension is needed.
WITH RECURSIVE picks(product_id) AS (  -- every :every-th product key, up to the largest
    SELECT :every
    UNION ALL
    SELECT product_id + :every FROM picks
    WHERE product_id + :every <= (SELECT max(product_id) FROM products)
),
per_product AS (
    SELECT CAST(round(p.price * 100) AS INTEGER) AS cents,
           coalesce((SELECT sum(i.quantity) FROM order_items AS i
                     WHERE i.product_id = p.product_id), 0) AS units
    FROM picks AS s
    CROSS JOIN products AS p ON p.product_id = s.product_id
),
ranked AS (
    SELECT rank() OVER (ORDER BY cents) + (count(*) OVER (PARTITION BY cents) - 1) / 2.0 AS rx,
           rank() OVER (ORDER BY units) + (count(*) OVER (PARTITION BY units) - 1) / 2.0 AS ry
    FROM per_product
),
means AS (
    SELECT avg(rx) AS mx, avg(ry) AS my, count(*) AS n FROM ranked
),
moments AS (
    SELECT sum((rx - mx) * (ry - my)) AS sxy, sum((rx - mx) * (rx - mx)) AS sxx,
           sum((ry - my) * (ry - my)) AS syy, n
    FROM ranked, means
),
squared AS (  -- rho squared, in [0, 1]; NULL when either variable is constant
    SELECT sxy, n, CASE WHEN sxx > 0 AND syy > 0 THEN sxy * sxy / sxx / syy END AS r2
    FROM moments
),
root(step, x) AS (
    SELECT 0, 1.0 FROM squared WHERE r2 IS NOT NULL
    UNION ALL
    SELECT step + 1, CASE WHEN x > 0 THEN (x + r2 / x) / 2 ELSE 0 END
    FROM root, squared
    WHERE step < 80
),
final AS (
    SELECT CASE WHEN sxy < 0 THEN -1 ELSE 1 END
               * (SELECT x FROM root WHERE step = 80) AS value,
           n AS basis
    FROM squared
)
SELECT * FROM final
