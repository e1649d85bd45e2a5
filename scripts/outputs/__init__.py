"""Everything published beside the pages: downloads, releases, maps, notice PDFs, the search index."""
