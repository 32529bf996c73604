-- name: orders_over_500
-- question: What share of orders totals more than 500?
-- params: none
-- columns: value decimal(4), basis integer
-- value: orders with total_amount > 500.00 / all orders; basis: all orders.
WITH final AS (
    SELECT avg(CAST(round(total_amount * 100) AS INTEGER) > 50000) AS value, count(*) AS basis
    FROM orders
)
SELECT * FROM final
