"""Users and login tokens: stored hashed, shown once, revocable; the ``dossier user`` commands."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from dossier.cli import app as cli
from dossier.config import load_settings
from dossier.store.db import init_db
from dossier.store.schema import User
from dossier.store.users import (
    UserError,
    add_user,
    authenticate,
    list_users,
    renew_token,
    revoke_user,
)


@pytest.fixture
def db(home):
    database = init_db(load_settings())
    yield database
    database.dispose()


def test_a_token_is_shown_once_and_stored_only_as_its_hash(db):
    with db.session() as session:
        user, token = add_user(session, "张伟", "reviewer")
    assert len(token) >= 40 and user.role == "reviewer"
    with db.session() as session:
        row = session.scalar(select(User).where(User.name == "张伟"))
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in (row.token_hash or "")
        assert authenticate(session, token).name == "张伟"
        assert authenticate(session, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
        assert authenticate(session, "") is None and authenticate(session, "x" * 5000) is None


def test_tokens_differ_per_user_and_roles_rank(db):
    with db.session() as session:
        admin, t1 = add_user(session, "admin", "admin")
        viewer, t2 = add_user(session, "viewer", "viewer")
    assert t1 != t2
    assert admin.may("reviewer") and admin.may("admin")
    assert viewer.may("viewer") and not viewer.may("reviewer")


def test_revoke_and_renew(db):
    with db.session() as session:
        _, token = add_user(session, "李娜", "admin")
    with db.session() as session:
        fresh = renew_token(session, "李娜")
    with db.session() as session:
        assert authenticate(session, token) is None
        assert authenticate(session, fresh).name == "李娜"
        revoke_user(session, "李娜")
    with db.session() as session:
        assert authenticate(session, fresh) is None
        assert [(u.name, u.active) for u in list_users(session)] == [("李娜", False)]
        # a revoked name can be given a new token and role later
        again, token3 = add_user(session, "李娜", "viewer")
        assert again.active and again.role == "viewer" and authenticate(session, token3)


@pytest.mark.parametrize("name, role", [("张伟", "boss"), ("", "admin"), ("a\tb", "admin"), ("x" * 65, "admin")])
def test_bad_names_and_roles_are_refused(db, name, role):
    with db.session() as session, pytest.raises(UserError):
        add_user(session, name, role)


def test_an_active_user_cannot_be_added_twice(db):
    with db.session() as session:
        add_user(session, "王芳", "reviewer")
    with db.session() as session, pytest.raises(UserError, match="exists"):
        add_user(session, "王芳", "admin")


def test_cli_user_add_list_revoke(home):
    runner = CliRunner()
    added = runner.invoke(cli, ["user", "add", "赵敏", "--role", "admin"])
    assert added.exit_code == 0, added.output
    token = added.stdout.strip().splitlines()[-1]
    db = init_db(load_settings())
    try:
        with db.session() as session:
            assert authenticate(session, token).role == "admin"
    finally:
        db.dispose()
    listed = runner.invoke(cli, ["user", "list"])
    assert listed.stdout.split() == ["赵敏", "admin", "有效"] and token not in listed.stdout
    assert runner.invoke(cli, ["user", "add", "赵敏"]).exit_code == 2
    assert runner.invoke(cli, ["user", "add", "钱七", "--role", "boss"]).exit_code == 2
    assert runner.invoke(cli, ["user", "revoke", "赵敏"]).exit_code == 0
    assert "已吊销" in runner.invoke(cli, ["user", "list"]).stdout
    assert runner.invoke(cli, ["user", "revoke", "赵敏"]).exit_code == 2
