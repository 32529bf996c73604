-- name: repeat_after_first
-- question: What share of first-time buyers orders again within a year?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: only users whose user_id is a multiple of :every (1: all; see db/report/realism.py).
-- Orders that were not cancelled; a buyer's first and second order by order_date. Buyers whose
-- first order is at least 12 months before the last order of the data, so a full year is
-- seen. value: those with a second order within 12 months of the first / those buyers;
-- basis: those buyers.
WITH numbered AS (
    SELECT user_id, order_date,
           row_number() OVER (PARTITION BY user_id ORDER BY order_date, order_id) AS k
    FROM orders
    WHERE user_id % :every = 0 AND status <> 'cancelled'
),
buyers AS (
    SELECT user_id, max(CASE WHEN k = 1 THEN order_date END) AS first_order,
           max(CASE WHEN k = 2 THEN order_date END) AS second_order
    FROM numbered
    WHERE k <= 2
    GROUP BY user_id
),
cutoff AS (
    SELECT datetime(max(order_date), '-12 months') AS last_first FROM orders
),
final AS (
    SELECT avg(second_order IS NOT NULL
               AND second_order <= datetime(first_order, '+12 months')) AS value,
           count(*) AS basis
    FROM buyers, cutoff
    WHERE first_order <= last_first
)
SELECT * FROM final
