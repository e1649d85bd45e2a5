"""The vocabulary every stage shares: the input schema, the typed problems, the dataset records and the URL rules."""
