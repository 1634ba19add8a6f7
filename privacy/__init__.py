"""Retention and destruction of cases, subject-access reports, restriction of processing, the
sharing agreements register and each case's sharing-decision log. Imports cases, releases' and
audit's models, access, audit.reads, accounts and core."""
