-- Candidate covering indexes for the library queries (issue 17), one per statement.
-- bench/query_plans.py times every query on a copy of the database with each of them
-- (and with all of them at once) against the kit's own schema, and reports the ratio.
-- An index that pays for a query belongs in db/schema.sql only once it is also measured
-- against the ingest's cost and every other plan (design_notes.md). A candidate whose key
-- is already a schema index is skipped (cand_orders_date_cover became idx_orders_date).
CREATE INDEX cand_orders_user_cover ON orders (user_id, status, order_date, total_amount);
CREATE INDEX cand_orders_status_cover ON orders (status, order_date, total_amount, user_id);
CREATE INDEX cand_orders_date_cover ON orders (order_date, order_id, status, total_amount, user_id);
CREATE INDEX cand_items_order_cover ON order_items (order_id, product_id, quantity, line_total);
CREATE INDEX cand_items_product_cover ON order_items (product_id, order_id, quantity, line_total);
CREATE INDEX cand_payments_order_cover ON payments (order_id, status, payment_method, amount);
