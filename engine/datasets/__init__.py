"""Job data: the coherent generator, its vocabulary, skill extraction, text cleaning, category mapping,
CSV importers/exporter, and a loader of the real public datasets used for evaluation."""
