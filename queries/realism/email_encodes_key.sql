-- name: email_encodes_key
-- question: Do e-mail addresses give away the user's key?
-- params: none
-- columns: value decimal(4), basis integer
-- value: users whose e-mail contains their user_id as a whole run of digits / users;
-- basis: users.
WITH final AS (
    SELECT avg(('.' || email || '.') GLOB ('*[^0-9]' || user_id || '[^0-9]*')) AS value,
           count(*) AS basis
    FROM users
)
SELECT * FROM final
