"""The catalog's schema: every key of a rule file, every API role and fact, with its meaning.

``catalog/load.py`` checks each file against it (an unknown key, role or value is a CatalogError
naming the file and the entry), and the tables of ``rules/README.md`` are generated from it
(``python -m mlops_lint.catalog.render``; a test fails when they are stale). Adding a role or a
fact starts here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from mlops_lint.catalog.conditions import ConditionError, parse_condition


class SchemaError(ValueError):
    """A value that does not fit its key; the loader adds the file and the entry."""


Check = Callable[[Any], Any]  # returns the value to store (maybe parsed), raises SchemaError


def _string(value: Any) -> Any:
    if not isinstance(value, str):
        raise SchemaError("must be a string")
    return value


def _integer(value: Any) -> Any:
    if not isinstance(value, int) or isinstance(value, bool):
        raise SchemaError("must be an integer")
    return value


def _boolean(value: Any) -> Any:
    if not isinstance(value, bool):
        raise SchemaError("must be true or false")
    return value


def _strings(value: Any) -> Any:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise SchemaError("must be a list of strings")
    return value


def _one_of(*allowed: str) -> Check:
    def check(value: Any) -> Any:
        if value not in allowed:
            raise SchemaError(f"must be one of {', '.join(repr(a) for a in allowed)}")
        return value

    return check


def _position_or(*names: str) -> Check:
    def check(value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return _one_of(*names)(value)

    return check


def _conditions(value: Any) -> Any:
    try:
        return tuple(parse_condition(text) for text in _strings(value))
    except ConditionError as error:
        raise SchemaError(str(error)) from None


FRAMEWORKS = ("random", "numpy", "torch", "tensorflow")


def _frameworks(value: Any) -> Any:
    for item in _strings(value):
        _one_of(*FRAMEWORKS)(item)
    return value


@dataclass(frozen=True, slots=True)
class Key:
    """One key: what its value is (``kind``, for the docs), what it means, and how it is checked."""

    name: str
    kind: str
    meaning: str
    check: Check
    roles: tuple[str, ...] = ()  # API facts: the roles that may carry it (empty: any role)


@dataclass(frozen=True, slots=True)
class Role:
    name: str
    meaning: str
    read_by: str


# --- rule files: rules/MLOnnn.toml ------------------------------------------------------------------

ANTIPATTERNS = {
    "tool": "the tool itself",
    "data-leakage": "data leakage",
    "grade-your-own-exam": "grade your own exam",
    "tuning-under-the-carpet": "tuning under the carpet",
    "pest": "perceived empirical superiority (PEST)",
    "bad-credit-assignment": "bad credit assignment",
    "act-now-reflect-never": "act now, reflect never",
    "set-and-forget": "set and forget",
    "communicate-with-ambivalence": "communicate with ambivalence",
    "data-crisis-as-a-service": "data crisis as a service",
}
SEVERITIES = ("error", "warning", "info")


def _table(value: Any) -> Any:
    if not isinstance(value, dict):
        raise SchemaError("must be a table")
    return value


def _string_table(value: Any) -> Any:
    if not isinstance(value, dict) or not all(isinstance(item, str) for item in value.values()):
        raise SchemaError("must be a table of strings")
    return value


def _tables(value: Any) -> Any:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise SchemaError("must be an array of tables")
    return value


RULE_KEYS = {key.name: key for key in (
    Key("code", "string", "`MLO` + 3 digits, equal to the file name; never reused", _string),
    Key("name", "string", "kebab-case, names the pattern (`preprocessing-before-split`)", _string),
    Key("antipattern", "string", "one of " + ", ".join(f"`{a}`" for a in ANTIPATTERNS), _one_of(*ANTIPATTERNS)),
    Key("summary", "string", "one line, no final period", _string),
    Key("severity", "string", "`error`, `warning` or `info`", _one_of(*SEVERITIES)),
    Key("default", "boolean", "on without `select`?", _boolean),
    Key("message", "string", "template; its `{fields}` are the rule class's `fields` (checked when rules meet the catalog)", _string),
    Key("related", "table", "label of each related place the rule reports (`fit = \"fitted here\"`); its keys are the rule class's `related`", _table),
    Key("fix", "table", "`{ availability, safety, title }` when the rule has a fixer (`availability`: `always`/`sometimes`; `safety`: `safe`/`unsafe`); `titles = { kind = \"...\" }` names the fixer's other kinds of edit", _table),
    Key("options", "table", "`[options.NAME]` with `type`, `default`, `doc`, and for a list of regular expressions `items = \"regex\"` (each item is then checked when configured: it must compile and must not nest quantifiers); users set them under `[tool.mlops-lint.<rule-name>]`", _table),
    Key("docs", "table", "`what`, `why`, `use-instead`, `known-limits`, `references` (Markdown); `fix-safety` says what the fix does and why it is (un)safe", _table),
    Key("examples", "array of tables", "`[[examples]]`: `kind = \"bad\"` with `expect = [lines]`, or `kind = \"good\"`; `code`; optional `filename`. They are tests and the docs page's examples", _tables),
    Key("since", "string", "the version that introduced the rule", _string),
    Key("preview", "boolean", "not yet stable", _boolean),
    Key("triggers", "list of strings", "substrings that make a file worth parsing for this rule besides the top-level packages of `api/*.toml`, which are always triggers (`\"\"`: every file); see docs/performance.md", _strings),
)}
FIX_KEYS = {"availability": _one_of("always", "sometimes"), "safety": _one_of("safe", "unsafe"), "title": _string,
            "titles": _string_table}
OPTION_KEYS = {"type": _one_of("int", "str", "bool", "list"), "default": lambda value: value, "doc": _string, "items": _one_of("regex")}
DOCS_KEYS = {"what": _string, "why": _string, "use-instead": _string, "fix-safety": _string,
             "known-limits": _string, "references": _strings}
EXAMPLE_KEYS = {"kind": _one_of("bad", "good"), "code": _string, "expect": lambda value: value, "filename": _string}


# --- API entries: rules/api/*.toml --------------------------------------------------------------------

ROLES = {role.name: role for role in (
    # what a fit learns from, and what flows out of it (the dataflow, MLO101-MLO103)
    Role("transformer", "learns from the feature values in `fit` (scalers, imputers, encoders, decompositions, vectorizers, discretizers, category and target encoders)", "dataflow, MLO101"),
    Role("transform-function", "a function that fits and transforms its argument in one call (`minmax_scale`, `scale`, `quantile_transform`)", "dataflow, MLO101"),
    Role("stateless-transformer", "`fit` learns nothing from the data (`FunctionTransformer`, `Normalizer`, `PolynomialFeatures`)", "MLO403"),
    Role("target-encoder", "fitted on the target alone (`LabelEncoder`, `LabelBinarizer`): no feature leaks", "dataflow"),
    Role("statistic", "learns a number (or one per group) from the rows of the data it is called on or given: a mean, a median, a mode, quantiles, counts (`df.mean()`, `np.median(X)`, `pd.qcut`, `groupby(...).transform('mean')`); filling gaps with it or scaling by it before a split is preprocessing on all rows", "dataflow, MLO101"),
    Role("supervised-selector", "selects features using `y` (`SelectKBest`, `RFE`, `SelectFromModel` …)", "dataflow, MLO102"),
    Role("selection-score", "a function scoring features against `y` (`chi2`, `f_classif`); its result picking columns is a selection", "dataflow, MLO102"),
    Role("resampler", "an object whose `fit_resample(X, y)` resamples (imbalanced-learn samplers)", "dataflow, MLO103"),
    Role("resample", "resamples the arrays it is given, or (a method) the data it is called on, when one of `resamples-when` holds (`sklearn.utils.resample`, `DataFrame.sample`)", "dataflow, MLO103"),
    Role("row-stacker", "stacks the rows of the frames or arrays listed in its first argument (`pd.concat`, `np.vstack`), unless one of `stacks-columns-when` holds: one class's rows drawn and stacked with another class's rows balance the classes by hand", "dataflow, MLO103"),
    Role("splitter", "a function that splits its arrays into train and test parts (`train_test_split`)", "dataflow, MLO104, MLO304, MLO401"),
    Role("cv-splitter", "a CV splitter class; `split(X, y, groups)` yields (train, test) index pairs", "dataflow, MLO104, MLO301, MLO304, MLO402"),
    Role("cv-evaluator", "cross-validates an estimator on data (`cross_val_score` …)", "dataflow, MLO104, MLO402"),
    Role("search", "a hyper-parameter search; its `fit(X, y)` cross-validates", "dataflow, MLO301-MLO303, MLO402"),
    Role("pipeline", "refits its steps inside every fold (`Pipeline`, `ColumnTransformer`, imblearn `Pipeline`)", "dataflow, MLO101"),
    Role("loader", "reads data: its result is a new lineage (`pandas.read_csv`, `numpy.load`, `open`)", "dataflow, MLO501-MLO503"),
    Role("estimator", "a model", "MLO301, MLO304, MLO305, MLO403, MLO603"),
    Role("model", "a deep-learning model object whose fit trains it", "MLO304, MLO305"),
    Role("trainer", "a training loop object (`fit`/`train`/`run` starts training)", "MLO304, MLO305"),
    Role("optimizer", "a gradient optimizer: `step()` updates the weights", "MLO304, MLO305"),
    Role("training-function", "a function that trains a model from data (`xgboost.train`, `lightgbm.train`)", "MLO202"),
    Role("training-step", "one gradient step of a hand-written training loop (`loss.backward()`)", "MLO403"),
    Role("early-stopping", "a callback that stops training or keeps the best model by a metric watched on the validation data (Keras `EarlyStopping`, `ReduceLROnPlateau`, `ModelCheckpoint(save_best_only=True)`, `lightgbm.early_stopping`, XGBoost's `EarlyStopping`)", "MLO202"),
    Role("inspection", "explains, scores or compares models: its `fit` trains no model the module uses (eli5 `PermutationImportance` of a fitted model, SHAP explainers, yellowbrick visualisers, lazypredict's `LazyClassifier`, whose `fit` takes both the train and the test parts)", "dataflow, MLO201"),
    # tuning and reproducibility (MLO3xx)
    Role("parameter-grid", "an iterable over an exhaustive grid (`ParameterGrid`)", "MLO303"),
    Role("parameter-sampler", "random draws of parameters (`ParameterSampler`)", "MLO301"),
    Role("sampler", "an optimizer's sampling strategy (Optuna samplers)", "MLO301"),
    Role("grid-axis", "a call whose number of values MLO303 can count (`np.linspace`)", "MLO303"),
    Role("seed-setter", "seeds global generators", "MLO304, MLO305"),
    Role("rng-factory", "builds a generator; seeded it counts as seeding its framework, unseeded it is a draw", "MLO305"),
    Role("rng-user", "draws from a framework's global generator (random ops, random initialisation, shuffling loaders)", "MLO305"),
    # where results and data go
    Role("experiment-logger", "sends its arguments to an experiment tracker, a log or an event file", "MLO302, MLO403, MLO602"),
    Role("auto-logger", "once called (or passed as a callback), every search of the module is recorded (mlflow autologging, tracking callbacks)", "MLO302"),
    Role("sink", "writes data out of the program (a file, a database); `saves-model = true`: writes a model", "MLO302, MLO403, MLO601-MLO603"),
    Role("recorder", "writes its object or arguments to a log, a tracker or a file, as MLO302 counts a search outcome recorded (`writer.add_scalar`, `logger.info`, `df.to_pickle`)", "MLO302"),
    Role("raises", "a context manager whose block is expected to fail (`pytest.raises`): what the block starts does not finish", "MLO302"),
    Role("plot", "draws its arguments (matplotlib, seaborn, plotly): showing values is no use of them for a model", "MLO101-MLO103"),
    Role("stdout", "prints only (`print`, `pprint`, `display`): not a record", "MLO302"),
    Role("downloader", "fetches a URL to a local file", "MLO501, MLO502"),
    Role("path-builder", "builds a path from pieces; its first argument starts the path (`os.path.join`, `Path`)", "MLO501"),
    Role("data-check", "validates, inspects or bounds values (pandera, great_expectations, `isna`, `clip`, `isfinite` …); where the values are an argument or the object of a method, the call checks them", "MLO503, MLO601"),
    Role("conversion", "builds an array, a tensor or a frame from the data it is given, row for row (`np.array`, `torch.tensor`, `pd.DataFrame`): `train = np.array(X[:n])` is a part of a split as `X[:n]` is", "dataflow (splits by position)"),
    Role("labels", "an attribute holding a data value's labels, not its values (`df.columns`): nothing of the data flows through it, and comparing labels checks no value", "dataflow, MLO503, MLO601"),
    Role("data-hash", "computes a content hash (a data fingerprint kept with a model)", "MLO602"),
    # grading
    Role("prediction", "a model method that produces predictions", "MLO203, MLO204, MLO402, MLO601, MLO603"),
    Role("metric", "grades predictions: `metric(y_true, y_pred)`; as a model method (`score`), grades the model on `(X, y)`", "MLO203, MLO204, MLO401, MLO402"),
    Role("model-score", "a model method grading the model on `(X, y)` that MLO4xx do not compare (Keras `evaluate`)", "MLO203, MLO204"),
    Role("spread", "a spread or interval around scores (`std`, percentiles, a bootstrap, a paired test)", "MLO402"),
    # time
    Role("clock", "reads the current time (a timestamp in a file name or a record)", "MLO602"),
    Role("time-evidence", "calling it shows that the data it makes or touches is time-ordered (`pd.to_datetime`, `df.shift`, `df.rolling`)", "MLO104, MLO105"),
    Role("look-ahead", "a data method that reads later rows (`bfill`); a look-ahead only on data that is otherwise shown to be time-ordered", "MLO105"),
    Role("row-order", "a data method that orders or indexes rows by their values (`sort_values`, `set_index`): parsed dates (`dates-only` evidence) show a time series only together with it", "MLO104, MLO105"),
)}

_TRANSFORMERS = ("transformer", "supervised-selector")
_SPLITTERS = ("splitter", "cv-splitter")
_TRAINABLE = ("estimator", "model", "trainer", "optimizer", "search")

FACTS = {key.name: key for key in (
    # matching a call to the entry
    Key("prefix", "boolean", "the key is a module: every callable under it has this role, unless an entry for a longer name says otherwise (`\"mlflow\"` covers `mlflow.log_param`)", _boolean),
    Key("receiver", "`\"any\"` or `\"data\"`", "the entry is a method, keyed `Owner.method`, matched by its name alone when the object's class is not known: on `\"any\"` object, or on a `\"data\"` value (not an object of a catalog class). Without it, `Class.method` matches only where the dataflow knows the object is a `Class`", _one_of("any", "data")),
    Key("returns", "`\"instance\"`, `\"train-test-alternating\"`, `\"ordered-parts\"` or `\"weighted-parts\"`", "a lower-case factory that returns an object (`make_pipeline`, `optuna.create_study`); a split whose outputs are train, test, train, test …; a split of one array at the indices of its second argument, a literal list, into parts in order: train, validation …, test (`numpy.split`); a method splitting the data it is called on into one random part per weight of its first argument, a literal list, in order: train, validation …, test (PySpark `df.randomSplit([0.8, 0.2])`)", _one_of("instance", "train-test-alternating", "ordered-parts", "weighted-parts"), ("pipeline", "splitter", "search")),
    # data arguments (dataflow)
    Key("x-position", "integer", "0-based position of the features argument (keyword `X` too)", _integer, ("cv-splitter", "cv-evaluator", "search")),
    Key("y-position", "integer", "0-based position of the target argument (keyword `y` too)", _integer, ("cv-splitter", "cv-evaluator", "search")),
    Key("groups-position", "integer", "0-based position of the groups argument (keyword `groups` too)", _integer, ("cv-splitter",)),
    Key("resamples-when", "list of conditions", "conditions under which the call resamples; any one suffices (see Conditions)", _conditions, ("resample",)),
    Key("resamples-per-class", "boolean", "a draw from the rows of one class (`df[df.y == 0].sample(n=492)`) that a `row-stacker` stacks with the rows of another class of the same data resamples too, whatever its arguments: the classes are balanced by hand (`analysis/class_balancing.py`)", _boolean, ("resample",)),
    Key("stacks-columns-when", "list of conditions", "conditions under which it stacks columns side by side, not rows (`axis=1`)", _conditions, ("row-stacker",)),
    # statistics computed by hand (MLO101)
    Key("learns-from-rows", "boolean", "its result is a statistic of the rows of its data (as role `statistic`), for an entry that has another role too (`np.std` is a `spread`, `value_counts` a `data-check`)", _boolean, ("spread", "data-check")),
    Key("statistic-when", "list of conditions", "it computes a statistic only when one of these holds (`transform('mean')`, `rank(pct=True)`, `pd.cut(x, 5)`)", _conditions, ("statistic",)),
    Key("per-row-when", "list of conditions", "it computes across the columns of each row, learning nothing from other rows, when one of these holds (`df[cols].mean(axis=1)`)", _conditions, ("statistic", "spread", "data-check")),
    Key("per-row-output", "boolean", "its result is a value per row (a band, a z-score, a rank, a group's mean broadcast to its rows): put into the data by itself", _boolean, ("statistic",)),
    Key("windowed-after", "list of strings", "called on the result of one of these methods it is a moving statistic of earlier rows, not one of all rows (`s.rolling(7).mean()`)", _strings, ("statistic", "spread", "data-check")),
    # what a fit learns (MLO101)
    Key("fixed-by", "list of strings", "arguments of the constructor that, passed as anything but a literal `None`, fix what `fit` would learn (`categories=`, `vocabulary=`): fitted with one, it learns nothing from the rows", _strings, ("transformer",)),
    Key("vocabulary-only-unless", "list of strings", "`fit` learns only the set of values it meets (the categories), which says nothing about the held-out rows' values, unless one of these constructor arguments makes it count them (`min_frequency`, `max_categories`): a leak only then", _strings, ("transformer",)),
    # the protocol of a fitted object, where it is not scikit-learn's fit / transform
    Key("fit-methods", "list of strings", "methods that fit the object in place besides `fit`, `partial_fit` and `fit_transform` (Keras `Tokenizer.fit_on_texts`, a preprocessing layer's `adapt`)", _strings, ("transformer", "pipeline")),
    Key("transform-methods", "list of strings", "methods that apply what the object learnt to their first argument besides `transform` (`texts_to_sequences`)", _strings, ("transformer",)),
    Key("applied-when-called", "boolean", "calling the fitted object applies it to its first argument (a Keras preprocessing layer: `norm(x)`), and so does fitting a model built with it in a list (`Sequential([norm, Dense(1)]).fit(x)`)", _boolean, ("transformer",)),
    Key("stages-param", "string", "the argument holding its steps (PySpark `Pipeline(stages=[...])`): given as a literal list whose every step is known to the catalog, it learns from the rows only when one of its steps does", _string, ("pipeline",)),
    Key("stages-position", "integer", "0-based position of that argument", _integer, ("pipeline",)),
    # splits
    Key("shuffle-param", "string", "the argument that turns shuffling on", _string, _SPLITTERS),
    Key("shuffle-default", "boolean", "whether it shuffles when `shuffle-param` is not given", _boolean, _SPLITTERS),
    Key("always-shuffles", "boolean", "draws random rows whatever its arguments (`ShuffleSplit`, `RepeatedKFold`)", _boolean, _SPLITTERS),
    Key("time-ordered", "boolean", "keeps time order (`TimeSeriesSplit`); its use in a module is time evidence too", _boolean, _SPLITTERS),
    Key("sequential-replacement", "string", "the splitter that keeps time order which `--fix` (MLO104) puts in its place", _string, _SPLITTERS),
    # seeds and randomness
    Key("seed-param", "string", "the argument that seeds it (a literal `None` is no seed)", _string,
        ("estimator", "splitter", "cv-splitter", "rng-factory", "search", "parameter-sampler", "sampler")),
    Key("seed-position", "integer", "0-based position of the seed argument", _integer, ("rng-factory", "search")),
    Key("global-rng", "`\"numpy\"`", "without a seed it draws from numpy's global generator, so a module that seeds numpy runs repeatably", _one_of("numpy"), ("estimator", "splitter", "cv-splitter")),
    Key("fixed-default-seed", "boolean", "the library seeds itself with a constant when no seed is given (XGBoost, LightGBM, CatBoost)", _boolean, ("estimator",)),
    Key("deterministic-unless-literal", "string", "passing this argument as anything but a literal string (`KMeans(init=centres)`) leaves nothing random", _string, ("estimator",)),
    Key("seeds", "list of frameworks", "the frameworks whose global generator it seeds (`random`, `numpy`, `torch`, `tensorflow`)", _frameworks, ("seed-setter",)),
    Key("framework", "string", "the framework whose generator it builds or draws from", _one_of(*FRAMEWORKS), ("rng-factory", "rng-user")),
    Key("random-if", "string", "draws only when this argument is literally `True` (`DataLoader(shuffle=True)`)", _string, ("rng-user",)),
    Key("generator-param", "string", "an argument taking an explicit generator; when given, the call draws from it", _string, ("rng-user",)),
    # training
    Key("trains", "list of strings", "methods that train it; calling one on an instance (or on anything built around it, such as a pipeline) makes the module a training module (MLO304, MLO305, MLO403)", _strings, _TRAINABLE),
    Key("probabilistic", "boolean", "a classifier that offers `predict_proba` or `decision_function`, so a hard `predict()` throws its confidence away", _boolean, ("estimator",)),
    Key("validation-params", "list of strings", "keyword arguments of its fit (or of the function) that hold validation data (`eval_set`, `validation_data`)", _strings, ("estimator", "model", "training-function")),
    Key("early-stopping-params", "list of strings", "arguments of the constructor or of the training call that make training stop or keep its best iteration by a score on the validation data when given anything but a literal `None`, `False` or `0` (`early_stopping_rounds`)", _strings, ("estimator", "model", "training-function")),
    Key("early-stopping-when", "list of conditions", "conditions on the constructor's or the training call's arguments under which training selects on its validation data by default (CatBoost keeps the best iteration unless `use_best_model=False`); any one suffices", _conditions, ("estimator", "model", "training-function")),
    Key("callback-params", "list of strings", "arguments of the constructor or of the training call that take callbacks; one of role `early-stopping` among them stops or selects on the validation data", _strings, ("estimator", "model", "training-function")),
    Key("selects-when", "list of conditions", "conditions under which the callback stops or selects (`save_best_only=True`); absent: always", _conditions, ("early-stopping",)),
    Key("monitor-param", "string", "the argument naming the metric the callback watches", _string, ("early-stopping",)),
    Key("validation-prefix", "string", "a watched metric named with this prefix (`val_`) is computed on the validation data; a literal name without it (`monitor=\"loss\"`) watches the training data; the default watches the validation data", _string, ("early-stopping",)),
    # searches
    Key("cv-param", "string", "the argument naming its cross-validation splitter", _string, ("search",)),
    Key("grid-param", "string", "the argument holding an exhaustive grid (MLO303 counts it)", _string, ("search", "parameter-grid")),
    Key("grid-position", "integer", "0-based position of the grid argument", _integer, ("search", "parameter-grid")),
    Key("sampler-param", "string", "the argument taking a sampler object (role `sampler`) that seeds it", _string, ("search",)),
    Key("storage-param", "string", "an argument that persists every trial by itself (then the outcome is recorded)", _string, ("search",)),
    Key("outcome-attrs", "list of strings", "attributes of the fitted search that hold its outcome (MLO302)", _strings, ("search",)),
    Key("outcome-is-return", "boolean", "the call's return value is the outcome (`hyperopt.fmin`)", _boolean, ("search",)),
    Key("records-itself", "boolean", "the library always writes its trials to disk (keras-tuner)", _boolean, ("search",)),
    Key("sampled-alternative", "string", "the search `--fix` (MLO303) writes instead", _string, ("search",)),
    Key("objective-param", "string", "the argument of its `trains` method (or of the call, for a search function such as `fmin`) that takes the objective function; an objective returning a test-set score tunes on the test set (MLO203)", _string, ("search",)),
    Key("objective-position", "integer", "0-based position of that argument", _integer, ("search",)),
    Key("sampled-grid-param", "string", "that search's name for the grid argument", _string, ("search",)),
    Key("default-sampler", "string", "the sampler it uses when none is given; `--fix` (MLO301) passes it, seeded through its `seed-param`", _string, ("search",)),
    Key("seed-factory", "string", "its seed argument takes a generator, not an int: `--fix` (MLO301) passes this factory called with the seed (`numpy.random.default_rng`)", _string, ("search",)),
    # what --fix needs to rewrite a call (MLO101-MLO103, MLO202)
    Key("estimator-param", "string", "the argument taking the estimator it cross-validates or tunes; `--fix` (MLO101-MLO103) wraps it in a pipeline", _string, ("cv-evaluator", "search")),
    Key("estimator-position", "integer", "0-based position of that argument", _integer, ("cv-evaluator", "search")),
    Key("space-param", "string", "the argument holding the parameter space (a dict, or a list of dicts, keyed by the estimator's parameters); `--fix` (MLO101-MLO103) prefixes its keys with the pipeline step's name", _string, ("search",)),
    Key("space-position", "integer", "0-based position of that argument", _integer, ("search",)),
    Key("wraps-roles", "list of strings", "the roles of fitted objects (`transformer`, `supervised-selector`, `resampler`) that `--fix` (MLO101-MLO103) moves into this pipeline factory, around the estimator", _strings, ("pipeline",)),
    Key("test-size-param", "string", "the argument giving the size of the test part; `--fix` (MLO202) carves a validation part of the training part with it", _string, ("splitter",)),
    Key("count", "`\"arange\"`", "the number of values is `ceil((stop - start) / step)` of literal numbers", _one_of("arange"), ("grid-axis",)),
    Key("count-param", "string", "the argument giving the number of values", _string, ("grid-axis",)),
    Key("count-position", "integer", "0-based position of that argument", _integer, ("grid-axis",)),
    Key("count-default", "integer", "the number of values when that argument is not given", _integer, ("grid-axis",)),
    # reading and writing data
    Key("path-arg", "integer", "0-based position of the path or URL (a sink: of the file written)", _integer, ("loader", "downloader", "sink")),
    Key("path-keyword", "string", "the keyword of the path or URL", _string, ("loader", "downloader")),
    Key("pin-args", "list of strings", "keywords that pin a remote copy (a version, a revision, a checksum)", _strings, ("loader", "downloader")),
    Key("named-remote", "boolean", "fetches a data set by name from a remote registry (OpenML, the Hugging Face Hub)", _boolean, ("loader",)),
    Key("local-keywords", "list of strings", "keywords that make a `named-remote` call read local files", _strings, ("loader",)),
    Key("mode-arg", "integer", "0-based position of the open mode; a writing mode (`w`, `a`, `x`) makes the call a write", _integer, ("loader",)),
    Key("mode-keyword", "string", "the keyword of the open mode", _string, ("loader",)),
    Key("time-evidence-params", "list of strings", "keywords that parse dates (not literally `False`/`None`): the data read is time-ordered", _strings, ("loader",)),
    Key("data-arg", "integer, `\"receiver\"` or `\"any\"`", "where the data sent out is: a 0-based position, the object of the method, or every argument", _position_or("receiver", "any"), ("sink",)),
    Key("saves-model", "boolean", "the data written is a model (MLO602)", _boolean, ("sink",)),
    Key("needs-trained-receiver", "boolean", "the method name is too common to mean \"save a model\" by itself (keras `model.save`, PIL `img.save`): it counts only on an object the module trains", _boolean, ("sink",)),
    Key("metadata-keywords", "list of strings", "keywords through which the call stores metadata with the model itself", _strings, ("sink",)),
    Key("checks-values", "boolean", "writing values to this log counts as looking at them (MLO503, MLO601: \"logged statistics\")", _boolean, ("recorder",)),
    # grading
    Key("hard", "boolean", "class labels or point values with no confidence (`predict`)", _boolean, ("prediction",)),
    Key("uncertainty", "boolean", "scores or probabilities (`predict_proba`, `decision_function`)", _boolean, ("prediction",)),
    Key("thresholds-output", "integer", "0-based position of its last output, which holds the candidate thresholds rather than scores (`fpr, tpr, thresholds = roc_curve(...)`): choosing a threshold by its own value grades nothing (MLO203)", _integer, ("metric",)),
    # time
    Key("dates-only", "boolean", "the call parses dates (`pd.to_datetime`): the data has a date column, which shows a time series only where its rows are also ordered or indexed (role `row-order`, a loader's `index-params`); calendar features of independent rows are not a series", _boolean, ("time-evidence",)),
    Key("index-params", "list of strings", "keywords that make a column the row index (`index_col`): together with `time-evidence-params`, the rows are indexed by time", _strings, ("loader",)),
    Key("look-ahead-when", "list of conditions", "conditions under which the data method reads later rows (see Conditions); absent: always", _conditions,
        ("time-evidence", "look-ahead", "data-check")),
)}


# --- frame facts: rules/frames.toml (catalog-level, by name; no entry, no role) ----------------------

FRAME_KEYS = {key.name: key for key in (
    Key("keeps-columns", "list of strings", "methods whose result has every column of the frame they are called on, rows aside (`df.dropna()`, `df.merge(other)`): the result keeps the frame's column facts (MLO106 target-in-features)", _strings),
    Key("not-columns", "list of strings", "attributes that are no column (`df.shape`, `df.loc`, `df.str`): `df.<name>` reads no column of that name", _strings),
    Key("label-indexers", "list of strings", "attributes indexed by rows and columns by label (`df.loc[mask, \"c\"]`): the columns read or written are those labels; a write through any indexer (`df.loc[:, \"c\"] = v`) writes into the frame itself", _strings),
    Key("position-indexers", "list of strings", "attributes indexed by rows and columns by position (`df.iloc[:, 0]`, `df.iloc[:n]`): rows and column positions, no labels", _strings),
    Key("cell-indexers", "list of strings", "attributes indexed one cell at a time (`df.at[i, \"c\"]`, `df.iat[0, 1]`): a write through one writes rows of the frame", _strings),
    Key("all-columns", "list of strings", "attributes that hold every column of the frame (`df.values`)", _strings),
    Key("lags", "list of strings", "methods that take the values of other rows only (`shift`): a column read through one is not read at the same row (MLO106), and a label built with one shifts rows", _strings),
    Key("windows", "list of strings", "window methods (`rolling`): a column read through one with `closed=\"left\"` or `\"neither\"` is not read at the same row (MLO106)", _strings),
)}


def check_frame_facts(data: dict[str, Any]) -> dict[str, frozenset[str]]:
    """The frame facts of ``rules/frames.toml``, each a set of names; SchemaError names the key at fault."""
    checked = {}
    for name, value in data.items():
        key = FRAME_KEYS.get(name)
        if key is None:
            raise SchemaError(f"unknown key '{name}'")
        try:
            checked[name] = frozenset(key.check(value))
        except SchemaError as error:
            raise SchemaError(f"key '{name}' {error}") from None
    for name in FRAME_KEYS:
        if name not in checked:
            raise SchemaError(f"missing key '{name}'")
    return checked


SAME_AS = Key("same-as", "string", "the key is another name of this entry (an older module path: `sklearn.cross_validation.train_test_split`): the name finds that entry itself, with its role and every fact; it is the entry's only key", _string)


def check_alias(facts: dict[str, Any]) -> str | None:
    """The name an alias entry stands for (``same-as``), None for an ordinary entry."""
    if SAME_AS.name not in facts:
        return None
    if len(facts) != 1:
        raise SchemaError(f"key '{SAME_AS.name}' must be the entry's only key")
    target: str = SAME_AS.check(facts[SAME_AS.name])
    return target


def check_api_entry(qualname: str, facts: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The entry's role and its checked (and parsed) facts; SchemaError names the key at fault."""
    role = facts.get("role")
    if not isinstance(role, str):
        raise SchemaError("needs a string 'role'")
    if role not in ROLES:
        raise SchemaError(f"unknown role '{role}'")
    checked = {}
    for name, value in facts.items():
        if name == "role":
            continue
        key = FACTS.get(name)
        if key is None:
            raise SchemaError(f"unknown key '{name}'")
        if key.roles and role not in key.roles:
            raise SchemaError(f"key '{name}' does not apply to role '{role}'")
        try:
            checked[name] = key.check(value)
        except SchemaError as error:
            raise SchemaError(f"key '{name}' {error}") from None
    if "receiver" in checked and "." not in qualname:
        raise SchemaError("a method is keyed 'Owner.method'")
    return role, checked


