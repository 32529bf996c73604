-- name: duplicate_product_names
-- question: What share of products shares its name with another product?
-- params: none
-- columns: value decimal(4), basis integer
-- value: products whose name appears more than once / products; basis: products.
WITH names AS (
    SELECT name, count(*) AS n FROM products GROUP BY name
),
final AS (
    SELECT sum(CASE WHEN n > 1 THEN n ELSE 0 END) * 1.0 / sum(n) AS value,
           coalesce(sum(n), 0) AS basis
    FROM names
)
SELECT * FROM final
