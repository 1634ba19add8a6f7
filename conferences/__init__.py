"""Conference series, meetings, agendas, minutes, attendance, declarations and guests.
Imports cases, referrals' selectors, access, audit.reads, accounts and core."""
