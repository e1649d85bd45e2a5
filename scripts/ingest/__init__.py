"""Reading staff files as they come (encodings, separators, XLSX) into normalised text tables, and typing each cell."""
