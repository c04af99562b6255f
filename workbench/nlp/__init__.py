"""Language processing that runs offline: segmentation now, embeddings and PII later."""
