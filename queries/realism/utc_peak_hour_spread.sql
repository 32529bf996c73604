-- name: utc_peak_hour_spread
-- question: Do the busiest hours (in UTC) differ between countries, as time zones do?
-- params: every integer 1..1000000 = 1
-- columns: value decimal(4), basis integer
-- Sampled: only orders whose order_id is a multiple of :every (1: all; see db/report/realism.py).
-- The five countries with the most orders (ties by name); each one's peak hour is the UTC
-- hour of order_date with the most orders (ties to the earlier hour). value: the number of
-- distinct peak hours; basis: countries compared.
WITH per_hour AS (
    SELECT u.country, CAST(strftime('%H', o.order_date) AS INTEGER) AS hour, count(*) AS orders
    FROM orders AS o
    CROSS JOIN users AS u ON u.user_id = o.user_id
    WHERE o.order_id % :every = 0
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
