"""Staff accounts: who may use the backoffice, with which role, and what they did."""
