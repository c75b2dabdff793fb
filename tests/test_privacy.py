import logging

from dossier.privacy import MaskingFilter, install_log_masking, mask_id, mask_text


def test_mask_keeps_first_six_and_last_four():
    assert mask_id("110101198003071239") == "110101********1239"


def test_mask_text_masks_every_id_but_not_longer_digit_runs():
    text = "张伟 110101198003071239，李娜 11010519491231002x；流水号 1101011980030712391"
    masked = mask_text(text)
    assert "110101********1239" in masked and "110105********002x" in masked
    assert "1101011980030712391" in masked  # 19 digits is not an ID number


def test_log_records_are_masked_in_message_and_arguments(caplog):
    logger = logging.getLogger("dossier.test.privacy")
    handler = caplog.handler
    install_log_masking(logging.getLogger())
    handler.addFilter(MaskingFilter())
    with caplog.at_level(logging.INFO, logger="dossier.test.privacy"):
        logger.info("reading %s for %s", "110101198003071239", "张伟")
    assert "110101198003071239" not in caplog.text
    assert "110101********1239" in caplog.text
