"""The mayor's office page, the coordinator's dashboard and the aggregate statistics.
Imports cases, conferences, referrals, access, audit.reads, accounts and core."""
