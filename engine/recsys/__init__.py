"""Job-Rec-v1: job/profile texts, the sentence encoder and its fine-tuning, the FAISS job index,
recommendations, similar jobs and applicant fit. Heavy imports (torch, faiss) happen inside functions."""
