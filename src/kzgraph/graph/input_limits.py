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
- has a tag, comment or other token over TOKEN_LIMIT (text content may be longer);
- is not well-formed XML in UTF-8 (the only encoding the engine reads).

The engine refuses a relative IRI it cannot resolve, but says not where; `unresolvable_iri`
finds it (a second pass, on that error only): rdf:about, rdf:resource, rdf:ID, rdf:datatype
with no base (no --base, no xml:base around it), or a relative xml:base or namespace IRI,
which the engine resolves not even against a base.

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
_BLOCK = 64 * 1024  # what CheckedXml reads ahead at least
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns# "
_XML_BASE = "http://www.w3.org/XML/1998/namespace base"
_IRI_ATTRIBUTES = {_RDF + name for name in ("about", "resource", "ID", "datatype")}
NO_BASE_HINT = " (give one with --base IRI, or write absolute IRIs)"
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class _Refused(Exception):
    """Raised in an expat handler, with the position expat was at (it moves on before Parse
    returns)."""

    def __init__(self, message: str, parser: expat.XMLParserType):
        super().__init__(message)
        self.position = parser.CurrentLineNumber, parser.CurrentColumnNumber + 1


def _parser(namespaces: bool = False) -> expat.XMLParserType:
    parser = expat.ParserCreate(encoding="UTF-8", namespace_separator=" " if namespaces else None)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.ordered_attributes = True
    return parser


class CheckedXml:
    """A binary stream over `stream` (an RDF/XML document) that checks each chunk with expat
    before handing it on, and raises DataLoadError (file:line:col) at the first thing the
    module docstring lists."""

    def __init__(self, stream: IO[bytes], path: Path | str):
        self.stream, self.path = stream, path
        self.parser = _parser()
        self.parser.EntityDeclHandler = self._entity
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.depth = 0
        self.entities = False
        self.text = 0  # characters of text and attribute values, once entities are declared
        self.checked, self.offset = b"", 0  # what expat has read and the engine not yet
        self.fed = 0
        self.done = False

    def read(self, size: int = -1) -> bytes:
        while not self.done and (size < 0 or len(self.checked) - self.offset < size):
            self._check(self.stream.read(-1 if size < 0 else self._block()))
        end = len(self.checked) if size < 0 else self.offset + size
        data, self.offset = self.checked[self.offset : end], min(end, len(self.checked))
        return data

    def _block(self) -> int:
        """How much to read ahead: at least the pending token (see _check), at most a quarter
        of TOKEN_LIMIT, and no more than takes a pending token one byte past the limit."""
        pending = self._pending()
        return max(1, min(max(_BLOCK, pending), TOKEN_LIMIT // 4, TOKEN_LIMIT + 1 - pending))

    def _pending(self) -> int:
        """Bytes fed to expat that it holds back: the token it is in the middle of."""
        return self.fed - max(self.parser.CurrentByteIndex, 0)

    def _check(self, block: bytes) -> None:
        # Expat (before 2.6) scans an unfinished token again with every chunk: blocks grow with
        # the pending token, so that a long one costs a few passes, not one per chunk.
        try:
            self.parser.Parse(block, not block)
        except expat.ExpatError as e:
            message = f"RDF_XML syntax error: {expat.errors.messages[e.code]}"
            raise DataLoadError(str(self.path), message, e.lineno, e.offset + 1) from None
        except _Refused as e:
            raise DataLoadError(str(self.path), f"RDF_XML refused: {e}", *e.position) from None
        self.fed += len(block)
        self.checked, self.offset = self.checked[self.offset :] + block, 0
        self.done = not block
        if self._pending() > TOKEN_LIMIT:
            what = f"a single tag, comment or other token runs past {TOKEN_LIMIT >> 20} MiB"
            line, column = self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1
            raise DataLoadError(str(self.path), f"RDF_XML refused: {what}", line, column)

    def _entity(self, name, is_parameter, value, base, system_id, public_id, notation) -> None:
        if is_parameter:
            raise _Refused(f"the DOCTYPE declares the parameter entity %{name};", self.parser)
        if value is None:
            raise _Refused(
                f"the DOCTYPE declares the external entity &{name}; (no other file is read)", self.parser
            )
        if "&" in value or "<" in value:
            raise _Refused(
                f"the entity &{name}; holds markup or other entities (only plain text may)", self.parser
            )
        if not self.entities:
            self.entities = True
            self.parser.buffer_text = True
            self.parser.CharacterDataHandler = self._characters

    def _start(self, name: str, attributes: list[str]) -> None:
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise _Refused(f"elements nested deeper than {MAX_XML_DEPTH}", self.parser)
        if self.entities:
            self._characters("".join(attributes[1::2]))

    def _end(self, name: str) -> None:
        self.depth -= 1

    def _characters(self, data: str) -> None:
        self.text += len(data)
        if self.text > ENTITY_GROWTH * self.parser.CurrentByteIndex + ENTITY_ALLOWANCE:
            raise _Refused(
                f"entity references expand the text to more than {ENTITY_GROWTH}x the file"
                f" (+{ENTITY_ALLOWANCE >> 20} MiB); write their text in their place",
                self.parser,
            )


def unresolvable_iri(stream: IO[bytes], base_iri: str | None) -> tuple[str, int, int] | None:
    """The first IRI of an RDF/XML document that the engine cannot resolve against `base_iri`
    (see the module docstring), as (message, line, column); None if there is none."""
    parser = _parser(namespaces=True)
    based = [base_iri is not None]  # per open element: is there a base for relative IRIs

    def start(name: str, attributes: list[str]) -> None:
        here = based[-1]
        pairs = list(zip(attributes[::2], attributes[1::2], strict=True))
        for key, value in pairs:
            if key == _XML_BASE:
                if not _ABSOLUTE_IRI.match(value):
                    raise _Refused(
                        f"relative xml:base {value!r} (the engine resolves only absolute ones)", parser
                    )
                here = True
        for key, value in pairs if not here else ():
            if key in _IRI_ATTRIBUTES and (key.endswith(" ID") or not _ABSOLUTE_IRI.match(value)):
                raise _Refused(
                    f"relative IRI {value!r} and no base IRI to resolve it against{NO_BASE_HINT}", parser
                )
        based.append(here)

    def namespace(prefix: str | None, uri: str | None) -> None:
        if uri and not _ABSOLUTE_IRI.match(uri):
            raise _Refused(f"relative namespace IRI {uri!r} (the engine resolves only absolute ones)", parser)

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: based.pop()
    parser.StartNamespaceDeclHandler = namespace
    try:
        parser.ParseFile(stream)
    except _Refused as e:
        return (str(e), *e.position)
    except expat.ExpatError:
        pass
    return None


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
