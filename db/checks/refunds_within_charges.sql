-- check: refunds_within_charges
-- table: orders
-- column: total_amount
-- description: an order's refunds never exceed its completed charges
WITH money AS (
    SELECT order_id,
           sum(CASE WHEN status = 'completed'
                    THEN CAST(round(amount * 100) AS INTEGER) ELSE 0 END) AS charged,
           sum(CASE WHEN status = 'refunded'
                    THEN CAST(round(amount * 100) AS INTEGER) ELSE 0 END) AS refunded
    FROM payments
    GROUP BY order_id
    HAVING sum(status = 'refunded') > 0
),
final AS (
    SELECT order_id,
           printf('refunds of %.2f exceed completed charges of %.2f',
                  refunded / 100.0, charged / 100.0) AS detail
    FROM money
    WHERE refunded > charged
)
SELECT * FROM final ORDER BY order_id
