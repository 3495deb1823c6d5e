"""Finds every argument in components/ and pages/ that reaches Streamlit's Markdown and is neither a constant nor
text passed through `components.ui.text.md` (used by test_markdown_call_sites.py).

Streamlit 1.67 renders Markdown (links, images, `:red[...]`, `:material/…:`, `$maths$`) not only in `st.markdown`
and its cousins but in widget labels, tab names, metric values, radio/pills options, `help=` tooltips, page and
dialog titles (checked in Chromium: an expander label `![](https://…)` fetches the image). The scanner reads the
code (AST), so it sees call sites no test runs; what it cannot prove safe it reports with file:line.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from core.config import PROJECT_ROOT

ROOTS = ("components", "pages")

# Elements whose positional text arguments render Markdown.
BODY = frozenset(
    {"markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success", "toast", "write"}
)
# Widgets whose label (first positional argument or `label=`) renders Markdown.
LABELLED = frozenset(
    {
        "button", "download_button", "link_button", "form_submit_button", "expander", "popover", "checkbox",
        "toggle", "radio", "text_input", "text_area", "number_input", "selectbox", "multiselect", "slider",
        "select_slider", "date_input", "time_input", "file_uploader", "color_picker", "pills", "segmented_control",
        "status", "spinner", "badge", "camera_input", "feedback_label",
    }
)  # fmt: skip
# Keyword arguments that render Markdown wherever they appear.
MARKDOWN_KEYWORDS = frozenset({"help", "label", "captions", "delta_description"})
# The project's own wrappers: the argument positions and keywords they pass on into Markdown. Their callers are
# checked here; inside the wrapper those parameters count as checked.
WRAPPERS: dict[str, tuple[tuple[int, ...], frozenset[str]]] = {
    "flash": ((1,), frozenset({"message"})),  # components.ui.flash: st.success/…/toast on the next run
    "empty_state": ((0,), frozenset({"message"})),  # components.ui.empty: st.info / st.success
    "tile": ((0, 1), frozenset({"label", "value"})),  # components.ui.kpi: st.metric
    "change_tile": ((0, 1), frozenset({"label", "value", "compared_with"})),
    "_toast": ((0,), frozenset({"message"})),  # components.seller.listing_health: flash(..., kind="toast")
    "_detail_table": ((), frozenset({"empty"})),  # components.admin.seller_success: empty_state(empty)
    "kpi_tile": ((), frozenset({"delta_description"})),  # components.ui.kpi: tile(..., delta_description=)
}
# Methods that change a list or dict in place: a name changed so is not known from its assignment alone.
MUTATORS = frozenset({"append", "extend", "insert", "update", "setdefault", "__setitem__"})
# str methods that add no Markdown to a safe text.
STR_METHODS = frozenset({"lower", "upper", "title", "capitalize", "strip", "rstrip", "lstrip"})
# Receivers that are not Streamlit (a logger's `.error`, a string's `.title()`).
NOT_STREAMLIT = frozenset({"log", "logger", "logging", "LOG", "LOGGER", "warnings", "parser", "cookies"})
# The text-safety functions: their result is plain text inside Markdown.
ESCAPERS = frozenset({"md", "md_keep_bold", "code"})
# Product-own formatters: their result has no Markdown meaning and no user text (numbers, dates, fixed words).
# Money too: its "$" is always followed by a digit, and a "$" before a digit never closes maths ("$5 and $9"
# stays text, checked in Chromium).
SAFE_FORMATTERS = frozenset(
    {
        "format_count", "format_percent", "format_change", "format_day_range", "format_local", "format_duration",
        "type_label", "kpi_value_text", "kpi_delta_text", "format_money", "format_money_compact",
        "format_money_short", "format_share", "plural", "len", "int", "round", "abs", "min", "max", "sum",
        "format_day", "format_signed_money",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Site:
    path: str
    line: int
    function: str
    call: str
    argument: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} in {self.function}(): {self.call}({self.argument})"


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _receiver(node: ast.expr) -> str | None:
    return _name(node.value) if isinstance(node, ast.Attribute) else None


def _is_constant_name(name: str) -> bool:
    return name.isupper() and name.strip("_") != ""


def _is_number(node: ast.expr) -> bool:
    """`len(x)`, `x + 1`, `n * 100`: arithmetic can only be a number."""
    match node:
        case ast.Constant(value=int() | float()):
            return True
        case ast.Call(func=ast.Name(id="len" | "int" | "round" | "abs" | "min" | "max" | "sum")):
            return True
        case ast.BinOp(left=left, right=right):
            return _is_number(left) or _is_number(right)
        case ast.UnaryOp(operand=operand):
            return _is_number(operand)
    return False


class Safety:
    """Whether an expression can only produce text that means nothing to Markdown beyond what the product wrote;
    a local name is as safe as every value assigned to it in the same function."""

    def __init__(
        self,
        assignments: dict[str, list[ast.expr]],
        checked: frozenset[str] = frozenset(),
        returns_safe: Callable[[str], bool] = lambda name: False,
    ) -> None:
        self.assignments = assignments
        self.checked = checked
        self.returns_safe = returns_safe
        self.checking: set[str] = set()

    def __call__(self, node: ast.expr | None, *, whole: bool = True) -> bool:
        match node:
            case None | ast.Constant():
                return True
            case ast.Name(id=name) | ast.Attribute(attr=name) if _is_constant_name(name):
                return True
            case ast.Attribute(value=ast.Name(id=owner)) if _is_constant_name(owner):
                return True  # WINDOW_LABELS.__getitem__
            case ast.Name(id=name) if name in self.checked:
                return True  # a wrapper's own parameter: its callers are checked
            case ast.Name(id=name) if name in self.assignments and name not in self.checking:
                self.checking.add(name)
                try:
                    return all(self(value) for value in self.assignments[name])
                finally:
                    self.checking.discard(name)
            case ast.Subscript(value=value) if _is_constant_name(_name(value) or ""):
                return True  # a product-own table looked up by a key: ICONS[status]
            case ast.JoinedStr(values=values):
                return all(self(v, whole=False) for v in values)
            case ast.FormattedValue(value=value, format_spec=spec):
                # {n:,} {day:%b %d} {x:.1f}: numbers and dates; {len(rows)} {page + 1}: arithmetic
                return spec is not None or _is_number(value) or self(value, whole=False)
            case ast.BinOp(left=left, right=right):
                return self(left, whole=False) and self(right, whole=False)
            case ast.IfExp(body=body, orelse=orelse):
                return self(body, whole=whole) and self(orelse, whole=whole)
            case ast.BoolOp(values=values):
                return all(self(v, whole=whole) for v in values)
            case ast.List(elts=elts) | ast.Tuple(elts=elts):
                return all(self(e) for e in elts)
            case ast.ListComp(elt=elt) | ast.GeneratorExp(elt=elt):
                return self(elt)
            case ast.Call(func=ast.Attribute(attr="join", value=separator), args=[items]):
                return self(separator, whole=False) and self(items, whole=False)
            case ast.Call(func=func) if _name(func) in ESCAPERS | SAFE_FORMATTERS:
                return True
            case ast.Call(func=ast.Name(id=name)) if self.returns_safe(name):
                return True  # a helper of the same module whose every `return` is safe
            case ast.Call(func=ast.Attribute(value=owner, attr="get"), args=[_, *default]) if _is_constant_name(
                _name(owner) or ""
            ):
                return all(self(d) for d in default)  # ICONS.get(key, fallback): the fallback counts
            case ast.Call(func=ast.Name(id="list" | "tuple" | "sorted"), args=[items]):
                return self(items)
            case ast.Call(func=ast.Attribute(value=ast.Name(id=owner))) if _is_constant_name(owner):
                return True  # a product-own object's text: WEEKLY_DIGEST.describe(tz)
            case ast.Call(func=ast.Attribute(value=value, attr=method)) if method in STR_METHODS:
                return self(value, whole=whole)
            case ast.Starred(value=value):
                return self(value)
        return False


def _markdown_arguments(call: ast.Call) -> Iterator[tuple[str, ast.expr]]:
    """(what it is, the expression) for each argument of `call` that Streamlit renders as Markdown."""
    name = _name(call.func)
    if name is None or _receiver(call.func) in NOT_STREAMLIT:
        return
    if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Constant):
        return  # "text".title()
    if name in WRAPPERS and isinstance(call.func, ast.Name):
        positions, keywords = WRAPPERS[name]
        for index in positions:
            if index < len(call.args):
                yield name, call.args[index]
        for keyword in call.keywords:
            if keyword.arg in keywords:
                yield f"{name} {keyword.arg}=", keyword.value
    if name in BODY and isinstance(call.func, ast.Attribute):
        for arg in call.args:
            yield name, arg
    if name in LABELLED and isinstance(call.func, ast.Attribute) and call.args:
        yield f"{name} label", call.args[0]
    if name == "metric" and isinstance(call.func, ast.Attribute):
        for arg in call.args[:2]:  # label and value: both Markdown
            yield "metric", arg
    if name in {"progress", "spinner"} and isinstance(call.func, ast.Attribute):
        for keyword in call.keywords:
            if keyword.arg == "text":
                yield f"{name} text=", keyword.value
    if name in {"Page", "dialog"} and isinstance(call.func, ast.Attribute):  # a menu entry's / a dialog's title
        title = next((k.value for k in call.keywords if k.arg == "title"), call.args[0] if name == "dialog" else None)
        if title is not None:
            yield f"{name} title", title
    if name == "tabs" and isinstance(call.func, ast.Attribute) and call.args:
        yield "tabs", call.args[0]
    if name in {"radio", "pills", "segmented_control"} and isinstance(call.func, ast.Attribute):
        shown = next((k.value for k in call.keywords if k.arg == "format_func"), None)
        if shown is not None:
            yield f"{name} format_func", shown
        else:  # the options themselves are the Markdown labels
            options = next((k.value for k in call.keywords if k.arg == "options"), call.args[1:2] or None)
            if options is not None:
                yield f"{name} options", options[0] if isinstance(options, list) else options
    for keyword in call.keywords:
        if keyword.arg in MARKDOWN_KEYWORDS or (name == "metric" and keyword.arg == "delta"):
            yield f"{name} {keyword.arg}=", keyword.value


def _assignments(function: ast.AST) -> dict[str, list[ast.expr]]:
    """name -> every value assigned to it in `function` (a name also bound by a loop or `with` is left out)."""
    found: dict[str, list[ast.expr]] = {}
    bound_otherwise: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            found.setdefault(node.targets[0].id, []).append(node.value)
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Tuple)
            and all(isinstance(e, ast.Name) for e in node.targets[0].elts)
        ):
            # label, color, icon = BADGES[state]: each name is as safe as the whole value
            for element in node.targets[0].elts:
                found.setdefault(element.id, []).append(node.value)  # type: ignore[attr-defined]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS:
            if isinstance(node.func.value, ast.Name):
                bound_otherwise.add(node.func.value.id)  # parts.append(...): not known from its assignment
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            found.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, (ast.For, ast.comprehension, ast.withitem, ast.AugAssign, ast.NamedExpr)):
            target = getattr(node, "target", None) or getattr(node, "optional_vars", None)
            bound_otherwise.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name)) if target else None
        elif isinstance(node, ast.Assign):
            bound_otherwise.update(n.id for t in node.targets for n in ast.walk(t) if isinstance(n, ast.Name))
    return {name: values for name, values in found.items() if name not in bound_otherwise}


def _checked_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str]:
    """The parameters of a wrapper that its callers are checked for (WRAPPERS, and every Markdown keyword)."""
    if function.name not in WRAPPERS:
        return frozenset()
    positions, keywords = WRAPPERS[function.name]
    arguments = [*function.args.posonlyargs, *function.args.args]
    named = {arguments[i].arg for i in positions if i < len(arguments)}
    every = {a.arg for a in [*arguments, *function.args.kwonlyargs]}
    return frozenset(named | (every & (keywords | MARKDOWN_KEYWORDS)))


class _Module:
    """The functions of one module, and which of them only ever return safe text."""

    def __init__(self, tree: ast.Module) -> None:
        self.functions = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        self.known: dict[str, bool] = {}

    def safety(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> Safety:
        return Safety(_assignments(function), _checked_parameters(function), self.returns_safe)

    def returns_safe(self, name: str) -> bool:
        if name not in self.functions:
            return False
        if name not in self.known:
            self.known[name] = False  # while deciding (recursion): not safe
            function = self.functions[name]
            returns = [n.value for n in ast.walk(function) if isinstance(n, ast.Return)]
            self.known[name] = bool(returns) and all(self.safety(function)(value) for value in returns)
        return self.known[name]


class _Scanner(ast.NodeVisitor):
    def __init__(self, path: str, module: _Module) -> None:
        self.path = path
        self.module = module
        self.function = "<module>"
        self.safe = Safety({})
        self.sites: list[Site] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        outer = self.function, self.safe
        self.function, self.safe = node.name, self.module.safety(node)
        self.generic_visit(node)
        self.function, self.safe = outer

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Call(self, node: ast.Call) -> None:
        for what, argument in _markdown_arguments(node):
            if what.endswith("format_func"):
                safe = (isinstance(argument, ast.Lambda) and self.safe(argument.body)) or self.safe(argument)
            else:
                safe = self.safe(argument)
            if not safe:
                self.sites.append(Site(self.path, argument.lineno, self.function, what, ast.unparse(argument)))
        self.generic_visit(node)


def scan(source: str, path: str) -> list[Site]:
    """The arguments in one module's `source` that reach Markdown and are neither constant nor escaped."""
    tree = ast.parse(source, filename=path)
    scanner = _Scanner(path, _Module(tree))
    scanner.visit(tree)
    return scanner.sites


def markdown_sites(root: Path = PROJECT_ROOT) -> list[Site]:
    """Every argument in components/ and pages/ that reaches Markdown and is neither constant nor escaped."""
    return [
        site
        for folder in ROOTS
        for file in sorted((root / folder).rglob("*.py"))
        for site in scan(file.read_text(), file.relative_to(root).as_posix())
    ]
