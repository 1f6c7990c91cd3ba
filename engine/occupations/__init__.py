"""Occupations (O*NET 29.2): the shipped table, title -> occupation matching, and jobs' and profiles'
occupations. See docs/occupations.md."""
