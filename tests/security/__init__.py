"""Security tests: the filesystem sandbox under attack (races, swapped folders, hostile input)."""
