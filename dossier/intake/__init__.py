"""Intake: take files in, store the originals immutably, record them; no page reading here."""
