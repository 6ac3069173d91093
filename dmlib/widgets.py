"""ipywidgets builders for the notebooks, testable without a browser.

Each builder returns an ``ipywidgets.interactive``: its sliders are ``w.children[:-1]`` and the
callback's return value is ``w.result``, so pytest can move a slider and assert on the result.
Taught in notebooks/01_infogan.ipynb §3 (distribution explorer) and §7.4 (latent explorer).
"""

from __future__ import annotations

import time

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import torch

from . import infogan
from .infotheory import cross_entropy, entropy, kl_divergence

__all__ = [
    "anchor_explorer",
    "completion_sampler",
    "detection_viewer",
    "discretized_gaussian",
    "distribution_explorer",
    "latent_explorer",
    "location_explorer",
    "mask_viewer",
    "receptive_field_explorer",
    "scene_explorer",
    "wordtree_path_viewer",
]


def discretized_gaussian(center: float, spread: float, k: int = 10) -> np.ndarray:
    """A distribution over k outcomes shaped like a Gaussian bump at ``center`` (§3 widget).

    Taught in notebooks/01_infogan.ipynb §2 GAN and §3 Information theory.
    """
    if spread <= 0:
        raise ValueError(f"spread must be > 0, got {spread}")
    weights = np.exp(-0.5 * ((np.arange(k) - center) / spread) ** 2) + 1e-3
    return weights / weights.sum()


def distribution_explorer() -> W.interactive:
    """Two distributions p, q over 10 outcomes; bars plus H(p), H(p, q) and KL(p ‖ q).

    ``w.result`` is ``{"H": ..., "CE": ..., "KL": ...}`` in nats.
    Taught in notebooks/01_infogan.ipynb §3 Information theory.
    """

    def show(p_center=3.0, p_spread=1.5, q_center=6.0, q_spread=2.0):
        p = discretized_gaussian(p_center, p_spread)
        q = discretized_gaussian(q_center, q_spread)
        values = {"H": entropy(p), "CE": cross_entropy(p, q), "KL": kl_divergence(p, q)}
        fig, ax = plt.subplots(figsize=(6, 2.6))
        ax.bar(np.arange(10) - 0.2, p, width=0.4, label="p")
        ax.bar(np.arange(10) + 0.2, q, width=0.4, label="q")
        ax.set_title("H(p) = {H:.3f}   H(p, q) = {CE:.3f}   KL(p‖q) = {KL:.3f}  nats".format(**values))
        ax.set_xticks(range(10)), ax.legend()
        plt.show()
        plt.close(fig)  # a widget redraws often: free each figure once shown
        return values

    def slider(value, low, high, label):
        return W.FloatSlider(value=value, min=low, max=high, step=0.1, description=label)

    return W.interactive(
        show,
        p_center=slider(3.0, 0, 9, "p centre"),
        p_spread=slider(1.5, 0.3, 5, "p spread"),
        q_center=slider(6.0, 0, 9, "q centre"),
        q_spread=slider(2.0, 0.3, 5, "q spread"),
    )


def latent_explorer(
    G: infogan.Generator, DQ: infogan.DiscriminatorQ, digit_of_category: np.ndarray | None = None
) -> W.interactive:
    """Move InfoGAN's codes and watch G(z, c): c1 selector, c2/c3 sliders (−2…2), z seed.

    ``w.result`` is ``{"image": (1, 1, 28, 28), "q_c1": Q's argmax category, "ms": redraw time}``.
    ``digit_of_category`` (from :func:`dmlib.infogan.match_clusters`) labels the categories.
    Taught in notebooks/01_infogan.ipynb §7.4 Explore the codes.
    """
    if not isinstance(G, infogan.Generator) or not isinstance(DQ, infogan.DiscriminatorQ):
        raise ValueError("G and DQ must be the InfoGAN Generator and DiscriminatorQ")
    k = G.config.n_categories
    names = [
        f"{c} (digit {digit_of_category[c]})" if digit_of_category is not None else str(c) for c in range(k)
    ]

    def show(c1=0, c2=0.0, c3=0.0, z_seed=0):
        start = time.perf_counter()
        z = infogan.fixed_noise(1, G.config, seed=z_seed)
        image = infogan.generate(G, torch.tensor([c1]), torch.tensor([[c2, c3]]), z)
        q_c1 = int(infogan.predict_c1(DQ, image)[0])
        fig, ax = plt.subplots(figsize=(2.2, 2.2))
        ax.imshow(image[0, 0].numpy(), cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f"Q reads c1 = {q_c1}", fontsize=9)
        ax.axis("off")
        plt.show()
        plt.close(fig)  # a widget redraws often: free each figure once shown
        return {"image": image, "q_c1": q_c1, "ms": 1000 * (time.perf_counter() - start)}

    def slider(label):
        return W.FloatSlider(value=0.0, min=-2, max=2, step=0.25, description=label, continuous_update=False)

    return W.interactive(
        show,
        c1=W.Dropdown(options=list(zip(names, range(k), strict=True)), value=0, description="c1"),
        c2=slider("c2"),
        c3=slider("c3"),
        z_seed=W.IntSlider(value=0, min=0, max=99, description="z seed", continuous_update=False),
    )


