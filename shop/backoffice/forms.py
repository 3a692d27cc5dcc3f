"""Backoffice forms shared by several pages (Flask-WTF: CSRF and validation)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from shop.accounts.models import Role


class LoginForm(FlaskForm):  # type: ignore[misc]
    """Email and password."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])


class StaffForm(FlaskForm):  # type: ignore[misc]
    """A new staff account."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=320)])
    name = StringField("Name", validators=[Length(max=120)])
    role = SelectField("Role", choices=[r.value for r in Role])
    # Strength is checked by the account service, which names the rule it applies.
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])


class RoleForm(FlaskForm):  # type: ignore[misc]
    """A changed role."""

    role = SelectField("Role", choices=[r.value for r in Role])
