"""What a user's RDF file may not do to the engine's parser, checked as the parser reads it.

pyoxigraph's RDF/XML parser expands every entity a DOCTYPE declares, without a bound (a 1 kB
"billion laughs" file grows to gigabytes), and takes time quadratic in the nesting depth of the
elements. So an RDF/XML file is read through `CheckedXml`: the stdlib's expat parser reads each
chunk before the engine gets it, and the file is refused, with its line and column, before the
engine has seen the offending part, if it

- declares a parameter entity, an external entity, or an entity whose text holds markup or
  other entity references (nesting is what multiplies); flat text entities (the usual
  `<!ENTITY owl "http://www.w3.org/2002/07/owl#">`) are kept, but the text they add may be at
  most ENTITY_GROWTH times the bytes read plus ENTITY_ALLOWANCE;
- nests elements deeper than MAX_XML_DEPTH;
- has a relative IRI (rdf:about, rdf:resource, rdf:ID, rdf:datatype) with no base to resolve
  it against (no --base and no xml:base around it), or a relative xml:base or namespace IRI
  (which the engine does not resolve even against a base);
- is not well-formed XML in UTF-8 (the only encoding the engine reads).

The parsers of the other formats have their own bounds; the one a user meets is the longest
single term (literal, IRI), TOKEN_LIMIT, which `token_overflow_position` locates.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import IO
from xml.parsers import expat

from ..errors import DataLoadError

MAX_XML_DEPTH = 256
ENTITY_GROWTH = 4
ENTITY_ALLOWANCE = 1024 * 1024
TOKEN_LIMIT = 16 * 1024 * 1024  # pyoxigraph's largest parser buffer (its MemoryError beyond)
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns# "
_XML_BASE = "http://www.w3.org/XML/1998/namespace base"
_IRI_ATTRIBUTES = {_RDF + name for name in ("about", "resource", "ID", "datatype")}
NO_BASE_HINT = " (give one with --base IRI, or write absolute IRIs)"
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class _Refused(Exception):
    """Raised in an expat handler; read() turns it into a DataLoadError at `position`."""

    def __init__(self, message: str, position: tuple[int, int]):
        super().__init__(message)
        self.position = position


class CheckedXml:
    """A binary stream over `stream` (an RDF/XML document) that checks each chunk with expat
    before handing it on, and raises DataLoadError (file:line:col) at the first thing the
    module docstring lists."""

    def __init__(self, stream: IO[bytes], path: Path | str, base_iri: str | None):
        self.stream, self.path = stream, path
        self.parser = expat.ParserCreate(encoding="UTF-8", namespace_separator=" ")
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.buffer_text = True
        self.parser.ordered_attributes = True
        self.parser.EntityDeclHandler = self._entity
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.StartNamespaceDeclHandler = self._namespace
        self.based = [base_iri is not None]  # per open element: is there a base for relative IRIs
        self.entities = False
        self.text = 0  # characters of text and attribute values, once entities are declared
        self.done = False

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        if self.done:
            return data
        try:
            self.parser.Parse(data, not data)
        except expat.ExpatError as e:
            message = f"RDF_XML syntax error: {expat.errors.messages[e.code]}"
            raise DataLoadError(str(self.path), message, e.lineno, e.offset + 1) from None
        except _Refused as e:
            raise DataLoadError(str(self.path), f"RDF_XML refused: {e}", *e.position) from None
        self.done = not data
        return data

    def _refuse(self, message: str) -> None:
        """Stop at the construct expat is reading (positions are read in the handler: expat
        moves on before Parse returns)."""
        raise _Refused(message, (self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1))

    def _entity(self, name, is_parameter, value, base, system_id, public_id, notation) -> None:
        if is_parameter:
            self._refuse(f"the DOCTYPE declares the parameter entity %{name};")
        if value is None:
            self._refuse(f"the DOCTYPE declares the external entity &{name}; (no other file is read)")
        if "&" in value or "<" in value:
            self._refuse(f"the entity &{name}; holds markup or other entities (only plain text may)")
        if not self.entities:
            self.entities = True
            self.parser.CharacterDataHandler = self._characters

    def _start(self, name: str, attributes: list[str]) -> None:
        if len(self.based) > MAX_XML_DEPTH:
            self._refuse(f"elements nested deeper than {MAX_XML_DEPTH}")
        based = self.based[-1]
        pairs = list(zip(attributes[::2], attributes[1::2], strict=True))
        for key, value in pairs:
            if key == _XML_BASE:
                if not _ABSOLUTE_IRI.match(value):
                    self._refuse(f"relative xml:base {value!r} (the engine resolves only absolute ones)")
                based = True
        if not based:
            for key, value in pairs:
                if key in _IRI_ATTRIBUTES and (key.endswith(" ID") or not _ABSOLUTE_IRI.match(value)):
                    self._refuse(
                        f"relative IRI {value!r} and no base IRI to resolve it against{NO_BASE_HINT}"
                    )
        self.based.append(based)
        if self.entities:
            self._characters("".join(value for _, value in pairs))

    def _end(self, name: str) -> None:
        self.based.pop()

    def _namespace(self, prefix: str | None, uri: str | None) -> None:
        if uri and not _ABSOLUTE_IRI.match(uri):
            self._refuse(f"relative namespace IRI {uri!r} (the engine resolves only absolute ones)")

    def _characters(self, data: str) -> None:
        self.text += len(data)
        if self.text > ENTITY_GROWTH * self.parser.CurrentByteIndex + ENTITY_ALLOWANCE:
            self._refuse(
                f"entity references expand the text to more than {ENTITY_GROWTH}x the file"
                f" (+{ENTITY_ALLOWANCE >> 20} MiB); write their text in their place"
            )


def token_overflow_position(stream: IO[bytes], offset: int) -> tuple[int, int]:
    """The line and column (1-based) at byte `offset` of `stream` (the file, decompressed),
    where the engine stopped because a term outgrew TOKEN_LIMIT."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="ignore")
    line, column = 1, 1
    while offset > 0:
        chunk = stream.read(min(offset, 1 << 20))
        if not chunk:
            break
        offset -= len(chunk)
        newlines = chunk.count(b"\n")
        if newlines:
            line, column = line + newlines, 1
            chunk = chunk[chunk.rfind(b"\n") + 1 :]
        column += len(decoder.decode(chunk))
    return line, column
