"""MLO101/MLO102/MLO103: take a fit (or resampling) on the full data out of what is split or cross-validated.

Contract with the rules: the primary location is the split or CV call (the sink), the related
``fit`` place is the ``.fit_transform`` / ``.fit_resample`` call whose output reaches it. Three
shapes are rewritten, anything else is declined:

- before a split (``split.py``): split the raw data, then fit on the training part and
  transform (or resample) only it;
- a pandas column write before a split (``columns.py``): split the frame first, then fit on
  the training frame's columns and transform both frames' columns;
- before cross-validation or a search (``pipeline.py``): move the transformer, selector or
  sampler into a pipeline around the estimator, so every fold refits it.
"""

from __future__ import annotations

import ast

from mlops_lint.fixes.registry import FixContext, Proposal, fixer

FITS = ("fit_transform", "fit_resample")


def fit_call(context: FixContext) -> ast.Call | None:
    fit = context.related("fit")
    if isinstance(fit, ast.Call) and isinstance(fit.func, ast.Attribute) and fit.func.attr in FITS:
        return fit
    return None


@fixer("MLO101", "MLO102", "MLO103")
def take_fit_out_of_the_split(context: FixContext) -> Proposal | None:
    from mlops_lint.fixes.columns import fit_columns_after_split
    from mlops_lint.fixes.pipeline import fit_inside_pipeline
    from mlops_lint.fixes.split import fit_after_split

    fit = fit_call(context)
    sink = context.finding.node
    if fit is None or not isinstance(sink, ast.Call):
        return None
    for shape in (fit_after_split, fit_columns_after_split, fit_inside_pipeline):
        proposal = shape(context, fit, sink)
        if proposal is not None:
            return proposal
    return None
