"""Whole-number lookups that a number past the column's range cannot break."""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    """`in` on a whole-number column: a value the column cannot hold matches no row, as
    Django's own exact, greater-than and less-than lookups already decide, instead of
    failing the query (SQLite refuses numbers past 64 bits). A form's list of ids is the
    way in: a multiple choice, or the admin's autocomplete showing what was posted."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
