-- name: distinct_name_share
-- question: How varied are the users' full names?
-- params: none
-- columns: value decimal(4), basis integer
-- value: distinct (first_name, last_name) pairs / users; basis: users.
WITH names AS (
    SELECT first_name, last_name FROM users GROUP BY first_name, last_name
),
final AS (
    SELECT CASE WHEN (SELECT count(*) FROM users) > 0
                THEN (SELECT count(*) FROM names) * 1.0 / (SELECT count(*) FROM users) END AS value,
           (SELECT count(*) FROM users) AS basis
)
SELECT * FROM final
