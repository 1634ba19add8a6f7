"""The read audit (reads.py), the tamper-evident chain, the audit log's pages and retention.
Imports access, cases' models, accounts and core; every app records reads through reads.py."""
