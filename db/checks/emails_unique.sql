-- check: emails_unique
-- table: users
-- column: email
-- description: e-mail addresses are unique, ignoring letter case
WITH duplicated AS (
    SELECT lower(email) AS address FROM users GROUP BY lower(email) HAVING count(*) > 1
)
SELECT u.user_id, 'e-mail ' || u.email || ' is used by more than one user' AS detail
FROM users AS u
JOIN duplicated AS d ON d.address = lower(u.email)
ORDER BY u.user_id
