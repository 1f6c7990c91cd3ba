"""The resume builder: document model, storage with versions, PDF designs, suggestions, tailoring, sharing.

Modules: model (the document), repository (database), templates + render (PDF), fonts, thumbnails,
suggest (Generate), tailor (fit to a job), share (public links)."""
