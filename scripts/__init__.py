"""The publisher, one subpackage per role; data flows one way: ingest → validate → site and outputs → publish (docs/architecture.md)."""
