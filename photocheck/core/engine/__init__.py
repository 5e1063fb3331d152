"""Running the core's work over many files: pool.py (worker processes, isolation,
timeouts, cancelling), scan.py (scans and safe copies), previews.py (thumbnails)."""
