-- ecommerce-kit schema: the only definition of tables, columns, types and constraints.
-- The ingester reads it back from SQLite (PRAGMA table_info / foreign_key_list);
-- nothing in Python repeats it. Comment conventions, read by the docs generator:
--   "-- table: <purpose>" directly above a CREATE TABLE, "-- <description>" after a column.
-- Declared types drive CSV conversion: INTEGER, TEXT, DECIMAL(p,s) (exact, s decimals),
-- TIMESTAMP ('YYYY-MM-DD HH:MM:SS').
-- Money is DECIMAL(12,2): the CSVs carry exactly two decimals, and every check and
-- total works in integer cents (CAST(ROUND(x * 100) AS INTEGER)), never by tolerance.

-- table: Product categories, a two-level hierarchy (top-level rows have no parent).
CREATE TABLE categories (
    category_id   INTEGER PRIMARY KEY,                       -- category key
    name          TEXT    NOT NULL UNIQUE
                          CHECK (length(name) BETWEEN 1 AND 100), -- display name, unique
    parent_id     INTEGER REFERENCES categories (category_id)  -- parent category; NULL for a top-level category
                          CHECK (parent_id IS NULL OR parent_id <> category_id)
);

-- table: Registered customers.
CREATE TABLE users (
    user_id       INTEGER PRIMARY KEY,                       -- customer key; increases with signup time
    first_name    TEXT    NOT NULL CHECK (length(first_name) BETWEEN 1 AND 100), -- given name
    last_name     TEXT    NOT NULL CHECK (length(last_name) BETWEEN 1 AND 100),  -- family name
    email         TEXT    NOT NULL UNIQUE
                          CHECK (email LIKE '_%@_%._%' AND length(email) <= 254), -- login e-mail, unique
    signup_date   TIMESTAMP NOT NULL
                          CHECK (datetime(signup_date, '+0 days') IS signup_date), -- account creation time
    country       TEXT    NOT NULL CHECK (length(country) BETWEEN 1 AND 100),    -- country name (English)
    city          TEXT    CHECK (city IS NULL OR length(city) BETWEEN 1 AND 100) -- city name; NULL when the customer gave none
);

-- table: The product catalogue; each product sits in one leaf category.
CREATE TABLE products (
    product_id    INTEGER PRIMARY KEY,                       -- product key
    name          TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200), -- product name
    category_id   INTEGER NOT NULL REFERENCES categories (category_id), -- leaf category
    price         DECIMAL(12,2) NOT NULL CHECK (price > 0)  -- list price
);

-- table: Customer orders; the total is the sum of the order's lines.
CREATE TABLE orders (
    order_id      INTEGER PRIMARY KEY,                       -- order key
    user_id       INTEGER NOT NULL REFERENCES users (user_id), -- customer who placed the order
    order_date    TIMESTAMP NOT NULL
                          CHECK (datetime(order_date, '+0 days') IS order_date), -- time the order was placed
    status        TEXT    NOT NULL
                          CHECK (status IN ('pending', 'paid', 'shipped', 'delivered',
                                            'cancelled', 'refunded')), -- fulfilment state: refunded when every line was refunded (a partial refund stays delivered)
    total_amount  DECIMAL(12,2) NOT NULL CHECK (total_amount >= 0), -- sum of the order's line totals
    shipped_at    TIMESTAMP
                          CHECK (datetime(shipped_at, '+0 days') IS shipped_at), -- time the order left the warehouse; NULL until then
    delivered_at  TIMESTAMP
                          CHECK (datetime(delivered_at, '+0 days') IS delivered_at) -- time the order reached the customer; NULL until then
);

-- table: Order lines: one product, a quantity and the price paid per unit.
CREATE TABLE order_items (
    order_item_id INTEGER PRIMARY KEY,                       -- order line key
    order_id      INTEGER NOT NULL REFERENCES orders (order_id), -- order the line belongs to
    product_id    INTEGER NOT NULL REFERENCES products (product_id), -- product bought
    quantity      INTEGER NOT NULL CHECK (quantity > 0),      -- units bought
    unit_price    DECIMAL(12,2) NOT NULL CHECK (unit_price > 0), -- price paid per unit (after any discount)
    line_total    DECIMAL(12,2) NOT NULL CHECK (line_total > 0)  -- quantity x unit_price
);

-- table: Payment attempts, charges and refunds; failed attempts may precede the completed charge, and each refunded order line is its own 'refunded' row.
CREATE TABLE payments (
    payment_id    INTEGER PRIMARY KEY,                       -- payment key
    order_id      INTEGER NOT NULL REFERENCES orders (order_id), -- order being paid
    payment_method TEXT   NOT NULL CHECK (payment_method IN ('card', 'paypal', 'bank')), -- payment channel
    amount        DECIMAL(12,2) NOT NULL CHECK (amount >= 0), -- amount charged, attempted or refunded
    payment_date  TIMESTAMP NOT NULL
                          CHECK (datetime(payment_date, '+0 days') IS payment_date), -- time of the attempt, charge or refund
    status        TEXT    NOT NULL CHECK (status IN ('completed', 'failed', 'refunded')) -- outcome: a completed charge, a failed attempt, or a refund
);

