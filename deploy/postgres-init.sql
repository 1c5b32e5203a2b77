-- The newsarchive state database, beside Prefect's own ("prefect").
CREATE DATABASE newsarchive OWNER newsarchive;
