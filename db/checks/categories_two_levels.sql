-- check: categories_two_levels
-- table: categories
-- column: parent_id
-- description: the category hierarchy has two levels: a parent is always a top-level category
SELECT c.category_id, 'parent ' || c.parent_id || ' is itself a subcategory' AS detail
FROM categories AS c
JOIN categories AS parent ON parent.category_id = c.parent_id
WHERE parent.parent_id IS NOT NULL
ORDER BY c.category_id
