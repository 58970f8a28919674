"""Emerging topics: planted clusters in made-up texts are found with sensible keywords."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from functools import cache

from outsidein.text.codebook import Codebook
from outsidein.text.topics import Topic, discover_topics, topic_to_theme

BASE = datetime(2024, 1, 1)


def _pick(rng: random.Random, *parts: list[str]) -> str:
    return " ".join(rng.choice(p) for p in parts)


def _corpus(seed: int = 3) -> tuple[list[str], list[datetime]]:
    """60 parking complaints (late weeks), 40 dog complaints, 150 unrelated texts."""
    rng = random.Random(seed)
    parking = (
        ["Parkeringsautomaten", "Parkeringen", "Parkeringsplassen", "Parkeringshuset"],
        ["var full", "tok ikke kortet", "var stengt", "kostet for mye"],
        ["ved kontoret", "i dag", "igjen", "utenfor senteret"],
    )
    dogs = (
        ["Hunden min", "Hundene", "Hundeforbudet", "Hunden vår"],
        ["fikk ikke komme inn", "måtte vente ute", "ble nektet", "ble stoppet"],
        ["i lokalet", "i regnet", "i butikken", "på kafeen"],
    )
    # Unrelated texts: made-up words that never repeat and share no first part either
    # (the finder rightly treats "lorusale"/"lorusane" like "parkering"/"parkeringen").
    syllables = [c + v for c in "bdfghjklmnprstv" for v in "aeiouy"]
    pool, heads = [], set()
    while len(pool) < 750:
        word = "".join(rng.sample(syllables, 4))
        if word[:4] not in heads:
            heads.add(word[:4])
            pool.append(word)
    texts, stamps = [], []
    for _ in range(60):
        texts.append(_pick(rng, *parking))
        stamps.append(BASE + timedelta(days=rng.randint(35, 62)))
    for _ in range(40):
        texts.append(_pick(rng, *dogs))
        stamps.append(BASE + timedelta(days=rng.randint(0, 62)))
    for i in range(150):
        texts.append(" ".join(pool[i * 5 : i * 5 + 5]))
        stamps.append(BASE + timedelta(days=rng.randint(0, 62)))
    return texts, stamps


@cache
def _topics() -> tuple[Topic, ...]:
    texts, stamps = _corpus()
    return tuple(discover_topics(texts, ["nb"] * len(texts), timestamps=stamps))


def _purity(topic: Topic, lo: int, hi: int) -> float:
    return sum(lo <= i < hi for i in topic.member_indices) / topic.size


def test_planted_clusters_are_found_with_keywords() -> None:
    topics = _topics()
    parking = [t for t in topics if _purity(t, 0, 60) > 0.9]
    dogs = [t for t in topics if _purity(t, 60, 100) > 0.9]
    assert parking and dogs
    assert sum(t.size for t in parking) >= 50
    assert sum(t.size for t in dogs) >= 32
    assert any(k.startswith("parker") for k in parking[0].keywords[:3])
    assert any(k.startswith("hund") for k in dogs[0].keywords[:3])
    # The unrelated texts do not form topics of their own.
    assert all(_purity(t, 100, 250) < 0.2 for t in topics)
    # Representatives are members; parking complaints only appear in the last weeks.
    assert set(parking[0].representative_indices) <= set(parking[0].member_indices)
    assert parking[0].trend is not None and parking[0].trend.direction == "rising"
    assert all("-W" in week for week in parking[0].trend.weekly)


def test_respects_min_cluster_size_and_max_topics() -> None:
    texts, _ = _corpus()
    assert discover_topics(texts[:8], None, min_cluster_size=5) == []
    big = discover_topics(texts[:100], None, min_cluster_size=30, max_topics=1)
    assert len(big) == 1 and big[0].size >= 30


def test_topic_becomes_a_codebook_theme() -> None:
    dogs = max(_topics(), key=lambda t: _purity(t, 60, 100))
    theme = topic_to_theme(dogs, "dogs", "Dogs in the shop", "nb")
    assert theme.code == "dogs" and theme.keywords["nb"]
    book = Codebook([theme])
    assert [h.code for h in book.find_themes("Hunden fikk ikke bli med", "nb")] == ["dogs"]


def test_texts_that_share_nothing_are_left_out_not_fatal() -> None:
    texts = [f"Parkeringen ved senteret er for dyr, uke {n}" for n in range(6)]
    texts += ["Blåbærsyltetøy", "Sykkelstativet", "Veikrysset", "Fiskebollene", "Snøskuffa"]
    topics = discover_topics(texts, ["nb"] * len(texts), min_cluster_size=3)
    assert [sorted(t.member_indices) for t in topics] == [list(range(6))]


def test_redaction_markers_never_become_suggested_keywords() -> None:
    # Redacted feedback: every member carries a masked phone number, e-mail or account.
    rng = random.Random(5)
    parking = (
        ["Parkeringsautomaten", "Parkeringen", "Parkeringsplassen"],
        ["var full", "var stengt"],
    )
    dogs = (["Hunden min", "Hundene", "Hunden vår"], ["ble nektet", "måtte vente ute"])
    masks = ("ring meg på [PHONE]", "svar til [EMAIL]", "refunder til [ACCOUNT] [FØDSELSNUMMER]")
    texts = [f"{_pick(rng, *parking)}, {rng.choice(masks)}" for _ in range(20)]
    texts += [f"{_pick(rng, *dogs)}, {rng.choice(masks)}" for _ in range(20)]
    topics = discover_topics(texts, ["nb"] * len(texts), min_cluster_size=5)
    assert len(topics) == 2  # the parking and dog complaints; the masks alone are no topic
    keywords = {k.strip("*") for topic in topics for k in topic.keywords}
    assert not keywords & {"phone", "email", "account", "fødselsnummer"}, keywords
    assert any(k.startswith("parker") for k in keywords) and any(
        k.startswith("hund") for k in keywords
    )
