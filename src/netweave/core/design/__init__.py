"""Design (PRODUCT.md, "Design"): guidance rules, the sharpness check and the overlap finder.

Pure core, no web framework: plain Python, NumPy and SciPy over charter answers and
already-computed figures, so the wizard, the API and the CLI share it.
"""