def receptive_field_explorer(models: dict) -> W.interactive:
    """Pick a model and a pixel → the inputs its prediction depends on (gradient magnitude).

    ``models`` maps names to PixelRNN-family models; ``w.result`` is the (C, H, W) field.
    Taught in notebooks/03_pixelrnn.ipynb §6.2 The blind spot and its fix.
    """
    from .pixelrnn import receptive

    if not models:
        raise ValueError("models must name at least one model")
    first = next(iter(models))
    size = models[first].config.image_size

    def show(model=first, row=size // 2, col=size // 2):
        field = receptive.dependency_field(models[model], (row, col))
        fig, ax = plt.subplots(figsize=(3, 3))
        ax.imshow(np.log10(field.sum(0).numpy() + 1e-12), cmap="viridis", vmin=-8)
        ax.plot(col, row, "rs", markersize=4)
        ax.set_title(f"{model}: {int((field.sum(0) != 0).sum())} inputs", fontsize=9)
        ax.axis("off")
        plt.show()
        plt.close(fig)  # a widget redraws often: free each figure once shown
        return field

    return W.interactive(
        show,
        model=W.Dropdown(options=list(models), description="model"),
        row=W.IntSlider(value=size // 2, min=0, max=size - 1, description="row", continuous_update=False),
        col=W.IntSlider(value=size // 2, min=0, max=size - 1, description="col", continuous_update=False),
    )


def completion_sampler(model, images: torch.Tensor) -> W.interactive:
    """Occlude the bottom of a test digit and let the model fill it in, n times.

    ``w.result`` is the (n, C, H, W) completions. Taught in notebooks/03_pixelrnn.ipynb §8.2.
    """
    from .pixelrnn import sampling

    size = model.config.image_size

    def show(image=0, keep_rows=14, samples=4, seed=0):
        out = sampling.complete(model, images[image : image + 1], keep_rows, samples, seed=seed)[0]
        fig, axes = plt.subplots(1, samples + 1, figsize=(1.3 * (samples + 1), 1.5))
        axes[0].imshow(images[image, 0].numpy(), cmap="gray_r", vmin=0, vmax=1)
        axes[0].axhline(keep_rows - 0.5, color="r")
        axes[0].set_title("original", fontsize=8)
        for ax, completion in zip(axes[1:], out, strict=True):
            ax.imshow(completion[0].numpy(), cmap="gray_r", vmin=0, vmax=1)
        for ax in axes:
            ax.axis("off")
        plt.show()
        plt.close(fig)  # a widget redraws often: free each figure once shown
        return out

    def int_slider(value, low, high, label):
        return W.IntSlider(value=value, min=low, max=high, description=label, continuous_update=False)

    return W.interactive(
        show,
        image=int_slider(0, 0, len(images) - 1, "test digit"),
        keep_rows=int_slider(14, 1, size - 1, "keep rows"),
        samples=int_slider(4, 1, 8, "samples"),
        seed=int_slider(0, 0, 99, "seed"),
    )


def mask_viewer() -> W.interactive:
    """Mask A or B for a kernel size, and for RGB the 3 × 3 grid of (output, input) colour groups.

    ``w.result`` is the mask (out, in, k, k). Taught in notebooks/03_pixelrnn.ipynb §3 Masks.
    """
    from .pixelrnn.masks import causal_mask

    def show(kernel=5, mask_type="A", colour=True):
        groups = torch.arange(3) if colour else torch.zeros(1, dtype=torch.long)
        mask = causal_mask((kernel, kernel), groups, groups, mask_type)
        n = len(groups)
        fig, axes = plt.subplots(n, n, figsize=(1.4 * n + 0.4, 1.4 * n + 0.4), squeeze=False)
        names = "RGB" if colour else "x"
        for o in range(n):
            for i in range(n):
                axes[o, i].imshow(mask[o, i].numpy(), cmap="Greens", vmin=0, vmax=1.3)
                axes[o, i].set_xticks([]), axes[o, i].set_yticks([])
                axes[o, i].set_title(f"{names[i]} → {names[o]}", fontsize=8)
        fig.suptitle(f"mask {mask_type}, {kernel}×{kernel}", fontsize=9)
        plt.show()
        plt.close(fig)  # a widget redraws often: free each figure once shown
        return mask

    return W.interactive(
        show,
        kernel=W.Dropdown(options=[1, 3, 5, 7], value=5, description="kernel"),
        mask_type=W.ToggleButtons(options=["A", "B"], description="mask"),
        colour=W.Checkbox(value=True, description="RGB groups"),
    )


def anchor_explorer(wh: torch.Tensor, clusters: dict[int, tuple[torch.Tensor, float]]) -> W.interactive:
    """k slider → that k's dimension clusters drawn on a unit image, and their average IoU.

    ``clusters`` maps k to :func:`dmlib.yolo.clusters.kmeans_anchors`'s result on ``wh`` (computed
    once, so the slider is instant). ``w.result`` is ``{"k", "centroids", "avg_iou"}``.
    Taught in notebooks/02_yolo9000.ipynb §3 Dimension clusters.
    """
    if not clusters:
        raise ValueError("clusters must map at least one k to (centroids, average IoU)")
    ks = sorted(clusters)
    sample = wh[torch.randperm(len(wh), generator=torch.Generator().manual_seed(0))[:2000]]

    def show(k=5 if 5 in clusters else ks[0]):
        centroids, avg_iou = clusters[k]
        fig, (left, right) = plt.subplots(1, 2, figsize=(7, 3.2))
        left.scatter(sample[:, 0], sample[:, 1], s=2, alpha=0.3, color="grey")
        left.scatter(centroids[:, 0], centroids[:, 1], s=40, color="tab:red")
        left.set_xlabel("box width / image"), left.set_ylabel("box height / image")
        for w, h in centroids.tolist():
            right.add_patch(plt.Rectangle((0.5 - w / 2, 0.5 - h / 2), w, h, fill=False, linewidth=1.2))
        right.set_xlim(0, 1), right.set_ylim(1, 0), right.set_aspect("equal")
        right.set_title(f"k = {k}: average IoU {100 * avg_iou:.1f} %", fontsize=9)
        right.set_xticks([]), right.set_yticks([])
        plt.show()
        plt.close(fig)  # a widget redraws often: free each figure once shown
        return {"k": k, "centroids": centroids, "avg_iou": avg_iou}

    return W.interactive(
        show, k=W.SelectionSlider(options=ks, value=5 if 5 in clusters else ks[0], description="k",
                                  continuous_update=False)  # fmt: skip
    )


def location_explorer(anchors: torch.Tensor, grid: int = 5) -> W.interactive:
    """t_x, t_y, t_w, t_h sliders → the decoded box (solid) over its prior (dashed) in cell (2, 2).

    ``anchors`` is (A, 2) priors in grid cells. ``w.result`` is the decoded box (cx, cy, w, h) in cells.
    Taught in notebooks/02_yolo9000.ipynb §4 Direct location prediction.
    """
    from .yolo.detector import decode

    if anchors.dim() != 2 or anchors.shape[1] != 2:
        raise ValueError("anchors must be (A, 2) priors in grid cells")
    cell = grid // 2

    def show(anchor=0, t_x=0.0, t_y=0.0, t_w=0.0, t_h=0.0):
        output = torch.zeros(1, len(anchors) * 6, grid, grid)
        raw = output.view(1, len(anchors), 6, grid, grid)
        raw[0, anchor, :4, cell, cell] = torch.tensor([t_x, t_y, t_w, t_h])
        box = decode(output, anchors, "direct")["boxes"][0, cell, cell, anchor] * grid  # in cells
        fig, ax = plt.subplots(figsize=(3.4, 3.4))
        for line in range(grid + 1):
            ax.axhline(line, color="lightgrey", linewidth=0.8)
            ax.axvline(line, color="lightgrey", linewidth=0.8)
        ax.add_patch(plt.Rectangle((cell, cell), 1, 1, color="tab:blue", alpha=0.15))
        pw, ph = anchors[anchor].tolist()
        ax.add_patch(plt.Rectangle((cell + 0.5 - pw / 2, cell + 0.5 - ph / 2), pw, ph, fill=False,
                                   linestyle="--", color="grey"))  # fmt: skip
        cx, cy, w, h = box.tolist()
        ax.add_patch(plt.Rectangle((cx - w / 2, cy - h / 2), w, h, fill=False, color="tab:red", linewidth=2))
        ax.plot(cx, cy, "o", color="tab:red", markersize=3)
        ax.set_xlim(0, grid), ax.set_ylim(grid, 0), ax.set_aspect("equal")
        ax.set_title(f"b = ({cx:.2f}, {cy:.2f}, {w:.2f}, {h:.2f}) cells", fontsize=9)
        plt.show()
        plt.close(fig)  # a widget redraws often: free each figure once shown
        return box

    def slider(label):
        return W.FloatSlider(value=0.0, min=-3, max=3, step=0.25, description=label, continuous_update=False)

    return W.interactive(
        show,
        anchor=W.Dropdown(options=list(range(len(anchors))), value=0, description="prior"),
        t_x=slider("t_x"), t_y=slider("t_y"), t_w=slider("t_w"), t_h=slider("t_h"),
    )  # fmt: skip


def detection_viewer(model, anchors: torch.Tensor, images: torch.Tensor, targets: list) -> W.interactive:
    """A test canvas with the detector's boxes: score and NMS thresholds as sliders.

    Ground truth is drawn in green, detections in red. ``w.result`` is the (n, 6) detections.
    Taught in notebooks/02_yolo9000.ipynb §7 Detections.
    """
    from .plotting import draw_boxes
    from .yolo.experiments import detect, truths_as_corners

    if len(images) != len(targets) or len(images) == 0:
        raise ValueError("images and targets must be non-empty and of equal length")
    truths = truths_as_corners(targets)

    def show(image=0, score=0.3, nms=0.45):
        found = detect(model, anchors, images[image : image + 1], score_threshold=score, nms_threshold=nms)[0]
        fig, ax = plt.subplots(figsize=(3.4, 3.4))
        draw_boxes(ax, images[image], truths[image][:, :4], colour="tab:green")
        draw_boxes(ax, images[image], found[:, :4], found[:, 5], found[:, 4])
        ax.set_title(f"{len(found)} detections, {len(truths[image])} digits", fontsize=9)
        plt.show()
        plt.close(fig)  # a widget redraws often: free each figure once shown
        return found

    return W.interactive(
        show,
        image=W.IntSlider(value=0, min=0, max=len(images) - 1, description="canvas", continuous_update=False),
        score=W.FloatSlider(value=0.3, min=0.0, max=0.95, step=0.05, description="score ≥",
                            continuous_update=False),
        nms=W.FloatSlider(value=0.45, min=0.05, max=1.0, step=0.05, description="NMS IoU",
                          continuous_update=False),
    )  # fmt: skip


def scene_explorer(models: dict, scenes: dict) -> W.interactive:
    """Pick a test scene → RGB, depth, the pool5 maps of the RGB, D and H nets, and each prediction.

    ``models`` are :func:`dmlib.hallucination.load_pretrained`'s networks; ``scenes`` the
    :func:`~dmlib.hallucination.load_scenes` dict. ``w.result`` maps each net to its predicted class
    name. Taught in notebooks/04_modality_hallucination.ipynb §8 Are H's features depth-like?
    """
    from . import hallucination
    from .data.scenes import CLASSES

    if not {"joint_rgb", "joint_depth", "joint_h"} <= set(models):
        raise ValueError("models must hold the stage-2 networks joint_rgb, joint_depth and joint_h")
    if len(scenes["rgb"]) == 0:
        raise ValueError("scenes must hold at least one scene")
    hallucination.check_inputs(scenes["rgb"], scenes["depth"])

    def show(scene=0):
        rgb, depth3 = scenes["rgb"][scene : scene + 1], scenes["depth3"][scene : scene + 1]
        with torch.no_grad():
            feats = {
                "RGB net": models["joint_rgb"].features(rgb),
                "D net": models["joint_depth"].features(depth3),
                "H net": models["joint_h"].features(rgb),
            }
        names = {net: CLASSES[int(f["scores"].argmax())] for net, f in feats.items()}
        fused = (feats["RGB net"]["scores"] + feats["H net"]["scores"]) / 2
        names["RGB + H"] = CLASSES[int(fused.argmax())]
        fig, axes = plt.subplots(1, 5, figsize=(11, 2.5))
        axes[0].imshow(rgb[0].permute(1, 2, 0).numpy())
        axes[0].set_title(f"RGB (truth: {CLASSES[int(scenes['label'][scene])]})", fontsize=8)
        axes[1].imshow(scenes["depth"][scene, 0].numpy(), cmap="viridis_r")
        axes[1].set_title("depth", fontsize=8)
        for ax, (net, f) in zip(axes[2:], feats.items(), strict=True):
            ax.imshow(torch.sigmoid(f["pool5"][0]).mean(0).numpy(), cmap="magma", vmin=0.5, vmax=0.8)
            ax.set_title(f"{net} pool5 → {names[net]}", fontsize=8)
        for ax in axes:
            ax.axis("off")
        fig.suptitle(f"RGB + H predicts: {names['RGB + H']}", fontsize=9)
        plt.show()
        plt.close(fig)  # a widget redraws often: free each figure once shown
        return names

    return W.interactive(
        show,
        scene=W.IntSlider(
            value=0, min=0, max=len(scenes["rgb"]) - 1, description="test scene", continuous_update=False
        ),
    )


def wordtree_path_viewer(model, anchors: torch.Tensor, images: torch.Tensor) -> W.interactive:
    """Pick a test image → the most confident box and its top-down WordTree path with Pr(node | parent).

    ``w.result`` is the list of (node name, conditional, absolute) along the path.
    Taught in notebooks/02_yolo9000.ipynb §11 Joint training.
    """
    from .yolo.boxes import centre_to_corner
    from .yolo.detector import decode, grid_size
    from .yolo.wordtree import absolute_log_probs, conditional_log_probs, predict, synset_names
    from .yolo.yolo9000 import mini_wordtree

    if len(images) == 0:
        raise ValueError("images must hold at least one image")
    tree, names = mini_wordtree(), synset_names()

    def show(image=0, threshold=0.5):
        with torch.no_grad():
            out = decode(model(images[image : image + 1]), anchors * grid_size(images.shape[-1]))
        best = int(out["objectness"].reshape(-1).argmax())
        logits = out["class_logits"].reshape(-1, len(tree))[best : best + 1]
        conditional = conditional_log_probs(logits, tree).exp()[0]
        absolute = absolute_log_probs(conditional_log_probs(logits, tree), tree).exp()
        node = predict(absolute, tree, threshold)[0]
        path = [(names[tree.nodes[n]], float(conditional[n]), float(absolute[0, n])) for n in tree.path(node)]
        path = path[::-1]  # top-down
        box = centre_to_corner(out["boxes"].reshape(-1, 4)[best : best + 1])[0] * images.shape[-1]
        fig, ax = plt.subplots(figsize=(3.2, 3.2))
        ax.imshow(images[image, 0].numpy(), cmap="gray", vmin=0, vmax=1)
        x1, y1, x2, y2 = box.tolist()
        ax.add_patch(plt.Rectangle((x1, y1), x2 - x1, y2 - y1, fill=False, color="tab:red"))
        ax.set_title(" → ".join(f"{n} ({c:.2f})" for n, c, _ in path) or "(below threshold)", fontsize=7)
        ax.axis("off")
        plt.show()
        plt.close(fig)  # a widget redraws often: free each figure once shown
        return path

    return W.interactive(
        show,
        image=W.IntSlider(value=0, min=0, max=len(images) - 1, description="test image",
                          continuous_update=False),
        threshold=W.FloatSlider(value=0.5, min=0.05, max=0.95, step=0.05, description="threshold",
                                continuous_update=False),
    )  # fmt: skip
