"""Storage: schema, connections, migrations, and encryption at the boundary."""
