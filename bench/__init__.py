"""Performance benchmarks: each module creates its own throwaway database and prints a table (see README)."""
