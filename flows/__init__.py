"""Prefect flows: thin wrappers that compose the stages of `corpus600m` as tasks.

Each module holds one flow; deployments point at `flows/<module>.py:<flow function>`.
"""
