"""WordTree: the label hierarchy behind YOLO9000's "Stronger" half (paper §4).

Taught in notebooks/02_yolo9000.ipynb §10 Stronger: hierarchical classification.

ImageNet's labels are WordNet synsets, and WordNet is a directed *graph* (a synset may have several
hypernyms). The paper turns it into a tree:

1. every label with a single path to the root adds that path;
2. each remaining label adds, of its paths, the one that grows the tree by the fewest new nodes.

For ImageNet-1k the paper reports 1369 nodes. A **hierarchical softmax** then predicts one softmax
per group of siblings (co-hyponyms): Pr(node | parent). The absolute probability of a node is the
product of the conditionals on its path to the root,

    Pr(Norfolk terrier) = Pr(Norfolk terrier | terrier) · Pr(terrier | hunting dog) · … (up to the top)

prediction walks down the tree taking the most likely child while its absolute probability stays
above a threshold, and a label trains only the conditionals at and above its own level.

The hierarchy is read offline from the shipped ``data/imagenet/wordnet.is_a.txt`` (ImageNet's copy of
the WordNet 3.0 noun hypernym graph), so no WordNet reader is needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import torch
import torch.nn.functional as F

from ..checks import check_tensor
from ..data import DataFileError, data_file

__all__ = [
    "ENTITY",
    "WordTree",
    "WordTreeError",
    "absolute_log_probs",
    "build_wordtree",
    "compare_trees",
    "conditional_log_probs",
    "format_subtree",
    "hierarchical_loss",
    "imagenet_labels",
    "paths_to_root",
    "predict",
    "read_darknet_tree",
    "read_is_a",
    "synset_names",
]

ENTITY = "n00001740"  # entity.n.01, the root of WordNet's nouns

_WNID = re.compile(r"n\d{8}")  # a WordNet noun synset id


class WordTreeError(ValueError):
    """The hypernym graph or a label cannot form a tree (unknown synset, cycle, no path to the root)."""


@lru_cache(maxsize=1)
def read_is_a() -> dict[str, tuple[str, ...]]:
    """child wnid → its parent wnids, from ImageNet's ``wordnet.is_a.txt`` (75,850 pairs).

    Taught in notebooks/02_yolo9000.ipynb §10 Stronger.
    """
    parents: dict[str, list[str]] = {}
    path = data_file("imagenet/wordnet.is_a.txt")
    for number, line in enumerate(path.read_text().split("\n"), start=1):
        if line.strip():
            pair = line.split()
            if len(pair) != 2 or not all(_WNID.fullmatch(w) for w in pair):
                raise DataFileError(f"{path}, line {number}: expected 'parent_wnid child_wnid', got {line!r}")
            parents.setdefault(pair[1], []).append(pair[0])
    return {child: tuple(p) for child, p in parents.items()}


@lru_cache(maxsize=1)
def synset_names() -> dict[str, str]:
    """wnid → its first lemma (``n02085620`` → ``Chihuahua``). Taught in §10 Stronger."""
    names = {}
    path = data_file("imagenet/words.txt")
    for number, line in enumerate(path.read_text().split("\n"), start=1):
        if line.strip():
            wnid, tab, words = line.partition("\t")
            if not tab or not _WNID.fullmatch(wnid):
                raise DataFileError(f"{path}, line {number}: expected 'wnid<TAB>words', got {line!r}")
            names[wnid] = words.split(",")[0].strip()
    return names


def imagenet_labels() -> list[str]:
    """The 1000 ILSVRC-2012 wnids in the standard order. Taught in §10 Stronger."""
    path = data_file("imagenet/LOC_synset_mapping.txt")
    labels = []
    for number, line in enumerate(path.read_text().split("\n"), start=1):
        if line.strip():
            wnid = line.split()[0]
            if not _WNID.fullmatch(wnid):
                raise DataFileError(f"{path}, line {number}: expected a wnid first, got {line!r}")
            labels.append(wnid)
    return labels


def paths_to_root(wnid: str, parents: dict[str, tuple[str, ...]], root: str = ENTITY) -> list[tuple]:
    """Every hypernym path from ``root`` down to ``wnid`` (each a tuple root … wnid), sorted.

    Raises :class:`WordTreeError` for an unknown synset, a cycle, or a synset with no path to ``root``.
    Taught in notebooks/02_yolo9000.ipynb §10 Stronger.
    """
    if wnid != root and wnid not in parents:
        raise WordTreeError(f"synset {wnid!r} has no parents (unknown id or missing parent)")
    memo: dict[str, list[tuple[str, ...]]] = {}

    def walk(node: str, visiting: frozenset) -> list[tuple[str, ...]]:
        if node == root:
            return [(root,)]
        if node in visiting:
            raise WordTreeError(f"the hypernym graph has a cycle through {node!r}")
        if node not in memo:
            found = []
            for parent in parents.get(node, ()):
                found += [path + (node,) for path in walk(parent, visiting | {node})]
            memo[node] = found
        return memo[node]

    found = sorted(walk(wnid, frozenset()))
    if not found:
        raise WordTreeError(f"synset {wnid!r} has no path to the root {root!r}")
    return found


@dataclass
class WordTree:
    """A tree of synsets: ``nodes[i]`` has parent ``parent[i]`` (−1: a top-level node).

    Nodes are stored parents-first, so one pass in index order visits every parent before its
    children. ``labels`` are the wnids that are classes.
    """

    nodes: list[str]
    parent: list[int]
    labels: list[str]
    index: dict[str, int] = field(init=False, repr=False)
    groups: list[list[int]] = field(init=False, repr=False)
    kids: dict[int, list[int]] = field(init=False, repr=False)  # parent index (−1: top) → children

    def __post_init__(self):
        if len(self.nodes) != len(self.parent):
            raise WordTreeError("nodes and parent must have the same length")
        if any(p >= i for i, p in enumerate(self.parent)):
            raise WordTreeError("every parent must come before its children")
        self.index = {wnid: i for i, wnid in enumerate(self.nodes)}
        missing = [wnid for wnid in self.labels if wnid not in self.index]
        if missing:
            raise WordTreeError(f"labels not in the tree: {missing[:5]}")
        self.kids = {}
        for i, p in enumerate(self.parent):
            self.kids.setdefault(p, []).append(i)
        self.groups = list(self.kids.values())  # sibling groups, one softmax each

    def __len__(self) -> int:
        return len(self.nodes)

    def path(self, node: int) -> list[int]:
        """Indices from ``node`` up to its top-level ancestor."""
        out = []
        while node >= 0:
            out.append(node)
            node = self.parent[node]
        return out

    def children(self, node: int) -> list[int]:
        return self.kids.get(node, [])


def _splice(parent_of: dict[str, str], labels: set[str]) -> None:
    """Remove, in place, every non-label node with a single child (its child takes its place)."""
    children: dict[str, list[str]] = {}
    for child, up in parent_of.items():
        children.setdefault(up, []).append(child)
    for node in [n for n in parent_of if n not in labels and len(children.get(n, [])) == 1]:
        only = children[node][0]
        parent_of[only] = parent_of[node]
        children.setdefault(parent_of[node], []).remove(node)
        children[parent_of[node]].append(only)
        del parent_of[node]


def _breadth_first(parent_of: dict[str, str], root: str) -> tuple[list[str], list[int]]:
    """Nodes parents first (breadth-first from the root, children sorted by wnid) and parent indices."""
    children: dict[str, list[str]] = {}
    for child, up in sorted(parent_of.items()):
        children.setdefault(up, []).append(child)
    order, parent_index, frontier = [], [], [(root, -1)]
    while frontier:
        next_frontier = []
        for node, node_index in frontier:
            for child in children.get(node, []):
                order.append(child)
                parent_index.append(node_index)
                next_frontier.append((child, len(order) - 1))
        frontier = next_frontier
    return order, parent_index


def build_wordtree(
    labels: list[str],
    parents: dict[str, tuple[str, ...]] | None = None,
    root: str = ENTITY,
    splice: bool = True,
) -> WordTree:
    """The paper's WordTree over ``labels``; ``splice`` removes non-label nodes with a single child.

    Splicing (our reading of the paper's count; darknet's 9k.tree keeps some one-child nodes) drops
    chains like entity → physical entity → object that carry no choice: a one-child softmax always
    says 1. The root itself is not a node; its children form the top-level group.
    Taught in notebooks/02_yolo9000.ipynb §10 Stronger.
    """
    if not labels or len(set(labels)) != len(labels):
        raise WordTreeError("labels must be a non-empty list of distinct wnids")
    parents = read_is_a() if parents is None else parents
    all_paths = {wnid: paths_to_root(wnid, parents, root) for wnid in labels}
    parent_of: dict[str, str] = {}

    def add(path: tuple[str, ...]) -> None:
        for up, down in zip(path, path[1:], strict=False):
            parent_of.setdefault(down, up)

    for wnid in labels:  # 1. labels with a single path
        if len(all_paths[wnid]) == 1:
            add(all_paths[wnid][0])
    for wnid in labels:  # 2. the path that grows the tree least (ties: the first, sorted)
        if len(all_paths[wnid]) > 1:
            add(min(all_paths[wnid], key=lambda path: sum(node not in parent_of for node in path[1:])))

    if splice:
        _splice(parent_of, set(labels))
    order, parent_index = _breadth_first(parent_of, root)
    return WordTree(order, parent_index, list(labels))


def read_darknet_tree() -> WordTree:
    """darknet's ``9k.tree`` (9418 nodes: ``wnid parent_index``) as a :class:`WordTree`.

    Taught in notebooks/02_yolo9000.ipynb §10 Stronger.
    """
    nodes, parent = [], []
    for line in data_file("darknet/9k.tree").read_text().split("\n"):
        if line.strip():
            wnid, up = line.split()
            nodes.append(wnid)
            parent.append(int(up))
    return WordTree(nodes, parent, [])


def conditional_log_probs(logits: torch.Tensor, tree: WordTree) -> torch.Tensor:
    """log Pr(node | parent) for every node: one log-softmax per sibling group. (..., N) → (..., N).

    Taught in notebooks/02_yolo9000.ipynb §10 Stronger.
    """
    check_tensor(logits, "logits")
    if logits.dim() == 0 or logits.shape[-1] != len(tree):
        raise ValueError(f"logits must end in {len(tree)} (one per tree node), got {tuple(logits.shape)}")
    out = torch.empty_like(logits)
    for group in tree.groups:
        out[..., group] = F.log_softmax(logits[..., group], dim=-1)
    return out


def absolute_log_probs(conditional: torch.Tensor, tree: WordTree) -> torch.Tensor:
    """log Pr(node) = Σ of the conditional log-probabilities on its path up to the top level.

    Taught in notebooks/02_yolo9000.ipynb §10 Stronger.
    """
    check_tensor(conditional, "conditional", high=1e-6)  # log-probabilities are ≤ 0
    if conditional.dim() == 0 or conditional.shape[-1] != len(tree):
        raise ValueError(
            f"conditional must end in {len(tree)} (one per tree node), got {tuple(conditional.shape)}"
        )
    columns = list(conditional.unbind(-1))
    for i, p in enumerate(tree.parent):  # parents first, so columns[p] is already absolute
        if p >= 0:
            columns[i] = columns[i] + columns[p]
    return torch.stack(columns, dim=-1)


def predict(absolute: torch.Tensor, tree: WordTree, threshold: float = 0.5) -> list[int]:
    """Top-down prediction per row of (B, N) absolute probabilities: follow the most likely child
    while its probability is ≥ ``threshold``; returns the deepest node reached (−1 for none).

    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold}")
    check_tensor(absolute, "absolute (probabilities)", (None, len(tree)), low=0.0, high=1.0 + 1e-6)
    kids = tree.kids
    results = []
    for row in absolute:
        node = -1
        while node in kids:
            options = kids[node]
            best = options[int(row[options].argmax())]
            if row[best] < threshold:
                break
            node = best
        results.append(node)
    return results


