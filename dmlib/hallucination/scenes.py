"""Rendered RGB-D scenes: one primitive solid per image, with colour, a depth map and a label.

Taught in notebooks/04_modality_hallucination.ipynb §7 Our reproduction: the data.
No RGB-D dataset ships with the
course (the paper used NYU Depth v2), so ``dmlib`` renders one, deterministically from a seed, by
z-buffering dense surface samples of each solid through a pinhole camera.

Design — the paper's claim needs scenes where the RGB pixels *contain* the 3-D shape cue that depth
makes explicit, but where a net trained on the few labels does not learn to read it:

- five classes whose silhouettes overlap: **sphere**, **cylinder**, **cube**, **cone** and
  **torus**, each at a random 3-D rotation, scale and distance (a cylinder seen end-on and a sphere
  both look like discs; a cube and a cylinder seen side-on both look like rectangles);
- **camouflage**: objects and the background wall are painted with the same family of random
  procedural textures (stripes and blobs in random colours), so colour edges are a distraction,
  not a cue;
- **lighting** (:data:`DESIGNS`): ``shaded`` (the course's scenes) lights each scene from a random
  side with Blinn–Phong shading and highlights, so curvature shows in the pixels — a sphere's
  smooth fall-off, a cube's flat faces, a cylinder's band — though weakly against the paint;
  ``flat`` (round 1's scenes) has strong ambient light and a weak directional one, so shading hints
  at shape only faintly;
- **clutter**: a second, smaller distractor of a random class at the side, behind the object;
- the depth map is the z-distance to the surface (wall included), which shows the 3-D shape
  plainly; :func:`encode_depth` turns it into three channels so that the depth network has the RGB
  network's shape and can be copied into the hallucination network. (The paper's HHA encoding is
  horizontal disparity, height above ground and angle with gravity; ours is disparity and its two
  image gradients — no camera height or gravity direction exists in these scenes.)

Which design, and how few labelled scenes, was settled on validation scenes by
``python -m dmlib train hallucination_search`` (notebook 부록 B): the oracle gap (RGB + depth − RGB)
shows that depth makes the class explicit, and an RGB net trained on 10× the scenes shows how much
of it the pixels hold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import torch
import torch.nn.functional as F

__all__ = ["CLASSES", "DESIGNS", "SCENE_SIZE", "SceneDesign", "encode_depth", "render_scenes"]

CLASSES = ("sphere", "cylinder", "cube", "cone", "torus")
SCENE_SIZE = 64
FOCAL = 1.6  # focal length in units of half the image width
WALL_Z = 6.0
SURFACE_POINTS = 64  # each template surface is sampled on a 64 × 64 (u, v) grid


@dataclass(frozen=True)
class SceneDesign:
    """How much of the 3-D shape the RGB image shows: the lighting and the paint.

    Pixel colour = paint · (ambient + diffuse · max(0, n·l)) + specular · max(0, n·h)^shininess + noise,
    with n the surface normal, l the light direction and h the half-way vector (Blinn–Phong).
    """

    ambient: float
    diffuse: float
    specular: float = 0.0
    shininess: float = 20.0
    object_contrast: float = 0.35  # the object's two paint colours are closer than the wall's
    light_spread: float = 1.0  # sideways spread of the light direction (0: always from the camera)


DESIGNS = {
    # round 1: almost flat lighting — RGB hardly shows the shape
    "flat": SceneDesign(ambient=0.6, diffuse=0.4),
    # Lambertian shading from a random side light plus highlights: the shape is in the pixels
    "shaded": SceneDesign(ambient=0.15, diffuse=0.85, specular=0.35),
}


def _rotations(n: int, generator: torch.Generator) -> torch.Tensor:
    """Uniformly random 3-D rotations (n, 3, 3), from random unit quaternions."""
    q = F.normalize(torch.randn(n, 4, generator=generator), dim=1)
    w, x, y, z = q.unbind(1)
    return torch.stack([
        1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
        2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
        2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y),
    ], dim=1).view(n, 3, 3)  # fmt: skip


def _grid(count: int) -> tuple[torch.Tensor, torch.Tensor]:
    """A count × count grid of (u, v) points spanning [0, 1]², flattened."""
    side = torch.linspace(0, 1, count)  # ends included: no gap at a disc centre or a seam
    u, v = torch.meshgrid(side, side, indexing="ij")
    return u.reshape(-1), v.reshape(-1)


def _disc(u: torch.Tensor, v: torch.Tensor, radius: float, y: float, up: bool) -> dict[str, torch.Tensor]:
    """Points and normals of a horizontal disc (area-uniform: r = R·√u)."""
    r, phi = radius * u.sqrt(), 2 * math.pi * v
    points = torch.stack([r * phi.cos(), torch.full_like(r, y), r * phi.sin()], -1)
    normals = torch.tensor([0.0, 1.0 if up else -1.0, 0.0]).expand_as(points)
    return points, normals


@lru_cache(maxsize=1)
def _templates() -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Unit-size surfaces of the five classes as (points (K, 3), outward normals (K, 3)).

    Parts are sampled in proportion to their area so that no part of a surface is left sparse.
    """

    def parts(*pieces):
        return torch.cat([p for p, _ in pieces]), torch.cat([n for _, n in pieces])

    def sampled(share: float):
        return _grid(max(8, round(SURFACE_POINTS * math.sqrt(share))))

    u, v = _grid(SURFACE_POINTS)
    # sphere, radius 0.8: uniform in (cos θ, φ) is uniform in area (Archimedes)
    y, phi = 1 - 2 * u, 2 * math.pi * v
    ring = (1 - y * y).sqrt()
    unit = torch.stack([ring * phi.cos(), y, ring * phi.sin()], -1)
    sphere = (0.8 * unit, unit)
    # cylinder, radius 0.55, half-height 0.8: side + two caps
    us, vs = sampled(0.75)
    phi = 2 * math.pi * vs
    side = torch.stack([phi.cos(), torch.zeros_like(phi), phi.sin()], -1)
    cyl_side = (side * 0.55 + torch.stack([0 * us, 1.6 * us - 0.8, 0 * us], -1), side)
    uc, vc = sampled(0.15)
    cylinder = parts(cyl_side, _disc(uc, vc, 0.55, 0.8, True), _disc(uc, vc, 0.55, -0.8, False))
    # cube, half-side 0.6: six faces
    uf, vf = sampled(1 / 6 * 1.2)
    faces = []
    for axis in range(3):
        for sign in (-1.0, 1.0):
            coords = [None, None, None]
            a, b = [k for k in range(3) if k != axis]
            coords[axis] = torch.full_like(uf, 0.6 * sign)
            coords[a], coords[b] = 1.2 * uf - 0.6, 1.2 * vf - 0.6
            normal = torch.zeros(3)
            normal[axis] = sign
            faces.append((torch.stack(coords, -1), normal.expand(len(uf), 3)))
    cube = parts(*faces)
    # cone: apex (0, 0.8, 0), base radius 0.75 at y = −0.8; side area-uniform with r ∝ √u
    uk, vk = sampled(0.8)
    frac, phi = uk.sqrt(), 2 * math.pi * vk
    radius = 0.75 * frac
    cone_points = torch.stack([radius * phi.cos(), 0.8 - 1.6 * frac, radius * phi.sin()], -1)
    cone_normals = F.normalize(
        torch.stack([phi.cos(), torch.full_like(phi, 0.75 / 1.6), phi.sin()], -1), dim=-1
    )
    ub, vb = sampled(0.25)
    cone = parts((cone_points, cone_normals), _disc(ub, vb, 0.75, -0.8, False))
    # torus: ring radius 0.55, tube radius 0.25
    theta, phi = 2 * math.pi * u, 2 * math.pi * v
    around = torch.stack([theta.cos(), torch.zeros_like(theta), theta.sin()], -1)
    tube = phi.cos()[:, None] * around + phi.sin()[:, None] * torch.tensor([0.0, 1.0, 0.0])
    torus = (0.55 * around + 0.25 * tube, tube)
    return [sphere, cylinder, cube, cone, torus]


