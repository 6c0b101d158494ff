"""How much text a person may type into a field: one limit for every form, every model
and the rendering benchmark, so they cannot disagree.

Single-line fields keep the length of their column (a subject: 200). Multi-line text
(descriptions, messages, notes, reasons, pasted headers and logs) stops at
TEXT_MAX_LENGTH: a limit nobody reaches in good faith, that still bounds what a page has
to show. Text that arrives by mail is stored whole: the limit is checked by forms and
`full_clean`, never by the database.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

TEXT_MAX_LENGTH = 20_000


class TextLengthValidator(MaxLengthValidator):
    """At most `limit_value` characters, with a sentence giving both figures."""

    message = _("At most %(limit_value)s characters fit here; this text has %(show_value)s.")

    def __init__(self, limit_value=TEXT_MAX_LENGTH, message=None):
        super().__init__(limit_value, message)

    def __call__(self, value):
        length = self.clean(value)
        if self.compare(length, self.limit_value):
            # The figures grouped as the reader writes them: 20,000 or 20.000.
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    "limit_value": number_format(self.limit_value, force_grouping=True),
                    "show_value": number_format(length, force_grouping=True),
                },
            )

    def deconstruct(self):
        # Migrations see Django's validator with the same limit: they never validate, so
        # they need nothing from this module.
        return "django.core.validators.MaxLengthValidator", (self.limit_value,), {}
