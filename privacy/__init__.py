"""Retention and destruction of cases (destruction lists with two reviewers, legal holds, the
deletion register; `backup` and `restore`), subject-access reports, restriction of processing,
the sharing agreements register and each case's sharing-decision log. Imports cases, releases'
and audit's models, access, audit.reads, accounts and core."""
