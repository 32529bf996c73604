-- check: products_in_leaf_categories
-- table: products
-- column: category_id
-- description: every product belongs to a leaf category (one with no subcategories)
SELECT p.product_id, 'category ' || p.category_id || ' has subcategories' AS detail
FROM products AS p
WHERE EXISTS (SELECT 1 FROM categories AS c WHERE c.parent_id = p.category_id)
ORDER BY p.product_id
