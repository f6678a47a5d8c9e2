"""Older file versions are brought up to the current one by a chain of small steps.

Each step takes the raw JSON object of version N and returns one of version N+1. Steps work on
untrusted data: they move keys around and leave type checking to the schema that runs after.
"""

from __future__ import annotations

from typing import Any, Callable

from .schema import DEFAULT_PLAN_ID, VERSION


def _v0_to_v1(raw: dict[str, Any]) -> dict[str, Any]:
    """Version 0 (pre-release drafts): components had `type`, pathways were `links` with
    `from`/`to`, and a model had a single list of `lots` instead of lot plans."""
    out = dict(raw)
    components = out.get("components")
    if isinstance(components, list):
        out["components"] = [
            {("kind" if k == "type" else k): v for k, v in c.items()} if isinstance(c, dict) else c
            for c in components]
    if "links" in out:
        links = out.pop("links")
        out["pathways"] = [
            {{"from": "source", "to": "target"}.get(k, k): v for k, v in link.items()}
            if isinstance(link, dict) else link
            for link in links] if isinstance(links, list) else links
    if "lots" in out:
        out["lot_plans"] = [{"id": DEFAULT_PLAN_ID, "name": "Lot plan 1", "lots": out.pop("lots")}]
        out["active_plan"] = DEFAULT_PLAN_ID
    out["version"] = 1
    return out


def _v1_to_v2(raw: dict[str, Any]) -> dict[str, Any]:
    """Version 2 only adds optional keys (annual_referrals, episode_months, completion_percent)
    and gives capacity and share_percent, already in version 1, their flow meaning: nothing moves."""
    return {**raw, "version": 2}


# MIGRATIONS[n] turns version n into version n + 1.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _v0_to_v1, 1: _v1_to_v2}


def migrate(raw: dict[str, Any], version: int) -> dict[str, Any]:
    while version < VERSION:
        raw = MIGRATIONS[version](raw)
        version += 1
    return raw
