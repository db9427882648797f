from api.models import ApiToken
from core import privacy

privacy.register(
    ApiToken,
    subject="user",
    fields=("name", "prefix", "scopes", "created_at", "last_used_at", "expires_at", "revoked_at"),
    erase="delete",
    lawful_basis="contract (use of the platform's API)",
    retention="until revoked by the account holder, or with the account",
)
