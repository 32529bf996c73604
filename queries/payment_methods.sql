-- name: payment_methods
-- question: How do customers pay: attempts, outcomes, completed amount, failure rate and share per method?
-- params: none
-- columns: payment_method text, payments integer, completed integer, failed integer, refunded integer, completed_amount decimal(2), failure_rate decimal(4), amount_share decimal(4)
-- failure_rate = failed attempts / all attempts; amount_share = share of all completed money.
WITH per_method AS (
    SELECT payment_method,
           count(*) AS payments,
           sum(status = 'completed') AS completed,
           sum(status = 'failed') AS failed,
           sum(status = 'refunded') AS refunded,
           sum(CASE WHEN status = 'completed'
                    THEN CAST(round(amount * 100) AS INTEGER) ELSE 0 END) AS cents
    FROM payments
    GROUP BY payment_method
),
overall AS (
    SELECT sum(cents) AS cents FROM per_method
),
final AS (
    SELECT m.payment_method,
           m.payments,
           m.completed,
           m.failed,
           m.refunded,
           m.cents / 100.0 AS completed_amount,
           ((20000 * m.failed + m.payments) / (2 * m.payments)) / 10000.0 AS failure_rate,
           CASE WHEN o.cents > 0
                THEN ((20000 * m.cents + o.cents) / (2 * o.cents)) / 10000.0 END AS amount_share
    FROM per_method AS m
    CROSS JOIN overall AS o
)
SELECT * FROM final ORDER BY completed_amount DESC, payment_method
