"""The information officer's need-to-know releases to named recipients, and their acknowledgements.
Imports access, audit.reads, accounts and core."""
