"""The interview coach: our own Q&A corpus, a small Keras GPT trained from scratch on it, retrieval with the
sentence encoder, and mock-interview scoring. Modules, bottom-up: paths -> corpus -> tokenizer -> model ->
train -> generate -> retrieval -> evaluate -> mock -> sessions."""
