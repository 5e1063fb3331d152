"""Safe copies of photos: copy.py decides and describes, write.py writes and checks,
image.py blurs and encodes."""
