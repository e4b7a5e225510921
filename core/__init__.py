"""What every app shares: audit trail, outage-tolerant cache, rate limit, tokens, roles, admin bases."""
