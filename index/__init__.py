"""Ingestion, chunking, embedding and the persistent stores behind newsdesk."""
