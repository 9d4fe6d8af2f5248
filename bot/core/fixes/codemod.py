"""The libcst transformer behind ``redundant-parens`` (imported only when a file needs it)."""

from __future__ import annotations

import libcst as cst

# Parentheses that are part of the expression's syntax, or that readers expect to see.
_KEEP = (cst.Tuple, cst.Yield, cst.GeneratorExp, cst.NamedExpr, cst.StarredElement)
_SPACE = cst.SimpleWhitespace(" ")


def _bare(expr: cst.BaseExpression, module: cst.Module) -> cst.BaseExpression | None:
    """The expression without its parentheses, when they are redundant on one line."""
    lpar = getattr(expr, "lpar", ())
    if not lpar or isinstance(expr, _KEEP) or "\n" in module.code_for_node(expr):
        return None
    return expr.with_changes(lpar=[], rpar=[])


class _RedundantParens(cst.CSTTransformer):
    def __init__(self, module: cst.Module) -> None:
        super().__init__()
        self.module = module

    def leave_If(self, original: cst.If, updated: cst.If) -> cst.If:
        bare = _bare(updated.test, self.module)
        return (
            updated
            if bare is None
            else updated.with_changes(test=bare, whitespace_before_test=_SPACE)
        )

    def leave_While(self, original: cst.While, updated: cst.While) -> cst.While:
        bare = _bare(updated.test, self.module)
        return (
            updated
            if bare is None
            else updated.with_changes(test=bare, whitespace_after_while=_SPACE)
        )

    def leave_Assert(self, original: cst.Assert, updated: cst.Assert) -> cst.Assert:
        bare = _bare(updated.test, self.module)
        return (
            updated
            if bare is None
            else updated.with_changes(test=bare, whitespace_after_assert=_SPACE)
        )

    def leave_Return(self, original: cst.Return, updated: cst.Return) -> cst.Return:
        bare = None if updated.value is None else _bare(updated.value, self.module)
        return (
            updated
            if bare is None
            else updated.with_changes(value=bare, whitespace_after_return=_SPACE)
        )

    def leave_Del(self, original: cst.Del, updated: cst.Del) -> cst.Del:
        bare = _bare(updated.target, self.module)
        return (
            updated
            if bare is None
            else updated.with_changes(target=bare, whitespace_after_del=_SPACE)
        )

    def leave_For(self, original: cst.For, updated: cst.For) -> cst.For:
        bare = _bare(updated.iter, self.module)
        return (
            updated if bare is None else updated.with_changes(iter=bare, whitespace_after_in=_SPACE)
        )


def strip_parens(source: str) -> str:
    """Parse with libcst and drop redundant operand parentheses (unparseable: unchanged)."""
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError:
        return source
    return module.visit(_RedundantParens(module)).code
