"""Referrals and their screening, deconfliction, outbound referrals, the prison-release protocol.
Imports cases, access, audit.reads, accounts and core."""
