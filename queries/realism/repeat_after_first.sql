-- name: repeat_after_first
-- question: What share of first-time buyers orders again within a year?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: the users whose user_id is a multiple of :every (1: all), reached by key, so the
-- cost follows the sample, not the table (db/report/realism.py chooses :every).
-- Orders that were not cancelled; a buyer's first and second order by order_date. Buyers whose
-- first order is at least 12 months before the last order of the data, so a full year is
-- seen. value: those with a second order within 12 months of the first / those buyers;
-- basis: those buyers.
WITH RECURSIVE picks(user_id) AS (  -- every :every-th user key, up to the largest
    SELECT :every
    UNION ALL
    SELECT user_id + :every FROM picks WHERE user_id + :every <= (SELECT max(user_id) FROM users)
),
numbered AS (
    SELECT o.user_id, o.order_date,
           row_number() OVER (PARTITION BY o.user_id ORDER BY o.order_date, o.order_id) AS k
    FROM picks AS s
    CROSS JOIN orders AS o ON o.user_id = s.user_id
    WHERE o.status <> 'cancelled'
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
