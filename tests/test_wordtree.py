import pytest
import torch

from dmlib.yolo import wordtree, yolo9000

TOY = {  # a graph with one label that has two paths: b has parents a and c
    "a": ("root",), "c": ("root",), "b": ("a", "c"), "x": ("a",), "y": ("c",), "z": ("c",),
}  # fmt: skip


def test_paths_to_root_lists_every_path_and_names_bad_graphs():
    assert wordtree.paths_to_root("b", TOY, root="root") == [("root", "a", "b"), ("root", "c", "b")]
    with pytest.raises(wordtree.WordTreeError, match="unknown id"):
        wordtree.paths_to_root("nope", TOY, root="root")
    with pytest.raises(wordtree.WordTreeError, match="cycle"):
        wordtree.paths_to_root("p", {"p": ("q",), "q": ("p",)}, root="root")
    with pytest.raises(wordtree.WordTreeError, match="no path"):
        wordtree.paths_to_root("p", {"p": ("q",), "q": ()}, root="root")


def test_multi_path_label_takes_the_path_that_adds_fewest_nodes():
    # y and z bring c into the tree first, so b joins under c (adding nothing new) rather than a.
    tree = wordtree.build_wordtree(["y", "z", "b"], TOY, root="root", splice=False)
    assert tree.nodes[tree.parent[tree.index["b"]]] == "c"
    assert "a" not in tree.index


def test_splicing_removes_single_child_non_label_nodes():
    graph = {"mid": ("root",), "leaf1": ("mid",), "top": ("root",), "leaf2": ("top",), "leaf3": ("top",)}
    raw = wordtree.build_wordtree(["leaf1", "leaf2", "leaf3"], graph, root="root", splice=False)
    spliced = wordtree.build_wordtree(["leaf1", "leaf2", "leaf3"], graph, root="root")
    assert len(raw) == 5
    assert len(spliced) == 4
    assert "mid" not in spliced.index
    assert spliced.parent[spliced.index["leaf1"]] == -1


def test_wordtree_1k_is_within_a_few_nodes_of_the_papers_1369():
    labels = wordtree.imagenet_labels()
    assert len(labels) == 1000
    raw = wordtree.build_wordtree(labels, splice=False)
    spliced = wordtree.build_wordtree(labels)
    assert len(raw) > 1700
    assert abs(len(spliced) - 1369) <= 10
    assert all(label in spliced.index for label in labels)


def test_build_rejects_bad_labels():
    with pytest.raises(wordtree.WordTreeError, match="distinct"):
        wordtree.build_wordtree(["x", "x"], TOY, root="root")
    with pytest.raises(wordtree.WordTreeError, match="no parents"):
        wordtree.build_wordtree(["n99999999"])


def test_darknet_tree_reads_9418_nodes():
    tree = wordtree.read_darknet_tree()
    assert len(tree) == 9418
    assert tree.parent[0] == -1


def _toy_tree():
    graph = {"a": ("root",), "b": ("root",), "a1": ("a",), "a2": ("a",)}
    graph |= {"b1": ("b",), "b2": ("b",), "b3": ("b",)}
    return wordtree.build_wordtree(["a1", "a2", "b1", "b2", "b3"], graph, root="root")


def test_childrens_absolute_probabilities_sum_to_their_parent():
    tree = _toy_tree()
    logits = torch.randn(4, len(tree))
    absolute = wordtree.absolute_log_probs(wordtree.conditional_log_probs(logits, tree), tree).exp()
    for node in range(len(tree)):
        kids = tree.children(node)
        if kids:
            assert torch.allclose(absolute[:, kids].sum(1), absolute[:, node], atol=1e-6)
    top = [i for i, p in enumerate(tree.parent) if p == -1]
    assert torch.allclose(absolute[:, top].sum(1), torch.ones(4), atol=1e-6)


def test_a_leafs_path_product_is_its_absolute_probability():
    tree = _toy_tree()
    logits = torch.randn(3, len(tree))
    conditional = wordtree.conditional_log_probs(logits, tree).exp()
    absolute = wordtree.absolute_log_probs(conditional.log(), tree).exp()
    leaf = tree.index["b2"]
    assert torch.allclose(conditional[:, tree.path(leaf)].prod(1), absolute[:, leaf], atol=1e-6)


def test_one_level_tree_is_a_flat_softmax():
    graph = {name: ("root",) for name in "pqrs"}
    tree = wordtree.build_wordtree(list("pqrs"), graph, root="root")
    logits = torch.randn(5, 4)
    absolute = wordtree.absolute_log_probs(wordtree.conditional_log_probs(logits, tree), tree)
    assert torch.allclose(absolute, logits.log_softmax(-1), atol=1e-6)
    labels = torch.randint(4, (5,))
    loss = wordtree.hierarchical_loss(logits, labels, tree)
    flat = torch.nn.functional.cross_entropy(logits, labels, reduction="none")
    assert torch.allclose(loss, flat, atol=1e-6)


