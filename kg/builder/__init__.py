"""Builds: what to read, what comes from the cache, what to extract and where it goes.

Ties the stages together for a corpus: the fact cache (:mod:`kg.builder.cache`),
extraction in worker processes (:mod:`kg.builder.workers`) or on a Dask
cluster (:mod:`kg.builder.distributed`), and rebuilding as articles arrive
(:mod:`kg.builder.watch`).
"""
