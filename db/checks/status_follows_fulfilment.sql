-- check: status_follows_fulfilment
-- table: orders
-- column: status
-- description: shipped_at and delivered_at are set exactly when the status says the order shipped or arrived, and order_date <= shipped_at <= delivered_at
SELECT order_id,
       printf('%s order with shipped_at %s and delivered_at %s', status,
              coalesce(shipped_at, 'NULL'), coalesce(delivered_at, 'NULL')) AS detail
FROM orders
WHERE (shipped_at IS NULL) <> (status IN ('pending', 'paid', 'cancelled'))
   OR (delivered_at IS NULL) <> (status IN ('pending', 'paid', 'shipped', 'cancelled'))
   OR shipped_at < order_date
   OR delivered_at < shipped_at
ORDER BY order_id
