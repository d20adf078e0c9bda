"""Periodic impact reports: figures for a (period, scope), PDF and .xlsx, jobs and their services."""
