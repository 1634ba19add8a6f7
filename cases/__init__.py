"""Cases: persons, chronology, assessments, support plans, escalations, documents, case teams.
Imports access (policy and doors), accounts and core."""