def _texture(points: torch.Tensor, params: torch.Tensor) -> torch.Tensor:
    """Procedural colour at 3-D points (n, P, 3): two random colours mixed by stripes and blobs."""
    direction, frequency, colour_a, colour_b, phase = params.split([3, 1, 3, 3, 3], dim=-1)
    stripes = torch.sin((points * direction[:, None]).sum(-1) * frequency) * 0.5 + 0.5
    blobs = torch.sin(points * 2.7 + phase[:, None]).prod(-1) * 0.5 + 0.5
    mix = (0.65 * stripes + 0.35 * blobs)[..., None]
    return colour_a[:, None] * mix + colour_b[:, None] * (1 - mix)


def _texture_params(n: int, generator: torch.Generator, contrast: float = 1.0) -> torch.Tensor:
    direction = F.normalize(torch.randn(n, 3, generator=generator), dim=1)
    frequency = 4 + 10 * torch.rand(n, 1, generator=generator)
    first = torch.rand(n, 3, generator=generator)
    second = first + contrast * (torch.rand(n, 3, generator=generator) - first)  # contrast 1: independent
    colours = torch.cat([first, second], dim=1)
    phase = 6.28 * torch.rand(n, 3, generator=generator)
    return torch.cat([direction, frequency, colours, phase], dim=1)


