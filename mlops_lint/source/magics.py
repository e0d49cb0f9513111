"""The IPython line magics a cell may call without its ``%`` (automagic), as IPython ships them.

IPython turns a one-line cell such as ``pip install x`` or ``cd data`` into ``%pip install x`` /
``%cd data`` when its first word names a line magic (automagic is on by default). The names are
those of IPython 8-9's built-in magics and POSIX aliases, ipykernel's kernel magics, and the
extension magics people load in notebooks (autoreload, TensorBoard). A magic missing here is
only read as Python, exactly as before: a one-line cell, reported at worst as MLO001.
"""

from __future__ import annotations

AUTOMAGIC_NAMES = frozenset({
    # IPython built-in line magics
    "alias", "alias_magic", "autoawait", "autocall", "automagic", "bookmark", "cd", "code_wrap", "colors",
    "conda", "config", "debug", "dhist", "dirs", "doctest_mode", "ed", "edit", "env", "gui", "hist",
    "history", "killbgscripts", "load", "load_ext", "loadpy", "logoff", "logon", "logstart", "logstate",
    "logstop", "lsmagic", "macro", "magic", "mamba", "matplotlib", "micromamba", "notebook", "page",
    "pastebin", "pdb", "pdef", "pdoc", "pfile", "pinfo", "pinfo2", "pip", "popd", "pprint", "precision",
    "prun", "psearch", "psource", "pushd", "pwd", "pycat", "pylab", "quickref", "recall", "rehashx",
    "reload_ext", "rep", "rerun", "reset", "reset_selective", "run", "save", "sc", "set_env", "store",
    "sx", "system", "tb", "time", "timeit", "unalias", "unload_ext", "uv", "who", "who_ls", "whos",
    "xdel", "xmode",
    # IPython's POSIX shell aliases (they are line magics too)
    "cat", "cp", "ldir", "lf", "lk", "ll", "ls", "lx", "mkdir", "mv", "rm", "rmdir",
    # ipykernel's kernel magics
    "autosave", "clear", "connect_info", "less", "man", "more", "qtconsole",
    # extension magics common in notebooks
    "aimport", "autoreload", "tensorboard",
})