def test_loss_trains_only_at_or_above_the_labels_level():
    tree = _toy_tree()
    logits = torch.randn(1, len(tree), requires_grad=True)
    wordtree.hierarchical_loss(logits, torch.tensor([tree.index["b"]]), tree).sum().backward()
    touched = {tree.nodes[i] for i in torch.nonzero(logits.grad[0]).squeeze(1).tolist()}
    assert touched == {"a", "b"}  # the top-level group only; b's children get no gradient
    with pytest.raises(ValueError, match="node indices"):
        wordtree.hierarchical_loss(logits, torch.tensor([99]), tree)


def test_top_down_prediction_stops_below_the_threshold():
    tree = _toy_tree()
    logits = torch.zeros(1, len(tree))
    logits[0, tree.index["b"]] = 5.0  # confident: b; unsure among b's three children
    absolute = wordtree.absolute_log_probs(wordtree.conditional_log_probs(logits, tree), tree).exp()
    assert tree.nodes[wordtree.predict(absolute, tree, 0.5)[0]] == "b"
    assert tree.nodes[wordtree.predict(absolute, tree, 0.2)[0]] in {"b1", "b2", "b3"}
    with pytest.raises(ValueError, match="threshold"):
        wordtree.predict(absolute, tree, 1.5)


def test_mini_tree_puts_digits_under_digit_and_boxes_coarse_labels():
    tree = yolo9000.mini_wordtree()
    names = wordtree.synset_names()
    digit_parents = {names[tree.nodes[tree.parent[tree.index[w]]]] for w in yolo9000.DIGIT_SYNSETS}
    assert digit_parents == {"digit"}
    assert yolo9000.detection_label(0) == tree.index[yolo9000.DIGIT_SYNSETS[0]]  # boxed: its own label
    assert names[tree.nodes[yolo9000.detection_label(7)]] == "digit"  # unboxed: only the parent
    with pytest.raises(ValueError, match="fine"):
        yolo9000.detection_label(20)


def test_joint_rule_trains_one_box_per_classification_image():
    tree = yolo9000.mini_wordtree()
    anchors = torch.ones(2, 2)
    output = torch.randn(3, 2 * (5 + len(tree)), 4, 4, requires_grad=True)
    labels = yolo9000.class_nodes()[torch.tensor([0, 12, 19])]
    settings = yolo9000.RegionLossConfig(tree=tree)
    loss, parts = yolo9000.classification_loss(output, labels, anchors, tree, settings)
    loss.backward()
    class_grad = output.grad.view(3, 2, 5 + len(tree), 4, 4)[:, :, 5:].abs().sum(2)  # (B, A, H, W)
    assert ((class_grad > 0).flatten(1).sum(1) == 1).all()  # the class loss reaches a single box
    assert parts["cls_class"] > 0
    with pytest.raises(ValueError, match="labels"):
        yolo9000.classification_loss(output, labels[:2], anchors, tree, yolo9000.RegionLossConfig(tree=tree))


def test_yolo9000_config_validates():
    with pytest.raises(ValueError, match="classification_share"):
        yolo9000.YOLO9000Config(classification_share=1.0)


def test_wordtree_path_viewer_walks_down_the_tree():
    from dmlib.registry import load_pretrained
    from dmlib.yolo import widgets

    pretrained = load_pretrained("yolo9000")
    model, anchors = pretrained.networks["model"], pretrained.tensors["anchors"]
    images, targets = yolo9000.canvases("test", range(6), "classification")
    viewer = widgets.wordtree_path_viewer(model, anchors, images)
    controls = {c.description: c for c in viewer.children[:-1]}
    path = viewer.result
    assert path
    assert all(0 <= conditional <= 1 for _, conditional, _ in path)
    absolutes = [absolute for _, _, absolute in path]
    assert absolutes == sorted(absolutes, reverse=True)  # Pr can only shrink going down
    controls["threshold"].value = 0.05
    deep = viewer.result
    controls["threshold"].value = 0.95
    shallow = viewer.result
    # A higher threshold stops the walk earlier: a strictly shorter prefix of the same path.
    assert len(shallow) < len(deep)
    assert shallow == deep[: len(shallow)]
    assert all(absolute >= 0.95 for _, _, absolute in shallow)
    controls["test image"].value = 3
    assert viewer.result != path or len(images) == 1
    with pytest.raises(ValueError, match="at least one"):
        widgets.wordtree_path_viewer(model, anchors, images[:0])
