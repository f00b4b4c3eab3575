"""Providers' own machine-readable request specs: read them (documents), compare each with
the offering it describes (check), draft a new offering from one (draft)."""
