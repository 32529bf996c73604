-- name: utc_peak_hour_spread
-- question: Do the busiest hours (in UTC) differ between countries, as time zones do?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: the orders whose order_id is a multiple of :every (1: all), reached by key, so the
-- cost follows the sample, not the table (db/report/realism.py chooses :every).
-- The five countries with the most orders (ties by name); each one's peak hour is the UTC
-- hour of order_date with the most orders (ties to the earlier hour). value: the number of
-- distinct peak hours; basis: countries compared.
WITH RECURSIVE picks(order_id) AS (  -- every :every-th order key, up to the largest
    SELECT :every
    UNION ALL
    SELECT order_id + :every FROM picks WHERE order_id + :every <= (SELECT max(order_id) FROM orders)
),
per_hour AS (
    SELECT u.country, CAST(strftime('%H', o.order_date) AS INTEGER) AS hour, count(*) AS orders
    FROM picks AS s
    CROSS JOIN orders AS o ON o.order_id = s.order_id
    CROSS JOIN users AS u ON u.user_id = o.user_id
    GROUP BY u.country, hour
),
top_countries AS (
    SELECT country FROM per_hour GROUP BY country ORDER BY sum(orders) DESC, country LIMIT 5
),
peaks AS (
    SELECT h.country, h.hour,
           row_number() OVER (PARTITION BY h.country ORDER BY h.orders DESC, h.hour) AS k
    FROM per_hour AS h
    JOIN top_countries AS t ON t.country = h.country
),
final AS (
    SELECT count(DISTINCT hour) AS value, count(*) AS basis FROM peaks WHERE k = 1
)
SELECT * FROM final
