-- pgvector provides the vector type and the HNSW index the memory store uses.
create extension if not exists vector;
