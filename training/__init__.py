"""Training recipes for the models the workbench ships (run with ``./dev train-ner``)."""
