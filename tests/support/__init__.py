"""Test support: oracles (HF tokenizers), real-text corpora."""
