-- name: christmas_ratio
-- question: How do orders on Christmas Day compare with a normal December day?
-- params: none
-- columns: value decimal(4), basis integer
-- Days are UTC calendar days of order_date, from the first to the last order (a day without
-- orders counts 0). For each year whose December lies wholly inside: orders on 25 December
-- / the median December day. value: the largest ratio over those years (the weakest dip);
-- basis: those years.
WITH RECURSIVE bounds AS (
    SELECT date(min(order_date)) AS first_day, date(max(order_date)) AS last_day FROM orders
),
days(day) AS (
    SELECT first_day FROM bounds WHERE first_day IS NOT NULL
    UNION ALL
    SELECT date(day, '+1 day') FROM days, bounds WHERE day < last_day
),
counts AS (
    SELECT substr(order_date, 1, 10) AS day, count(*) AS orders  -- the stored text's date part
    FROM orders
    GROUP BY substr(order_date, 1, 10)
),
daily AS (
    SELECT d.day, coalesce(c.orders, 0) AS orders
    FROM days AS d
    LEFT JOIN counts AS c ON c.day = d.day
),
month_days AS (
    SELECT substr(day, 1, 4) AS year, orders,
           row_number() OVER (PARTITION BY substr(day, 1, 4) ORDER BY orders) AS k,
           count(*) OVER (PARTITION BY substr(day, 1, 4)) AS n
    FROM daily
    WHERE substr(day, 6, 2) = '12'
),
medians AS (
    SELECT year, avg(orders) AS median
    FROM month_days
    WHERE n = 31 AND k IN ((n + 1) / 2, (n + 2) / 2)
    GROUP BY year
),
ratios AS (
    SELECT d.orders / m.median AS ratio
    FROM medians AS m
    JOIN daily AS d ON d.day = m.year || '-12-25'
),
final AS (
    SELECT max(ratio) AS value, count(*) AS basis FROM ratios
)
SELECT * FROM final
