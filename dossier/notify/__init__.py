"""Reminders that reach people: ``dossier remind`` and its channels.

Modules, one job each:

- ``channels``: the ``[[notify.channels]]`` of ``dossier.toml`` (pydantic), secrets kept secret
- ``channel_store``: channels admins add in the web UI (table ``notify_channels``), and the list
  ``remind`` sends on: dossier.toml's plus the enabled stored ones
- ``probe``: a test message on one channel (the web UI's 发送测试消息)
- ``message``: one message as every sender takes it
- ``mail``: e-mail over SMTP (``smtp://`` with STARTTLS when offered, ``smtps://``)
- ``robots``: 企业微信, 钉钉, 飞书 group robots and plain webhooks: bodies, signing, answers
- ``ratelimit``: the robots' rate limits, kept by waiting, never by dropping
- ``thresholds``: when an entry is reminded of (``remind_days`` in ``ledger/rules.yaml``, status changes)
- ``digest``: what is due on a day, and one digest per channel and company
- ``sendlog``: each (entry, threshold, channel) once, across runs and crashes (table ``reminders``)
- ``remind``: the whole run, as ``dossier remind`` and the Celery beat task call it
"""
