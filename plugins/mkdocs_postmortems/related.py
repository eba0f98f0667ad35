"""Related incidents. (A first version; the learning-from-the-archive work extends it.)"""

from __future__ import annotations

from .archive import Archive, Entry


def similar_for_new(
    archive: Archive, services: list[str], tags: list[str], title: str, limit: int = 5
) -> list[tuple[Entry, str]]:
    wanted_services, wanted_tags = set(services), set(tags)
    scored = []
    for entry in archive.visible:
        pm = entry.pm
        assert pm is not None
        shared_services = sorted(wanted_services & set(pm.services))
        shared_tags = sorted(wanted_tags & set(pm.tags))
        score = 2 * len(shared_services) + len(shared_tags)
        if score:
            reasons = []
            if shared_services:
                reasons.append("also " + ", ".join(shared_services))
            if shared_tags:
                reasons.append("shares tags " + ", ".join(shared_tags))
            scored.append((-score, entry, "; ".join(reasons)))
    scored.sort(key=lambda t: (t[0], -t[1].pm.date.toordinal()))  # type: ignore[union-attr]
    return [(entry, reason) for _, entry, reason in scored[:limit]]
