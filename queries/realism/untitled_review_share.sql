-- name: untitled_review_share
-- question: What share of reviews has no title?
-- params: none
-- columns: value decimal(4), basis integer
-- value: reviews whose title is NULL / reviews; basis: reviews.
WITH final AS (
    SELECT avg(title IS NULL) AS value, count(*) AS basis FROM reviews
)
SELECT * FROM final
