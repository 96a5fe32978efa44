"""Count logic lines per package (non-blank, non-comment, outside docstrings), for review.

python tools/loc.py [root]
"""

import ast
import sys
from collections import Counter
from pathlib import Path


def docstring_lines(tree):
    """Line numbers covered by module, class and function docstrings."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                if isinstance(body[0].value.value, str):
                    lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    return lines


def logic_lines(path):
    source = path.read_text()
    skip = docstring_lines(ast.parse(source))
    count = 0
    for i, line in enumerate(source.splitlines(), 1):
        text = line.strip()
        if text and not text.startswith("#") and i not in skip:
            count += 1
    return count


def main(root="ember"):
    totals = Counter()
    for path in sorted(Path(root).rglob("*.py")):
        package = str(path.parent.relative_to(Path(root).parent))
        totals[package] += logic_lines(path)
    width = max(map(len, totals), default=10)
    for package, n in sorted(totals.items()):
        print(f"{package:<{width}}  {n:6d}")
    print(f"{'total':<{width}}  {sum(totals.values()):6d}")


if __name__ == "__main__":
    main(*sys.argv[1:])
