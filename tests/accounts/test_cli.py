"""Users and tokens from the command line."""

from __future__ import annotations

from click.testing import CliRunner

from outsidein.accounts.models import User
from outsidein.accounts.tokens import user_for_token
from outsidein.cli import main


def test_user_add_with_role_and_team(org):
    result = CliRunner().invoke(
        main, ["user", "add", "Kari@Example.no", "--role", "team_member", "--team", "billing"]
    )
    assert result.exit_code == 0, result.output
    user = User.objects.get(email="kari@example.no")
    assert user.role == "team_member"
    assert list(user.teams.values_list("slug", flat=True)) == ["billing"]
    password = result.output.split("password: ")[1].strip()
    assert user.check_password(password)


def test_user_add_updates_role_and_refuses_unknown_team(org):
    runner = CliRunner()
    runner.invoke(
        main, ["user", "add", "ola@example.no", "--role", "viewer", "--password", "x" * 12]
    )
    result = runner.invoke(main, ["user", "add", "ola@example.no", "--role", "cx_lead"])
    assert "updated" in result.output
    assert User.objects.get(email="ola@example.no").role == "cx_lead"
    bad = runner.invoke(
        main, ["user", "add", "per@example.no", "--role", "viewer", "--team", "nope"]
    )
    assert bad.exit_code != 0 and "unknown team(s): nope" in bad.output
    assert not User.objects.filter(email="per@example.no").exists()


def test_admin_role_opens_the_django_admin(org):
    CliRunner().invoke(main, ["user", "add", "root@example.no", "--role", "admin"])
    user = User.objects.get(email="root@example.no")
    assert user.is_staff and user.is_superuser


def test_token_create_and_revoke(cx_lead):
    runner = CliRunner()
    plain = runner.invoke(main, ["token", "create", cx_lead.email, "--name", "etl"]).output.strip()
    assert plain.startswith("oi_") and user_for_token(plain) == cx_lead
    stored = cx_lead.api_tokens.get()
    assert plain not in (stored.key_hash, stored.prefix)  # only a hash is kept
    result = runner.invoke(main, ["token", "revoke", stored.prefix])
    assert result.exit_code == 0, result.output
    assert user_for_token(plain) is None


def test_token_for_unknown_user_is_a_clear_error(db):
    result = CliRunner().invoke(main, ["token", "create", "ghost@example.no"])
    assert result.exit_code != 0 and "no user with e-mail" in result.output
