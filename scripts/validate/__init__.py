"""Every rule over the input tables; all problems collected, then the run stops; the staff reports."""