def render_scenes(
    count: int, seed: int = 0, size: int = SCENE_SIZE, batch: int = 250, design: str = "flat"
) -> dict[str, torch.Tensor]:
    """Render ``count`` scenes: ``rgb`` (N, 3, S, S) in [0, 1], ``depth`` (N, 1, S, S), ``label`` (N,).

    Also ``mask`` (N, 1, S, S), the object's pixels. Scenes are drawn ``batch`` at a time, each batch
    from its own generator seeded by (seed, batch number): the same ``seed`` and ``count`` always give
    the same data, and the first ``batch`` scenes do not depend on ``count``.
    Taught in notebooks/04_modality_hallucination.ipynb §7 Our reproduction: the data.
    """
    if not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a positive int, got {count!r}")
    if size < 16:
        raise ValueError(f"size must be at least 16 pixels, got {size}")
    if design not in DESIGNS:
        raise ValueError(f"design must be one of {sorted(DESIGNS)}, got {design!r}")
    parts = [
        _render_batch(min(batch, count - start), seed * 100_003 + start // batch, size, DESIGNS[design])
        for start in range(0, count, batch)
    ]
    return {key: torch.cat([p[key] for p in parts]) for key in parts[0]}


def _place(
    kinds: torch.Tensor, rotation: torch.Tensor, scale: torch.Tensor, centre: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """World-space points and normals of each scene's primitive: (n, K, 3) each, K padded by repeats."""
    templates = _templates()
    longest = max(len(p) for p, _ in templates)
    points, normals = [], []
    for kind in kinds.tolist():
        p, nrm = templates[kind]
        pad = torch.arange(longest) % len(p)  # repeat points so every scene has K of them
        points.append(p[pad])
        normals.append(nrm[pad])
    points, normals = torch.stack(points), torch.stack(normals)
    world = torch.einsum("nij,nkj->nki", rotation, points) * scale[:, None, None] + centre[:, None]
    return world, torch.einsum("nij,nkj->nki", rotation, normals)


def _scene_parameters(n: int, g: torch.Generator, size: int, design: SceneDesign) -> dict[str, torch.Tensor]:
    """Every random choice of ``n`` scenes, drawn from ``g`` in a fixed order (the data depend on it)."""
    label = torch.randint(len(CLASSES), (n,), generator=g)
    clutter_kind = torch.randint(len(CLASSES), (n,), generator=g)
    distance = 2.8 + 1.4 * torch.rand(n, generator=g)  # object centre's z
    spread = 0.35 * distance / FOCAL  # keeps the object in view
    centre = torch.stack(
        [
            spread * (2 * torch.rand(n, generator=g) - 1),
            spread * (2 * torch.rand(n, generator=g) - 1),
            distance,
        ],
        1,
    )
    scale = 0.75 + 0.35 * torch.rand(n, generator=g)
    rotation = _rotations(n, g)
    side = torch.where(torch.rand(n, generator=g) < 0.5, -1.0, 1.0)  # the distractor's side of the object
    clutter_centre = torch.stack(
        [
            side * (0.7 + 0.3 * torch.rand(n, generator=g)) * (distance + 0.9) / FOCAL,
            (2 * torch.rand(n, generator=g) - 1) * 0.8,
            distance + 0.9,
        ],
        1,
    )
    clutter_scale = 0.35 + 0.2 * torch.rand(n, generator=g)
    clutter_rotation = _rotations(n, g)
    tilt = 0.25 * (2 * torch.rand(n, 2, generator=g) - 1)
    wall_normal = F.normalize(torch.cat([tilt, -torch.ones(n, 1)], 1), dim=1)  # (n, 3), facing the camera
    sideways = torch.tensor([design.light_spread, design.light_spread, 0.3])
    light = torch.randn(n, 3, generator=g) * sideways + torch.tensor([0, 0, 1.0])
    return {
        "label": label, "clutter_kind": clutter_kind, "centre": centre, "scale": scale, "rotation": rotation,
        "clutter_centre": clutter_centre, "clutter_scale": clutter_scale,
        "clutter_rotation": clutter_rotation,
        "wall_normal": wall_normal, "light": F.normalize(light, dim=1),
        "object_paint": _texture_params(n, g, contrast=design.object_contrast),
        "clutter_paint": _texture_params(n, g), "wall_paint": _texture_params(n, g),
        "noise": 0.04 * torch.randn(n, size * size, 3, generator=g),
    }  # fmt: skip


def _zbuffer(points: torch.Tensor, size: int) -> torch.Tensor:
    """Project (n, K, 3) points through the pinhole; per pixel, the index of the nearest sample or −1.

    Each sample covers the 2 × 2 pixels nearest to it (splatting), so no pixel of a surface is left
    without a sample. Returns (n · size · size,) flat indices into ``points.view(-1, 3)``.
    """
    n = points.shape[0]
    z = points[..., 2]
    x_pixel = (points[..., 0] / z * FOCAL + 1) / 2 * size - 0.5  # x / z · f, then to pixel units
    y_pixel = (1 - points[..., 1] / z * FOCAL) / 2 * size - 0.5  # image rows grow downward
    sample = torch.arange(points.shape[0] * points.shape[1]).view(-1)
    base = torch.arange(n)[:, None] * size
    col0, row0 = x_pixel.floor().long(), y_pixel.floor().long()

    def splat(dy: int, dx: int) -> tuple[torch.Tensor, torch.Tensor]:
        col, row = col0 + dx, row0 + dy
        visible = (col >= 0) & (col < size) & (row >= 0) & (row < size)
        pixel = ((base + row.clamp(0, size - 1)) * size + col.clamp(0, size - 1)).view(-1)
        return pixel, torch.where(visible, z, torch.full_like(z, float("inf"))).view(-1)

    splats = [splat(dy, dx) for dy in (0, 1) for dx in (0, 1)]
    nearest = torch.full((n * size * size,), float("inf"))
    for pixel, key in splats:  # pass 1: the nearest depth per pixel
        nearest.scatter_reduce_(0, pixel, key, "amin")
    point_id = torch.full((n * size * size,), -1, dtype=torch.long)
    for pixel, key in splats:  # pass 2: which sample is that nearest one (ties: the highest index)
        winner = (key == nearest[pixel]) & key.isfinite()
        point_id.scatter_reduce_(0, pixel[winner], sample[winner], "amax")
    return point_id


def _render_batch(n: int, seed: int, size: int, design: SceneDesign) -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    scene = _scene_parameters(n, g, size, design)

    # 1. Both solids as dense surface point clouds, projected through a pinhole and z-buffered.
    obj_points, obj_normals = _place(scene["label"], scene["rotation"], scene["scale"], scene["centre"])
    clu_points, clu_normals = _place(
        scene["clutter_kind"], scene["clutter_rotation"], scene["clutter_scale"], scene["clutter_centre"]
    )
    points = torch.cat([obj_points, clu_points], 1)  # (n, 2K, 3)
    normals = torch.cat([obj_normals, clu_normals], 1)
    is_object = torch.cat([torch.ones(obj_points.shape[1]), torch.zeros(clu_points.shape[1])]).bool()
    point_id = _zbuffer(points, size)

    # 2. Every pixel's ray, the wall behind everything, and whichever surface is nearest: the depth map.
    coords = (torch.arange(size) + 0.5) / size * 2 - 1
    v, u = torch.meshgrid(-coords, coords, indexing="ij")
    rays = torch.stack([u / FOCAL, v / FOCAL, torch.ones_like(u)], -1).view(1, -1, 3)  # z-normalised
    wall_normal = scene["wall_normal"]
    wall_z = (wall_normal[:, 2] * WALL_Z)[:, None] / (rays * wall_normal[:, None]).sum(-1)  # (n, P)
    hit = point_id.view(n, -1) >= 0
    safe_id = point_id.view(n, -1).clamp(min=0)
    flat_points, flat_normals = points.view(-1, 3), normals.view(-1, 3)
    depth = torch.where(hit, flat_points[safe_id, 2], wall_z)
    normal = torch.where(
        hit[..., None], flat_normals[safe_id], wall_normal[:, None].expand(-1, size * size, -1)
    )
    surface_point = torch.where(hit[..., None], flat_points[safe_id], rays * wall_z[..., None])
    on_object = hit & is_object[safe_id % is_object.numel()]

    # 3. Colour: each surface's procedural paint (the object's in its own frame), Blinn–Phong shading
    #    with the design's weights, and pixel noise.
    local = torch.einsum("nji,npj->npi", scene["rotation"], surface_point - scene["centre"][:, None])
    local = local / scene["scale"][:, None, None]
    background = torch.where(
        hit[..., None],
        _texture(surface_point * 1.5, scene["clutter_paint"]),
        _texture(surface_point * 0.6, scene["wall_paint"]),
    )
    colour = torch.where(on_object[..., None], _texture(local, scene["object_paint"]), background)
    light = -scene["light"][:, None]  # (n, 1, 3), towards the light
    shade = design.ambient + design.diffuse * (normal * light).sum(-1).clamp(min=0)
    half_way = F.normalize(light + F.normalize(-surface_point, dim=-1), dim=-1)  # between light and eye
    highlight = design.specular * (normal * half_way).sum(-1).clamp(min=0) ** design.shininess
    rgb = (colour * shade[..., None] + highlight[..., None] + scene["noise"]).clamp(0, 1)
    return {
        "rgb": rgb.permute(0, 2, 1).reshape(n, 3, size, size),
        "depth": depth.view(n, 1, size, size),
        "label": scene["label"],
        "mask": on_object.view(n, 1, size, size),
    }


def encode_depth(depth: torch.Tensor) -> torch.Tensor:
    """Depth (N, 1, H, W) → 3 channels: disparity 1/z (scaled) and its horizontal, vertical gradients.

    Three channels, like the paper's HHA images, so the depth network's first layer has the same
    shape as the RGB network's and can be copied into the hallucination network.
    Taught in notebooks/04_modality_hallucination.ipynb §7 Our reproduction: the data.
    """
    if depth.dim() != 4 or depth.shape[1] != 1:
        raise ValueError(f"depth must be (N, 1, H, W), got {tuple(depth.shape)}")
    if not torch.isfinite(depth).all() or (depth <= 0).any():
        raise ValueError("depth must be positive and finite (no NaN or zero depths)")
    disparity = 3.0 / depth  # ≈ 0.3 … 1
    dx = F.pad(disparity[..., :, 1:] - disparity[..., :, :-1], (0, 1, 0, 0)) * 10
    dy = F.pad(disparity[..., 1:, :] - disparity[..., :-1, :], (0, 0, 0, 1)) * 10
    return torch.cat([disparity, dx.clamp(-1, 1), dy.clamp(-1, 1)], dim=1)
