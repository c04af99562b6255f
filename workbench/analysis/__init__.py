"""Pure analysis: agreement statistics, span arithmetic and export tables (no I/O, no database)."""
