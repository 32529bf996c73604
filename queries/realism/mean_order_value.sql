-- name: mean_order_value
-- question: What is the mean total of an order that was not cancelled?
-- params: none
-- columns: value decimal(4), basis integer
-- value: mean total_amount of orders whose status is not 'cancelled' (exact cents summed);
-- basis: those orders.
WITH kept AS (
    SELECT CAST(round(total_amount * 100) AS INTEGER) AS cents
    FROM orders
    WHERE status <> 'cancelled'
),
final AS (
    SELECT CASE WHEN count(*) > 0 THEN sum(cents) / 100.0 / count(*) END AS value,
           count(*) AS basis
    FROM kept
)
SELECT * FROM final
