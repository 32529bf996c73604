-- name: black_friday_ratio
-- question: How many times a normal November day's orders does Black Friday bring?
-- params: none
-- columns: value decimal(4), basis integer
-- Days are UTC calendar days of order_date, from the first to the last order (a day without
-- orders counts 0). For each year whose November lies wholly inside: orders on Black Friday
-- (the day after the fourth Thursday) / the median November day. value: the smallest ratio
-- over those years; basis: those years.
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
    WHERE substr(day, 6, 2) = '11'
),
medians AS (
    SELECT year, avg(orders) AS median
    FROM month_days
    WHERE n = 30 AND k IN ((n + 1) / 2, (n + 2) / 2)
    GROUP BY year
),
ratios AS (
    SELECT d.orders / m.median AS ratio
    FROM medians AS m
    JOIN daily AS d ON d.day = date(m.year || '-11-01', 'weekday 4', '+22 days')
),
final AS (
    SELECT min(ratio) AS value, count(*) AS basis FROM ratios
)
SELECT * FROM final
