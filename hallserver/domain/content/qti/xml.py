"""Untrusted XML, parsed hardened (defusedxml): no DTD, no entities, no external references.

An XML bomb ("billion laughs") and an external entity both need a document type declaration;
QTI 2 never does, so any DTD is refused before anything is expanded or fetched.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_tree
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from hallserver.errors import Invalid

QTI_VERSIONS = {
    "http://www.imsglobal.org/xsd/imsqti_v2p1": "2.1",
    "http://www.imsglobal.org/xsd/imsqti_v2p2": "2.2",
}
MATHML = "http://www.w3.org/1998/Math/MathML"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_XML_BYTES = 8 * 1024 * 1024


def parse_xml(data: bytes, name: str) -> Element:
    """The root element; Invalid naming the file for a DTD, an entity, or XML that is not well formed."""
    if len(data) > MAX_XML_BYTES:
        raise Invalid(f"{name} is larger than {MAX_XML_BYTES // 2**20} MB; the hall does not read it.")
    try:
        return safe_tree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as err:
        raise Invalid(f"{name} is refused: it has a document type declaration or entities "
                      "(<!DOCTYPE ...>, <!ENTITY ...>). QTI 2 needs none, and they are how XML "
                      "bombs and external entities get in.") from err
    except ParseError as err:
        raise Invalid(f"{name} is not well-formed XML: {err}") from err


def split(tag: str) -> tuple[str, str]:
    """(namespace, local name) of an element's tag."""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def local(element: Element) -> str:
    """The element's name without its namespace."""
    return split(element.tag)[1]


def qti_version(root: Element, name: str) -> str:
    """"2.1" or "2.2"; Invalid for anything else (QTI 1.2, QTI 3, not QTI at all)."""
    namespace, _ = split(root.tag)
    version = QTI_VERSIONS.get(namespace)
    if version is None:
        raise Invalid(f"{name} is not QTI 2.1 or 2.2 (its namespace is {namespace or 'none'!r}); "
                      "export the items as QTI 2.1 or 2.2.")
    return version


def children(element: Element, name: str) -> Iterator[Element]:
    """Direct children with this local name."""
    return (child for child in element if local(child) == name)


def child(element: Element, name: str) -> Element | None:
    """The first direct child with this local name."""
    return next(children(element, name), None)


def flag(element: Element, attribute: str, default: bool = False) -> bool:
    """A QTI boolean attribute."""
    value = element.get(attribute)
    return default if value is None else value.strip().lower() == "true"
