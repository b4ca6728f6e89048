"""France Services structures: the official ANCT list, imported into the database."""
