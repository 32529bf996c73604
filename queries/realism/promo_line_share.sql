-- name: promo_line_share
-- question: What share of order lines was sold below the product's list price?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: the orders whose order_id is a multiple of :every (1: all), reached by key, so the
-- cost follows the sample, not the table (db/report/realism.py chooses :every).
-- value: lines whose unit_price is below the product's price (in cents) / lines; basis: lines.
WITH RECURSIVE picks(order_id) AS (  -- every :every-th order key, up to the largest
    SELECT :every
    UNION ALL
    SELECT order_id + :every FROM picks WHERE order_id + :every <= (SELECT max(order_id) FROM orders)
),
final AS (
    SELECT avg(CAST(round(i.unit_price * 100) AS INTEGER)
               < CAST(round(p.price * 100) AS INTEGER)) AS value,
           count(*) AS basis
    FROM picks AS s
    CROSS JOIN order_items AS i ON i.order_id = s.order_id
    CROSS JOIN products AS p ON p.product_id = i.product_id
)
SELECT * FROM final
