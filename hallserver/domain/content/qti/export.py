"""An exam of the hall written as an IMS content package of QTI 2.1, which `hall exam import`
takes back as the same exam.

    imsmanifest.xml        the test, each item and each image as resources
    test.xml               the assessmentTest: title, time limit, one section in the exam's
                           order (shuffled when the exam shuffles its questions)
    items/item-N.xml       one assessmentItem per question (see `writer`)
    images/NAME            the images the questions show, under the names the hall gives them
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement, tostring

from hallserver.domain.content.exam_content import Asset, Question
from hallserver.domain.content.qti.packages import asset_url
from hallserver.domain.content.qti.writer import QTI, item_element, q

CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
SCHEMA = "http://www.imsglobal.org/xsd/imsqti_v2p1 http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _xml(element: Element, namespace: str = QTI) -> bytes:
    element.set("xmlns", namespace)
    if namespace == QTI:
        element.set("xmlns:xsi", XSI)
        element.set("xsi:schemaLocation", SCHEMA)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(element, encoding="unicode").encode()


def _test(exam_id: str, title: str, duration_seconds: int, shuffle: bool,
          refs: list[tuple[Question, str]]) -> Element:
    test = Element(q("assessmentTest"), identifier=exam_id, title=title)
    SubElement(test, q("timeLimits"), maxTime=str(duration_seconds))
    part = SubElement(test, q("testPart"), identifier="part-1", navigationMode="nonlinear",
                      submissionMode="simultaneous")
    section = SubElement(part, q("assessmentSection"), identifier="section-1", title=title,
                         visible="true")
    if shuffle:
        SubElement(section, q("ordering"), shuffle="true")
    for question, href in refs:
        ref = SubElement(section, q("assessmentItemRef"), identifier=question.id, href=href)
        if question.fixed:
            ref.set("fixed", "true")
    return test


def _manifest(exam_id: str, items: list[str], images: list[str]) -> bytes:
    manifest = Element("manifest", identifier=f"manifest-{exam_id}")
    SubElement(manifest, "organizations")
    resources = SubElement(manifest, "resources")
    test = SubElement(resources, "resource", identifier="test", type="imsqti_test_xmlv2p1",
                      href="test.xml")
    SubElement(test, "file", href="test.xml")
    for n, href in enumerate(items, start=1):
        SubElement(test, "dependency", identifierref=f"item-{n}")
        item = SubElement(resources, "resource", identifier=f"item-{n}",
                          type="imsqti_item_xmlv2p1", href=href)
        SubElement(item, "file", href=href)
    for n, href in enumerate(images, start=1):
        image = SubElement(resources, "resource", identifier=f"image-{n}",
                           type="webcontent", href=href)
        SubElement(image, "file", href=href)
    return _xml(manifest, CP)


def write_package(target: Path, exam: object, assets: Iterable[Asset],
                  step: Callable[[int], None] = lambda n: None) -> int:
    """Writes the exam (an `exams.Exam`) as a content package; the number of items written."""
    assets = list(assets)
    images = {asset_url(exam.id, a.name): f"../images/{a.name}" for a in assets}
    refs = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for n, question in enumerate(exam.questions, start=1):
            shuffle = question.shuffle if question.shuffle is not None else exam.shuffle_options
            href = f"items/item-{n}.xml"
            package.writestr(href, _xml(item_element(question, images, shuffle)))
            refs.append((question, href))
            step(1)
        for asset in assets:
            package.writestr(f"images/{asset.name}", asset.data)
        package.writestr("test.xml", _xml(_test(exam.id, exam.title, exam.duration_seconds,
                                                exam.shuffle_questions, refs)))
        package.writestr("imsmanifest.xml", _manifest(exam.id, [h for _, h in refs],
                                                       [f"images/{a.name}" for a in assets]))
    return len(refs)
