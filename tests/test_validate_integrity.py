"""Duplicate images, tamper signs, QR payloads."""

import json
from datetime import datetime

import pytest

from dossier.validate import FileFacts, PageHash

from validate_builders import PEOPLE, clean_application, replace_field


def _file(sha, phash="f0e1d2c3b4a59687", dhash="0f1e2d3c4b5a6978", source="scan", **facts) -> FileFacts:
    return FileFacts(sha256=sha, media_type="application/pdf", source_name=f"{sha[:6]}.pdf", size=1,
                     page_hashes=[PageHash(page=1, phash=phash, dhash=dhash, source=source)], **facts)


def _with_file(d, file, **extra):
    return d.model_copy(update={"file": file, **extra})


def _flip(hex16: str, bits: int) -> str:
    return f"{int(hex16, 16) ^ ((1 << bits) - 1):016x}"


def _two_id_cards(phash_b: str, dhash_b: str, source="scan"):
    app = clean_application()
    a, b = app.find("id_card", "张伟"), app.find("id_card", "李娜")
    app = app.swap(a, _with_file(a, _file(a.sha256, source=source)))
    return app.swap(b, _with_file(b, _file(b.sha256, phash_b, dhash_b, source=source)))


def test_the_same_image_for_two_people():
    found = [d for d in _two_id_cards("f0e1d2c3b4a59687", "0f1e2d3c4b5a6978").run() if d.code == "DUPLICATE_IMAGE"]
    assert len(found) == 1 and found[0].severity == "warning"
    assert "张伟的居民身份证" in found[0].message and "李娜的居民身份证" in found[0].message
    assert len({e.sha256 for e in found[0].evidence}) == 2


def test_near_identical_within_the_distance_only():
    near = _two_id_cards(_flip("f0e1d2c3b4a59687", 3), _flip("0f1e2d3c4b5a6978", 2))
    far = _two_id_cards(_flip("f0e1d2c3b4a59687", 4), "0f1e2d3c4b5a6978")
    assert "DUPLICATE_IMAGE" in near.codes()
    assert "DUPLICATE_IMAGE" not in far.codes()


def _tiled_id_cards(tiles_a: list[str], tiles_b: list[str]):
    app = clean_application()
    a, b = app.find("id_card", "张伟"), app.find("id_card", "李娜")
    for doc, tiles in ((a, tiles_a), (b, tiles_b)):
        page = PageHash(page=1, phash="f0e1d2c3b4a59687", dhash="0f1e2d3c4b5a6978", tiles=tiles)
        app = app.swap(doc, _with_file(doc, _file(doc.sha256).model_copy(update={"page_hashes": [page]})))
    return app


def test_one_template_for_two_people_differs_in_some_tile():
    # Whole-card hashes agree (same template); the cell with the name and number does not.
    tiles = ["f0e1d2c3b4a59687"] * 16
    other_name = tiles[:5] + [_flip(tiles[5], 20)] + tiles[6:]
    copy = [_flip(t, 4) for t in tiles]  # a rescaled, recompressed copy: a few bits everywhere
    assert "DUPLICATE_IMAGE" not in _tiled_id_cards(tiles, other_name).codes()
    assert "DUPLICATE_IMAGE" in _tiled_id_cards(tiles, copy).codes()


def test_tiles_of_a_rescaled_copy_agree_and_of_another_card_do_not(tmp_path):
    from PIL import Image, ImageDraw

    from dossier.validate.facts import collect_file_facts

    def card(name: str, path, size=(856, 540)):
        img = Image.new("RGB", (856, 540), "white")
        draw = ImageDraw.Draw(img)
        draw.rectangle((40, 40, 300, 380), outline="black", width=6)
        for y in range(60, 500, 40):
            draw.line((340, y, 800, y), fill=(200, 200, 200), width=3)
        draw.text((360, 120), name, fill="black", font_size=64)
        img.resize(size).save(path, quality=70)

    card("ZHANG WEI 1980", tmp_path / "a.jpg")
    card("ZHANG WEI 1980", tmp_path / "copy.jpg", size=(700, 441))
    card("LI NA 1991", tmp_path / "b.jpg")
    hashes = {n: collect_file_facts(tmp_path / f"{n}.jpg", "image/jpeg").page_hashes[0] for n in ("a", "copy", "b")}

    def worst(x, y):
        return max((int(p, 16) ^ int(q, 16)).bit_count() for p, q in zip(hashes[x].tiles, hashes[y].tiles))

    assert len(hashes["a"].tiles) == 16
    assert worst("a", "copy") <= 10 < worst("a", "b")


def test_rendered_template_pages_are_compared_only_when_asked():
    # Two e-certificates rendered from one template hash alike whoever they name.
    app = _two_id_cards("f0e1d2c3b4a59687", "0f1e2d3c4b5a6978", source="render")
    assert "DUPLICATE_IMAGE" not in app.codes()
    assert "DUPLICATE_IMAGE" in app.codes({"integrity": {"near_duplicate_sources": ["scan", "render"]}})


def test_a_copy_of_one_card_filed_in_another_persons_folder():
    app = clean_application()
    card = app.find("id_card", "张伟")
    borrowed = card.model_copy(update={"document": card.document.model_copy(
        update={"sha256": "c" * 64, "file": "人员资料/李娜/身份证.jpg"})})
    card = card.model_copy(update={"document": card.document.model_copy(update={"file": "人员资料/张伟/身份证.jpg"})})
    app = app.swap(app.find("id_card", "张伟"), _with_file(card, _file(card.sha256)))
    found = [d for d in app.add(_with_file(borrowed, _file("c" * 64))).run() if d.code == "DUPLICATE_IMAGE"]
    assert len(found) == 1 and found[0].subject == "c" * 64
    assert "人员资料/李娜/身份证.jpg" in found[0].message


