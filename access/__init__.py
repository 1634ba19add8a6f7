"""The policy (policy.py: who may read and write what), the doors, case grants and access requests.
Imports accounts, core, audit.reads and every app's models; cases.services to add to a team."""
