-- check: line_totals
-- table: order_items
-- column: line_total
-- description: every line total equals quantity x unit price, to the cent
SELECT order_item_id,
       printf('%d x %.2f = %.2f, but line_total is %.2f', quantity, unit_price,
              quantity * CAST(round(unit_price * 100) AS INTEGER) / 100.0, line_total) AS detail
FROM order_items
WHERE CAST(round(line_total * 100) AS INTEGER)
      <> quantity * CAST(round(unit_price * 100) AS INTEGER)
ORDER BY order_item_id
