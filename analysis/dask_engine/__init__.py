"""The Dask engine: the analysis pass on a cluster, and streaming methods for very large corpora.

Input is a **partitioned Parquet dataset**: a folder of ``part-00000.parquet``,
``part-00001.parquet`` ... files with the columns of a CSV corpus and an ``id`` column;
:func:`write_parquet_corpus` writes one from a CSV or JSON Lines file, reading it in chunks by
the loader's own rules (:mod:`analysis.corpus`).

One module per part:

- :mod:`~analysis.dask_engine.parquet` - :func:`write_parquet_corpus`,
  :func:`parquet_partitions`, and reading a dataset's partitions.
- :mod:`~analysis.dask_engine.engine` - :func:`analyze_dask`: the analysis pass of
  :func:`analysis.pipeline.analyze` on a Dask cluster (``dask.distributed``), one task per
  partition; it equals the local engine on the whole dataset, but its result is gathered into
  the client's memory (not streaming).
- :mod:`~analysis.dask_engine.cluster_pass` - :func:`analyze_on_cluster`: the analysis pass of
  a loaded corpus on a cluster; the workers write the results into the shared cache (Parquet
  packs) and nothing is gathered on the client (``python -m analysis.report --engine dask``).
- :mod:`~analysis.dask_engine.streaming_terms` - :func:`streaming_group_terms`: distinctive
  terms per group (Monroe, Colaresi & Quinn 2008) from additive per-group counts, equal to the
  in-memory :func:`analysis.language.distinctive_terms`.
- :mod:`~analysis.dask_engine.streaming_topics` - :func:`streaming_topics`: online NMF
  (``MiniBatchNMF``) on hashed TF-IDF, close to, not equal to, the in-memory topic model.
- :mod:`~analysis.dask_engine.options` - option checks and progress bars they share.

The streaming methods read one partition at a time and keep only bounded summaries, so the
corpus never has to fit in memory.

Errors are :class:`~analysis.errors.CorpusError` (naming the folder or file) for a missing, empty
or malformed dataset, and :class:`~analysis.errors.ParameterError` for bad options.
"""

from analysis.dask_engine.cluster_pass import analyze_on_cluster
from analysis.dask_engine.engine import LOCAL_CLUSTER_OPTIONS, analyze_dask
from analysis.dask_engine.options import PROGRESS_MIN_PARTITIONS
from analysis.dask_engine.parquet import (
    ID_COLUMN,
    PART_NAME,
    parquet_partitions,
    write_parquet_corpus,
)
from analysis.dask_engine.streaming_terms import streaming_group_terms
from analysis.dask_engine.streaming_topics import (
    MAX_DF,
    MAX_VOCABULARY,
    MIN_DF,
    PRUNE_MIN_DOCUMENTS,
    StreamingTopicModel,
    streaming_topics,
)

__all__ = [
    "ID_COLUMN",
    "LOCAL_CLUSTER_OPTIONS",
    "MAX_DF",
    "MAX_VOCABULARY",
    "MIN_DF",
    "PART_NAME",
    "PROGRESS_MIN_PARTITIONS",
    "PRUNE_MIN_DOCUMENTS",
    "StreamingTopicModel",
    "analyze_dask",
    "analyze_on_cluster",
    "parquet_partitions",
    "streaming_group_terms",
    "streaming_topics",
    "write_parquet_corpus",
]
