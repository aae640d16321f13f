"""The hash-chained log of every change, its epochs, storage upkeep and analytics."""
