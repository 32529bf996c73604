-- name: promo_line_share
-- question: What share of order lines was sold below the product's list price?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: only orders whose order_id is a multiple of :every (1: all; see db/report/realism.py).
-- value: lines whose unit_price is below the product's price (in cents) / lines; basis: lines.
WITH final AS (
    SELECT avg(CAST(round(i.unit_price * 100) AS INTEGER)
               < CAST(round(p.price * 100) AS INTEGER)) AS value,
           count(*) AS basis
    FROM order_items AS i
    CROSS JOIN products AS p ON p.product_id = i.product_id
    WHERE i.order_id % :every = 0
)
SELECT * FROM final
