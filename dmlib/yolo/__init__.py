"""PR-023 YOLO9000: Better, Faster, Stronger (Redmon & Farhadi, CVPR 2017, arXiv 1612.08242).

Taught in notebooks/02_yolo9000.ipynb. One module per concern, in the paper's order:

- :mod:`.boxes` — IoU, NMS, VOC average precision (the measuring tape of every table);
- :mod:`.clusters` — dimension clusters: k-means with d = 1 − IoU (Table 1, Figure 2);
- :mod:`.darknet` — Darknet-19 (Table 6) and an operation counter (5.58 B ops at 224);
- :mod:`.detector` — YOLOv2: passthrough, direct location prediction, decoding;
- :mod:`.loss` — the region loss as darknet computes it;
- :mod:`.experiments` — digit-detection training, the mini Table 2 and Table 3.
"""
