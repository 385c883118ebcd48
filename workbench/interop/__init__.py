"""REFI-QDA exchange (.qdpx projects, .qdc codebooks): read and write, without the store."""
