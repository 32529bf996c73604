-- name: product_rating_dispersion
-- question: Do products differ in rating more than chance allows?
-- params: none
-- columns: value decimal(4), basis integer
-- Over products with at least 5 reviews: the sample variance of their mean ratings divided
-- by the variance chance alone gives them (the pooled rating variance over each product's
-- review count, averaged). About 1 when every product draws from the same ratings; above 1
-- when products differ in quality. basis: those products.
WITH per_product AS (
    SELECT product_id, count(*) AS n, sum(rating) AS total, sum(rating * rating) AS squares
    FROM reviews NOT INDEXED  -- one pass in table order, not a lookup per review
    GROUP BY product_id
    HAVING count(*) >= 5
),
pooled AS (
    SELECT count(*) AS products, sum(n) AS reviews,
           (sum(squares) - sum(total) * 1.0 * sum(total) / sum(n)) / sum(n) AS variance,
           avg(total * 1.0 / n) AS grand_mean, avg(1.0 / n) AS mean_inverse_n
    FROM per_product
),
spread AS (
    SELECT sum((total * 1.0 / n - grand_mean) * (total * 1.0 / n - grand_mean))
               / (products - 1) AS observed
    FROM per_product, pooled
),
final AS (
    SELECT CASE WHEN products > 1 AND variance > 0
                THEN observed / (variance * mean_inverse_n) END AS value,
           products AS basis
    FROM pooled, spread
)
SELECT * FROM final
