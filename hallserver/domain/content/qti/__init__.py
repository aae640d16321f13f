"""QTI 2.1 and 2.2 in: items, tests and content packages read into the hall's exam content.

    xml         hardened parsing (defusedxml): no DTD, no entities, no external references
    source      a folder or a zip, read within limits, never outside its root
    body        item body -> HTML, interactions and options
    processing  declarations and response processing -> JSON rules (standard templates too)
    evaluate    runs the stored rules on a candidate's response: the item's score
    items       one assessmentItem -> a Question, or the reason it cannot be one
    packages    a single item, an assessmentTest, a content package -> ExamImport
"""

from hallserver.domain.content.qti.packages import ASSET_PATH, asset_url, load_package, load_xml

__all__ = ["ASSET_PATH", "asset_url", "load_package", "load_xml"]