def check_table(where: str, data: dict[str, Any], keys: Mapping[str, Check]) -> None:
    """Check a sub-table of a rule file (``fix``, ``docs``, one option or example)."""
    for name, value in data.items():
        check = keys.get(name)
        if check is None:
            raise SchemaError(f"unknown key '{where}.{name}'")
        try:
            check(value)
        except SchemaError as error:
            raise SchemaError(f"key '{where}.{name}' {error}") from None


# --- the tables of rules/README.md --------------------------------------------------------------------

def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def readme_tables() -> str:
    """The Markdown tables of rules/README.md, generated from this schema."""
    facts_by_role: dict[str, list[str]] = {name: [] for name in ROLES}
    for key in FACTS.values():
        for role in key.roles:
            facts_by_role[role].append(f"`{key.name}`")
    out = ["### Rule files (`MLOnnn.toml`)", "", _row("key", "value", "meaning"), _row("---", "---", "---")]
    out += [_row(f"`{key.name}`", key.kind, key.meaning) for key in RULE_KEYS.values()]
    out += ["", "### Roles (`api/*.toml`)", "", _row("role", "what it is", "facts", "read by"), _row("---", "---", "---", "---")]
    out += [_row(f"`{role.name}`", role.meaning, ", ".join(facts_by_role[role.name]) or "—", role.read_by) for role in ROLES.values()]
    out += ["", "### Facts (`api/*.toml`)", "", _row("fact", "value", "meaning", "roles"), _row("---", "---", "---", "---")]
    out += [_row(f"`{key.name}`", key.kind, key.meaning, ", ".join(f"`{r}`" for r in key.roles) or "any") for key in FACTS.values()]
    out += [_row(f"`{SAME_AS.name}`", SAME_AS.kind, SAME_AS.meaning, "none (an alias has no role)")]
    out += ["", "### Frame facts (`frames.toml`)", "", _row("key", "value", "meaning"), _row("---", "---", "---")]
    out += [_row(f"`{key.name}`", key.kind, key.meaning) for key in FRAME_KEYS.values()]
    return "\n".join(out) + "\n"
