"""E-mail by the standard library's smtplib: ``smtps://`` is TLS from the first byte;
``smtp://`` upgrades with STARTTLS when the server offers it. A password is never sent over an
unencrypted connection to another machine (only to a relay on this one)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

from dossier.errors import NotifyError
from dossier.notify.channels import EmailChannel
from dossier.notify.message import Message

LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def compose(channel: EmailChannel, message: Message) -> EmailMessage:
    """The e-mail of ``message``: plain UTF-8 text, the title as subject."""
    mail = EmailMessage()
    mail["Subject"] = message.title
    mail["From"] = channel.sender
    mail["To"] = ", ".join(channel.to)
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=channel.sender.rpartition("@")[2] or None)
    mail.set_content(message.text)
    return mail


def send_email(channel: EmailChannel, message: Message) -> None:
    """Deliver ``message`` to ``channel.to``; NotifyError naming the channel (never its password)."""
    url = urlsplit(channel.smtp_url.get_secret_value())
    secure = url.scheme == "smtps"
    port = url.port or (465 if secure else 25)
    user = unquote(url.username) if url.username else None
    password = unquote(url.password) if url.password else ""
    context = ssl.create_default_context(cafile=str(channel.ca_file) if channel.ca_file else None)
    try:
        if secure:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(url.hostname, port, timeout=channel.timeout, context=context)
        else:
            smtp = smtplib.SMTP(url.hostname, port, timeout=channel.timeout)
        with smtp:
            smtp.ehlo()
            if not secure and smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
                secure = True
            if user:
                if not secure and url.hostname not in LOOPBACK:
                    raise NotifyError("the server offers no STARTTLS: the password is not sent in clear",
                                      path=channel.label,
                                      reason_zh="邮件服务器不支持 STARTTLS，拒绝以明文发送密码（请改用 smtps://）")
                smtp.login(user, password)
            refused = smtp.send_message(compose(channel, message))
    except NotifyError:
        raise
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        detail = channel.scrub(f"{type(exc).__name__}: {exc}")
        raise NotifyError(f"SMTP {url.hostname}:{port}: {detail}", path=channel.label,
                          reason_zh=f"邮件发送失败（{url.hostname}:{port}，{detail}）") from None
    if refused:
        raise NotifyError(f"recipients refused: {sorted(refused)}", path=channel.label,
                          reason_zh=f"收件人被拒收：{'、'.join(sorted(refused))}")
