"""Where the bundled ontology, data and stored queries live (installed or in a checkout)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
# A wheel carries them inside the package; an editable install reads the checkout.
ROOT = _PACKAGE / "_bundled" if (_PACKAGE / "_bundled").is_dir() else _PACKAGE.parents[1]

ONTOLOGY_DIR = ROOT / "ontology"
DATA_DIR = ROOT / "data"
QUERIES_DIR = ROOT / "queries"
RULES_DIR = ONTOLOGY_DIR / "rules"  # derived at load: what the stored queries read
ENTAILMENT_RULES_DIR = RULES_DIR / "entailment"  # derived on demand: for consumers without a reasoner
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
POST_2012_SHAPES_FILE = ONTOLOGY_DIR / "shapes-post-2012.ttl"
PARLGOV_SHAPES_FILE = ONTOLOGY_DIR / "shapes-parlgov.ttl"
