"""Fields for one line of text (names, titles, places): whatever way a value arrives (a form,
the admin, a service, the shell), it is stored on one line. See lib.text.single_line."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from lib.text import single_line


class SingleLineFormField(forms.CharField):
    """A form's one-line text: line breaks and control characters become spaces before the
    length and other checks run, so what is checked is what is stored."""

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return single_line(text) if text else text


class SingleLineCharField(models.CharField):
    """A model's one-line text: made single-line on every save, and a ModelForm (the admin
    included) gets a SingleLineFormField."""

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = single_line(value)
            setattr(model_instance, self.attname, value)
        return value

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        return super().formfield(
            form_class=form_class or SingleLineFormField,
            choices_form_class=choices_form_class,
            **kwargs,
        )


def single_line_existing(app_label: str, fields: dict[str, list[str]]) -> migrations.RunPython:
    """A migration step that puts the rows already stored on one line, for the fields
    (`{"model": ["field", …]}`) that have just become SingleLineCharFields."""

    def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for model_name, names in fields.items():
            model = apps.get_model(app_label, model_name)
            for row in model.objects.only(*names).iterator():
                changes = {}
                for name in names:
                    value = getattr(row, name)
                    if value != single_line(value):
                        changes[name] = single_line(value)
                if changes:
                    model.objects.filter(pk=row.pk).update(**changes)

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)
