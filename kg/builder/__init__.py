"""Builds: what to read, what comes from the cache, what to extract, where it runs and where it goes.

One build, whatever runs the extraction (:mod:`kg.builder.run`)::

    options  ->  plan  ->  engine (batches)  ->  sinks  ->  report
                  |          |                     |
                  |          this process,         store, file
                  |          a process pool,
                  |          a Dask cluster
                  skipped, cached, to extract

* :mod:`kg.builder.options`: what :func:`kg.build` is asked, as one value;
* :mod:`kg.builder.plan`: every article read, and skipped (the store holds
  it), taken from the fact cache (:mod:`kg.builder.cache`) or to extract;
* :mod:`kg.builder.batches`: the work an engine runs, a batch at a time
  (extract, cache, map to RDF);
* :mod:`kg.builder.engine`: the seam, a ``concurrent.futures.Executor``, and
  the engines behind it: :mod:`kg.builder.local` (this process, a process
  pool) and :mod:`kg.builder.distributed` (a Dask cluster);
* :mod:`kg.builder.sinks`: where the articles go (a store, a file), written
  by :mod:`kg.builder.output` in any format;
* :mod:`kg.builder.report`: the figures of the build;
* :mod:`kg.builder.watch`: building again as articles arrive.
"""
