"""api/formats: representations, negotiation and problem documents."""
