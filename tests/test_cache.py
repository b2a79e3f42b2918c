"""The cache of the bundled data with its derived links (kzgraph.graph.cache)."""

from __future__ import annotations

import kzgraph


def quads(graph: kzgraph.Graph) -> set:
    return {
        (q.subject, q.predicate, q.object, q.graph_name) for q in graph.store if q.subject.value[:2] != "_:"
    }


def test_cached_load_is_the_same_graph(tmp_path, monkeypatch):
    monkeypatch.setenv("KZGRAPH_CACHE_DIR", str(tmp_path))
    built = kzgraph.load()
    files = list(tmp_path.glob("bundled-*.nq"))
    assert len(files) == 1 and files[0].stat().st_size > 100_000
    cached = kzgraph.load()
    assert len(cached.store) == len(built.store)
    assert quads(cached) == quads(built)
    assert (
        cached.run("predecessors", party="Nur Otan").rows == built.run("predecessors", party="Nur Otan").rows
    )


def test_a_damaged_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("KZGRAPH_CACHE_DIR", str(tmp_path))
    expected = len(kzgraph.load().store)
    (path,) = tmp_path.glob("bundled-*.nq")
    path.write_text("<http://e/a> <http://e/b> .\n", encoding="utf-8")
    assert len(kzgraph.load().store) == expected
    assert len(kzgraph.load().store) == expected  # and written again


def test_user_files_are_added_to_the_cached_bundled_data(tmp_path, monkeypatch, tiny_ttl):
    monkeypatch.setenv("KZGRAPH_CACHE_DIR", "")
    uncached = kzgraph.load([tiny_ttl])
    assert uncached.resolve_organisation("Nur Otan")
    monkeypatch.setenv("KZGRAPH_CACHE_DIR", str(tmp_path))
    first, second = kzgraph.load([tiny_ttl]), kzgraph.load([tiny_ttl])
    (cache_file,) = tmp_path.glob("bundled-*.nq")
    assert "example.org" not in cache_file.read_text(encoding="utf-8")  # the bundled data only
    assert quads(first) == quads(second) == quads(uncached)
    assert second.resolve_organisation("tiny party").value == "https://example.org/p"


def test_an_empty_cache_dir_turns_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv("KZGRAPH_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    assert kzgraph.load().resolve_organisation("Nur Otan")
    assert list(tmp_path.rglob("*.nq")) == []
