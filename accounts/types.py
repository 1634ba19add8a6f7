"""The users as the layers that decide and touch data (policy, doors, selectors, services) name
them, in one place: AUTH_USER_MODEL is Django's own User.

Actor: the signed-in user who reads or acts (the `user`, `author`, `granted_by`... of a call).
User: any other account a call names (an owner, a guest, a recipient).
AnyUser: whoever makes a request, signed in or not; only the questions asked of everyone
(accounts.rules.role_of, must_use_second_factor) take it, and they answer "nobody" for the
anonymous.
"""

from django.contrib.auth.models import AnonymousUser, User

Actor = User
AnyUser = User | AnonymousUser

__all__ = ["Actor", "AnyUser", "User"]
