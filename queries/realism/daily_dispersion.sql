-- name: daily_dispersion
-- question: Do daily order counts vary more than a Poisson process would?
-- params: none
-- columns: value decimal(4), basis integer
-- Each UTC day's orders against its expectation: the 7-day centred mean times the day of
-- week's factor (that weekday's orders over its centred means). Ordinary days only: not
-- within 3 days of the window's ends, nor between 12 November and 13 January (the season).
-- value: the sum of squared deviations / the sum of expectations, times 7/6 (a day is a
-- seventh of its own centred mean, which removes a seventh of Poisson variance twice over
-- and adds it back once); 1 for Poisson counts, above 1 when over-dispersed. basis: days used.
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
smoothed AS (
    SELECT day, orders,
           avg(orders) OVER (ORDER BY day ROWS BETWEEN 3 PRECEDING AND 3 FOLLOWING) AS level,
           row_number() OVER (ORDER BY day) AS i, count(*) OVER () AS n
    FROM daily
),
ordinary AS (
    SELECT day, orders, level, strftime('%w', day) AS weekday
    FROM smoothed
    WHERE i > 3 AND i <= n - 3 AND level > 0 AND substr(day, 6, 5) BETWEEN '01-14' AND '11-11'
),
weekdays AS (
    SELECT weekday, sum(orders) / sum(level) AS factor FROM ordinary GROUP BY weekday
),
final AS (
    SELECT sum((o.orders - o.level * w.factor) * (o.orders - o.level * w.factor))
               / sum(o.level * w.factor) * 7.0 / 6 AS value,
           count(*) AS basis
    FROM ordinary AS o
    JOIN weekdays AS w ON w.weekday = o.weekday
)
SELECT * FROM final
