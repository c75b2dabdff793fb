import io
import logging

from dossier.privacy import install_log_masking, mask_id, mask_text


def test_mask_keeps_first_six_and_last_four():
    assert mask_id("110101198003071239") == "110101********1239"


def test_mask_text_masks_every_id_but_not_longer_digit_runs():
    text = "张伟 110101198003071239，李娜 11010519491231002x；流水号 1101011980030712391"
    masked = mask_text(text)
    assert "110101********1239" in masked and "110105********002x" in masked
    assert "1101011980030712391" in masked  # 19 digits is not an ID number


def test_installed_masking_masks_message_and_arguments_on_every_handler():
    logger = logging.getLogger("dossier.test.privacy")
    logger.propagate = False
    streams = [io.StringIO(), io.StringIO()]
    for stream in streams:
        logger.addHandler(logging.StreamHandler(stream))
    try:
        install_log_masking(logger)
        logger.warning("reading %s for %s", "110101198003071239", "张伟")
    finally:
        logger.handlers.clear()
        logger.propagate = True
    for stream in streams:
        assert "110101198003071239" not in stream.getvalue()
        assert "110101********1239 for 张伟" in stream.getvalue()