def test_the_same_document_scanned_twice_is_not_a_duplicate_finding():
    app = clean_application()
    card = app.find("id_card", "张伟")
    copy = card.model_copy(update={"document": card.document.model_copy(update={"sha256": "c" * 64})})
    app = app.swap(card, _with_file(card, _file(card.sha256))).add(_with_file(copy, _file("c" * 64)))
    assert "DUPLICATE_IMAGE" not in app.codes()


def test_one_file_claimed_by_two_documents_without_hashes():
    app = clean_application()
    a, b = app.find("title_certificate", "刘洋"), app.find("title_certificate", "陈静")
    shared = b.model_copy(update={"document": b.document.model_copy(update={"sha256": a.sha256})})
    assert "DUPLICATE_IMAGE" in app.swap(b, shared).codes()


@pytest.mark.parametrize("facts, reason", [
    ({"producer": "Adobe Photoshop CS6 (Windows)"}, "Photoshop"),
    ({"creator": "美图秀秀"}, "美图"),
    ({"created": datetime(2026, 1, 1), "modified": datetime(2026, 3, 1)}, "59 天"),
    ({"incremental_updates": 2, "signature_count": 1}, "1 次未签名的增量修改"),
])
def test_tamper_signs(facts, reason):
    app = clean_application()
    cert = app.find("constructor_certificate", "李娜")
    app = app.swap(cert, _with_file(cert, _file(cert.sha256, **facts)))
    found = [d for d in app.run() if d.code == "TAMPER_SIGNS"]
    assert len(found) == 1 and reason in found[0].message and found[0].subject == cert.sha256


def test_no_tamper_signs_for_a_signed_certificate_and_a_recent_edit():
    app = clean_application()
    cert = app.find("constructor_certificate", "李娜")
    facts = _file(cert.sha256, producer="iText 7", incremental_updates=1, signature_count=1,
                  created=datetime(2026, 1, 1), modified=datetime(2026, 1, 20))
    assert app.swap(cert, _with_file(cert, facts)).run() == []


def test_text_layer_disagreeing_with_ocr():
    app = clean_application()
    lic = app.find("business_license")
    app = app.swap(lic, _with_file(lic, None, text_agreement={1: 0.55, 2: 0.97}))
    found = [d for d in app.run() if d.code == "TAMPER_SIGNS"]
    assert len(found) == 1 and "第 1 页" in found[0].message and "第 2 页" not in found[0].message


def _with_qr(payload: str):
    """The clean application with a QR payload on 李娜's certificate."""
    app = clean_application()
    cert = app.find("constructor_certificate", "李娜")
    return app.swap(cert, replace_field(cert, qr_payload=payload))


def test_qr_matching_the_printed_fields():
    printed = clean_application().find("constructor_certificate", "李娜")
    payload = json.dumps({"姓名": "李娜", "注册编号": printed.text("registration_number"),
                          "聘用企业": "北京华建建设工程有限公司", "使用有效期": "2027年03月01日",
                          "注册专业": "建筑工程"}, ensure_ascii=False)
    assert _with_qr(payload).run() == []


def test_qr_disagreeing_with_the_printed_fields():
    app = _with_qr("姓名=李娜&注册编号=京100000000999&使用有效期=2027-09-01")
    found = [d for d in app.run() if d.code == "QR_MISMATCH"]
    assert len(found) == 1 and found[0].subject == PEOPLE[1].id_number
    assert "注册编号" in found[0].message and "使用有效期" in found[0].message and "姓名" not in found[0].message
    assert {e.field for e in found[0].evidence} == {"registration_number", "qr.registration_number",
                                                   "usage_valid_until", "qr.usage_valid_until"}


def test_qr_payload_shapes_are_parsed_with_extractions_parser():
    app = clean_application()
    cert = app.find("constructor_certificate", "李娜")
    pairs = replace_field(cert, qr_payload="姓名：李娜;注册专业：建筑工程，市政公用工程")
    assert pairs.qr() == {"name": "李娜", "specialties": "建筑工程，市政公用工程"}
    assert "QR_MISMATCH" in app.swap(cert, pairs).codes()  # one printed specialty, two encoded
    assert cert.qr() == {}


def test_explicit_qr_fields_win_over_the_document():
    app = clean_application()
    cert = app.find("constructor_certificate", "李娜")
    given = cert.model_copy(update={"qr_fields": {"name": "李四"}})
    assert "QR_MISMATCH" in app.swap(cert, given).codes()


def test_a_doubtful_reading_of_the_print_is_no_qr_mismatch():
    # the QR is read by machine and exact; a print read at 0.6 that disagrees is the reader's doubt
    from validate_builders import fld

    app = _with_qr("姓名=李娜&注册编号=京100000000999")
    cert = app.find("constructor_certificate", "李娜")
    printed = cert.document.fields["registration_number"].value
    doubtful = app.swap(cert, replace_field(cert, registration_number=fld(printed, confidence=0.6)))
    codes = doubtful.codes()
    assert "QR_MISMATCH" not in codes and "LOW_CONFIDENCE" in codes


def test_a_licence_qr_holding_another_credit_code_is_a_mismatch():
    app = clean_application()
    licence = app.find("business_license")
    other = "91350100M000100Y43"
    tagged = replace_field(licence, qr_payload=f"http://www.gsxt.gov.cn/index.html?uniscid={other}")
    found = [d for d in app.swap(licence, tagged).run() if d.code == "QR_MISMATCH"]
    assert len(found) == 1 and other in found[0].message
