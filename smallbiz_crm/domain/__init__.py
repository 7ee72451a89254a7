"""Pure rules and value types of the shop's relationships: no Qt, no database."""