def hierarchical_loss(logits: torch.Tensor, labels: torch.Tensor, tree: WordTree) -> torch.Tensor:
    """Summed −log Pr(node | parent) over each label's path: the loss only at or above its level.

    ``logits`` (B, N), ``labels`` (B,) node indices. Returns the per-example loss (B,).
    """
    if labels.dim() != 1 or len(labels) != len(logits):
        raise ValueError("labels must be (B,) node indices matching logits (B, N)")
    check_tensor(labels, "labels (tree node indices)", low=0, high=len(tree) - 1, integer=True)
    conditional = conditional_log_probs(logits, tree)
    on_path = torch.zeros_like(conditional, dtype=torch.bool)
    for row, label in enumerate(labels.tolist()):
        on_path[row, tree.path(label)] = True
    return -(conditional * on_path).sum(-1)


def compare_trees(ours: WordTree, theirs: WordTree, labels: list[str]) -> dict[str, float]:
    """How ``theirs`` restricted to ``labels`` (the labels and their ancestors) agrees with ``ours``.

    Returns the node counts, the shared nodes, and the fraction of shared nodes (and of labels) whose
    parent is the same synset in both trees. Taught in notebooks/02_yolo9000.ipynb §10 Stronger.
    """
    missing = [w for w in labels if w not in theirs.index]
    if missing:
        raise WordTreeError(f"{len(missing)} labels are not in the other tree, e.g. {missing[:3]}")
    kept = {node for w in labels for node in theirs.path(theirs.index[w])}

    def parent_wnid(tree: WordTree, wnid: str) -> str | None:
        p = tree.parent[tree.index[wnid]]
        return tree.nodes[p] if p >= 0 else None

    theirs_nodes = {theirs.nodes[i] for i in kept}
    shared = theirs_nodes & set(ours.nodes)
    same = [w for w in shared if parent_wnid(ours, w) == parent_wnid(theirs, w)]
    same_labels = [w for w in labels if parent_wnid(ours, w) == parent_wnid(theirs, w)]
    return {
        "ours": len(ours),
        "theirs": len(theirs_nodes),
        "shared": len(shared),
        "parent_agreement": len(same) / len(shared),
        "label_parent_agreement": len(same_labels) / len(labels),
    }


def format_subtree(tree: WordTree, wnid: str, max_depth: int = 3, max_children: int = 8) -> str:
    """An indented text drawing of the subtree under ``wnid`` (labels marked ●, others ○).

    Taught in notebooks/02_yolo9000.ipynb §10 Stronger.
    """
    if wnid not in tree.index:
        raise WordTreeError(f"synset {wnid!r} is not in the tree")
    names, labels = synset_names(), set(tree.labels)
    kids = tree.kids
    lines = []

    def draw(node: int, depth: int) -> None:
        mark = "●" if tree.nodes[node] in labels else "○"
        below = kids.get(node, [])
        lines.append(
            f"{'    ' * depth}{mark} {names.get(tree.nodes[node], tree.nodes[node])}"
            + (f"  ({len(below)} children)" if below and depth == max_depth else "")
        )
        if depth < max_depth:
            for child in below[:max_children]:
                draw(child, depth + 1)
            if len(below) > max_children:
                lines.append(f"{'    ' * (depth + 1)}… {len(below) - max_children} more")

    draw(tree.index[wnid], 0)
    return "\n".join(lines)
