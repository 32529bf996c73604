-- name: late_one_star_share
-- question: What share of the reviews of orders delivered late (more than 7 days after the order) gives 1 star?
-- params: none
-- columns: value decimal(4), basis integer
-- A review belongs to the latest order of its user that contains its product and was
-- delivered by the review's date; an order is late when delivered_at is more than 7 days
-- after order_date (the generator's late_delivery_days). value: 1-star share of those
-- reviews; basis: those reviews.
WITH matched AS (
    SELECT r.review_id, r.rating,
           julianday(o.delivered_at) - julianday(o.order_date) > 7 AS late,
           row_number() OVER (PARTITION BY r.review_id
                              ORDER BY o.delivered_at DESC, o.order_id DESC) AS latest
    FROM reviews AS r  -- CROSS JOIN keeps reviews, the smallest, as the outer loop
    CROSS JOIN orders AS o ON o.user_id = r.user_id
    CROSS JOIN order_items AS i ON i.order_id = o.order_id AND +i.product_id = r.product_id
    WHERE o.delivered_at IS NOT NULL AND o.delivered_at <= r.review_date
),
final AS (
    SELECT avg(rating = 1) AS value, count(*) AS basis
    FROM matched
    WHERE latest = 1 AND late
)
SELECT * FROM final
