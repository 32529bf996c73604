-- check: reviews_by_buyers
-- table: reviews
-- column: product_id
-- description: a review's author bought the product in a delivered order placed before the review
SELECT r.review_id,
       'user ' || r.user_id || ' has no delivered order of product ' || r.product_id
       || ' before ' || r.review_date AS detail
FROM reviews AS r
WHERE NOT EXISTS (
    SELECT 1
    FROM orders AS o
    JOIN order_items AS i ON i.order_id = o.order_id
    WHERE o.user_id = r.user_id
      AND o.order_date < r.review_date
      AND o.status = 'delivered'
      AND i.product_id = r.product_id
)
ORDER BY r.review_id
