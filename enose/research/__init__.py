"""Research on the pooled data of every site: the central study database as a data source.

:mod:`enose.research.central` reads the central PostgreSQL database through the researcher
role's pseudonymised views and offers what the research commands and the researcher's
workspace read from a site's SQLite file: session browsing (the same filters and rows as
:mod:`enose.browse`), QC verdicts, the feature table, the training data set, the study export
and raw recordings on demand, and the provenance a model card records.
"""

from enose.research.central import CentralResearchError, CentralSessionRow, CentralSource

__all__ = ["CentralResearchError", "CentralSessionRow", "CentralSource"]
