"""Plain data and rules of the workbench, with no I/O."""