-- table: Product reviews by customers who received the product.
CREATE TABLE reviews (
    review_id     INTEGER PRIMARY KEY,                       -- review key
    product_id    INTEGER NOT NULL REFERENCES products (product_id), -- product reviewed
    user_id       INTEGER NOT NULL REFERENCES users (user_id), -- reviewer
    rating        INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5), -- stars, 1 to 5
    review_date   TIMESTAMP NOT NULL
                          CHECK (datetime(review_date, '+0 days') IS review_date), -- time of the review
    title         TEXT    CHECK (title IS NULL OR length(title) BETWEEN 1 AND 200) -- review headline; NULL when the reviewer wrote none
);

-- table: Provenance: a 'file' row per loaded CSV, a 'run' row per setting, a 'batch' row per file of each change batch applied.
CREATE TABLE submission_meta (
    meta_id       INTEGER PRIMARY KEY,                       -- row key
    kind          TEXT    NOT NULL CHECK (kind IN ('file', 'run', 'batch')), -- 'file' for a CSV, 'run' for a setting, 'batch' for a batch's file
    file_name     TEXT,                                      -- CSV file name ('file' and 'batch' rows)
    sha256        TEXT    CHECK (sha256 IS NULL OR length(sha256) = 64), -- SHA-256 of the CSV bytes ('file' and 'batch' rows)
    row_count     INTEGER CHECK (row_count IS NULL OR row_count >= 0), -- data rows in the CSV ('file' and 'batch' rows)
    key           TEXT,                                      -- setting name ('run' rows); the batch's last day, YYYY-MM-DD ('batch' rows)
    value         TEXT,                                      -- setting value ('run' rows); the day before the batch's first, YYYY-MM-DD ('batch' rows)
    inserted      INTEGER CHECK (inserted IS NULL OR inserted >= 0), -- rows the batch file inserted; the rest updated ('batch' rows)
    CHECK ((kind = 'file' AND file_name IS NOT NULL AND sha256 IS NOT NULL
                          AND row_count IS NOT NULL AND key IS NULL AND inserted IS NULL)
        OR (kind = 'run' AND key IS NOT NULL AND value IS NOT NULL AND file_name IS NULL
                         AND inserted IS NULL)
        OR (kind = 'batch' AND file_name IS NOT NULL AND sha256 IS NOT NULL AND row_count IS NOT NULL
                           AND key IS NOT NULL AND value IS NOT NULL AND inserted IS NOT NULL)),
    UNIQUE (kind, file_name, key)
);

-- Indexes on the join and filter columns; the ingester creates them after the load.
CREATE INDEX idx_categories_parent   ON categories (parent_id);
CREATE INDEX idx_users_signup        ON users (signup_date);
CREATE INDEX idx_products_category   ON products (category_id);
CREATE INDEX idx_orders_user         ON orders (user_id, order_date, status, total_amount);
CREATE INDEX idx_orders_date         ON orders (order_date, order_id, status, total_amount, user_id);
CREATE INDEX idx_order_items_order   ON order_items (order_id, product_id);
CREATE INDEX idx_order_items_product ON order_items (product_id);
CREATE INDEX idx_payments_order      ON payments (order_id);
CREATE INDEX idx_reviews_product     ON reviews (product_id);
CREATE INDEX idx_reviews_user        ON reviews (user_id, product_id);

-- Indexes for the API's lists (api/tables.py): one per documented sort order, and one per
-- filter on a column with many rows per value, alone (pages by key) and with each sort
-- column, so every page is an index range scan without a temporary sort. A category
-- column leads with COLLATE RTRIM (the API compares it so): the library's queries, which
-- compare it with BINARY (status IN (...)), cannot pick these indexes and keep their plans.
-- tests/test_query_plans.py proves each filter and sort order against these.
CREATE INDEX idx_users_last_name     ON users (last_name);
CREATE INDEX idx_users_email_nocase  ON users (email COLLATE NOCASE);
CREATE INDEX idx_users_country       ON users (country COLLATE RTRIM);
CREATE INDEX idx_users_country_signup ON users (country COLLATE RTRIM, signup_date);
CREATE INDEX idx_users_country_name  ON users (country COLLATE RTRIM, last_name);
CREATE INDEX idx_products_name       ON products (name);
CREATE INDEX idx_products_price      ON products (price);
CREATE INDEX idx_products_category_name  ON products (category_id, name);
CREATE INDEX idx_products_category_price ON products (category_id, price);
CREATE INDEX idx_orders_total        ON orders (total_amount);
CREATE INDEX idx_orders_status       ON orders (status COLLATE RTRIM);
CREATE INDEX idx_orders_status_date  ON orders (status COLLATE RTRIM, order_date);
CREATE INDEX idx_orders_status_total ON orders (status COLLATE RTRIM, total_amount);
CREATE INDEX idx_payments_date       ON payments (payment_date);
CREATE INDEX idx_payments_method     ON payments (payment_method COLLATE RTRIM);
CREATE INDEX idx_payments_method_date ON payments (payment_method COLLATE RTRIM, payment_date);
CREATE INDEX idx_payments_status     ON payments (status COLLATE RTRIM);
CREATE INDEX idx_payments_status_date ON payments (status COLLATE RTRIM, payment_date);
CREATE INDEX idx_reviews_date        ON reviews (review_date);
CREATE INDEX idx_reviews_rating      ON reviews (rating);
CREATE INDEX idx_reviews_rating_date ON reviews (rating, review_date);
