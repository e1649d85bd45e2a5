"""Developer tools, never run by a publish: the bench, synthetic and sample data, geometry, README generation."""
