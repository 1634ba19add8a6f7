"""Retention and destruction of cases, subject-access reports, restriction of processing.
Imports cases, releases' and audit's models, access, audit.reads, accounts and core."""
