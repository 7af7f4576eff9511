"""Paper 004's published numbers and claims (Table 1, the text's numbers, §2 example, claims C1-C12)."""
from __future__ import annotations

# Table 1: (dataset, architecture key, name, layers, parameters).
TABLE1 = (
    ("cifar10", "mlp", "2-Layer Perceptron", 2, 3_157_002),
    ("cifar10", "simple_cnn", "Simple CNN", 7, 1_147_978),
    ("cifar10", "resnet32", "ResNet", 32, 467_946),
    ("cifar10", "densenet40", "DenseNet", 40, 1_019_722),
    ("mnist", "mlp", "2-Layer Perceptron", 2, 814_090),
    ("mnist", "simple_cnn", "Simple CNN", 7, 312_202),
    ("mnist", "resnet20", "ResNet", 20, 272_778),
    ("stl10", "vgg20", "Simple CNN", 20, 7_257_322),
    ("stl10", "resnet20", "ResNet", 20, 278_186),
    ("stl10", "densenet40", "DenseNet", 40, 1_019_722),
    ("tiny_imagenet", "vgg20", "Simple CNN", 20, 6_044_072),
    ("tiny_imagenet", "densenet40", "DenseNet", 40, 1_105_032),
)

IMAGE_SHAPES = {"mnist": (28, 28, 1), "cifar10": (32, 32, 3), "stl10": (96, 96, 3), "tiny_imagenet": (64, 64, 3)}

# §2 linear-regression example.
REGRESSION = {"M1": {"mse": 0.0450, "mean_delta": 0.2194}, "M2": {"mse": 0.0396, "mean_delta": 0.2125}}

# Numbers in the text beside which ours are printed: (what, published value, how we read ours).
TEXT_NUMBERS = (
    ("CIFAR-10 Simple CNN CW-L2 robustness (eq. 4), range over sizes (§4.2)", "0.30-0.55", "cifar10/simple_cnn", "l2"),
    ("CIFAR-10 DenseNet CW-L2 robustness (eq. 4), range over sizes (§4.2)", "0-0.25", "cifar10/densenet40", "l2"),
    ("CIFAR-10 2-layer perceptron: models, one per subset (§4.2)", "11", "cifar10/mlp", "models"),
    ("CW and I-FGSM attack success on every model (§4.1)", "100%", "*", "success"),
)

# Where the paper says a turning point occurs (§4.2): family -> True (yes) / False (no).
TURNING_CLAIMS = {
    "C2": {"cifar10/mlp": True, "cifar10/simple_cnn": True, "cifar10/resnet32+D": True, "cifar10/densenet40+D": True},
    "C3": {"cifar10/resnet32": False, "cifar10/densenet40": False},
    "C4": {"stl10/vgg20": True, "stl10/resnet20+D": True, "stl10/densenet40": True, "stl10/densenet40+D": True,
           "stl10/resnet20": False},
    "C5": {"tiny_imagenet/vgg20": False, "tiny_imagenet/densenet40": False, "tiny_imagenet/densenet40+D": False},
}

CLAIMS = {
    "C1": "test accuracy is non-decreasing in subset size for every family (seed noise allowed) (Abstract, §4.2, §6)",
    "C2": "CIFAR-10: MLP, Simple CNN, ResNet-32+D, DenseNet-40+D robustness has a turning point (§4.2, Fig. 1)",
    "C3": "CIFAR-10: ResNet-32 and DenseNet-40 without augmentation: roughly constant robustness, no turning point",
    "C4": "STL-10: turning point for VGG-20, ResNet-20+D, DenseNet-40 (+-D); none for ResNet-20 (§4.2, Fig. 3)",
    "C5": "Tiny ImageNet: robustness increases with size, no turning point (§4.2, Fig. 4)",
    "C6": "MNIST: accuracy saturates early; robustness changes little over sizes (§4.2, Fig. 2)",
    "C7": "on one dataset the more accurate architectures are less robust; CIFAR-10 Simple CNN L2 in [0.30, 0.55] "
          "vs DenseNet in [0, 0.25] (§4.2)",
    "C8": "data augmentation makes turning points appear (ResNet+D vs ResNet on CIFAR-10/STL-10) (§4.2)",
    "C9": "CW and I-FGSM reach 100% success on every model (§4.1)",
    "C10": "the eq.-5 adversarial-accuracy view leads to the same conclusions as eq. 4 (Appendix)",
    "C11": "linear regression (§2): M2 has lower test MSE (0.0396 < 0.0450) and lower mean delta (0.2125 < 0.2194)",
    "C12": "the turning point is model- and dataset-dependent (Abstract, §4.2, §6)",
}
